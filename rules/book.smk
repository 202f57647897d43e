# Render the Quarto book (site + PDF) from the chapters and the published results.

BOOK_SOURCES = ["_quarto.yml", "index.qmd", *sorted(str(p) for p in Path("chapters").glob("*.qmd"))]


rule render:
    input:
        results=get_analysis_outputs(),
        report=f"{RES}/report/report.html",
        sources=BOOK_SOURCES,
        code=book_code(BOOK_SOURCES),
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


# Snakemake's own report of the run (rule graph, runtimes, the records it keeps); linked from the book.
rule snakemake_report:
    input:
        get_analysis_outputs(),
    output:
        f"{RES}/report/report.html",
    log:
        f"{LOGS}/report/snakemake.log",
    params:
        python=sys.executable,
    conda:
        ENV
    shell:
        "{params.python} -m snakemake --nolock --report {output} {input} > {log} 2>&1"
