# Render the Quarto book (site + PDF) from the chapters and the published results.

BOOK_SOURCES = [
    "_quarto.yml",
    "_quarto-synthetic.yml",
    "CITATION.cff",
    "index.qmd",
    *sorted(str(p) for p in Path("chapters").glob("*.qmd")),
    *sorted(str(p) for p in Path("assets").glob("*")),
]


rule changes:
    input:
        results=get_analysis_outputs(),
        # The saved snapshots (python -m goodcare.diff --save NAME); none is fine.
        snapshots=sorted(str(p) for p in Path("snapshots").rglob("*") if p.is_file()),
        code=code_of("scripts/changes.py"),
    output:
        f"{RES}/changes/changes.json",
    log:
        f"{LOGS}/changes/changes.log",
    conda:
        ENV
    script:
        "../scripts/changes.py"


rule render:
    input:
        results=get_analysis_outputs(),
        changes=f"{RES}/changes/changes.json",
        sources=BOOK_SOURCES,
        code=book_code(BOOK_SOURCES),
    output:
        # The whole site and PDF: Snakemake knows it, cleans it (--delete-all-output) and removes it if the
        # render fails; the manifest lists the SHA-256 of every file in it.
        book=directory(BOOK),
        manifest=f"{RES}/book/manifest.json",
    log:
        f"{LOGS}/render/quarto.log",
    params:
        # Quarto profile `synthetic` (_quarto-synthetic.yml) labels every page while the data are synthetic.
        profile="synthetic" if config["data_are_synthetic"] else "",
    conda:
        ENV
    script:
        "../scripts/render_book.py"
