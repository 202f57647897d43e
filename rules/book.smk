# Render the Quarto book (site + PDF) from the chapters and the published results.

BOOK_SOURCES = ["_quarto.yml", "index.qmd", *sorted(str(p) for p in Path("chapters").glob("*.qmd"))]


rule render:
    input:
        results=get_analysis_outputs(),
        sources=BOOK_SOURCES,
        code="src/goodcare/book.py",
    output:
        manifest=f"{RES}/book/manifest.json",
    log:
        f"{LOGS}/render/quarto.log",
    params:
        book_dir=BOOK,
    conda:
        ENV
    script:
        "../scripts/render_book.py"
