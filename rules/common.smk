# Paths from config and the helper functions the rules share.
import sys
from pathlib import Path

DATA = config["data_dir"]
RES = config["results_dir"]
LOGS = config["logs_dir"]
BOOK = config["book_dir"]
ENV = "../envs/goodcare.yaml"
TABLES = ["organisations", "participants", "outcomes", "experience", "codebook", "codings"]
# Tables each table's checks read (foreign keys, roles); mirrors goodcare.validate.REFERENCES.
REFERENCES = {
    "organisations": [],
    "participants": ["organisations"],
    "outcomes": ["participants"],
    "experience": ["participants"],
    "codebook": [],
    "codings": ["participants", "codebook"],
}
# Package modules every analysis uses; a change to one reruns the analyses.
SHARED_CODE = [
    "src/goodcare/outputs.py",
    "src/goodcare/theme.py",
    "src/goodcare/stats.py",
    "src/goodcare/groups.py",
    "src/goodcare/fmt.py",
    "src/goodcare/runner.py",
    "src/goodcare/records.py",
]


wildcard_constraints:
    table="|".join(TABLES),


def validated(*tables):
    """Validated parquet files of the named tables, keyed by table name."""
    return {t: f"{RES}/validated/{t}.parquet" for t in tables}


def referenced_tables(wildcards):
    """The validated tables that the table being validated refers to."""
    return validated(*REFERENCES[wildcards.table])


def chapter_outputs(chapter):
    """The three outputs of a chapter's analysis: tables, figures and in-text values."""
    return {
        "tables": directory(f"{RES}/tables/{chapter}"),
        "figures": directory(f"{RES}/figures/{chapter}"),
        "values": f"{RES}/values/{chapter}.json",
        "record": f"{RES}/provenance/{chapter}.json",
    }


def analysis_code(chapter):
    """The package code an analysis runs, as inputs, so a code change reruns it."""
    return [f"src/goodcare/chapters/{chapter}.py"] + SHARED_CODE


def get_analysis_outputs():
    """Every output of every analysis (the `analyses` target)."""
    chapters = [*CHAPTERS, "performance", "appendices", "howmade"]
    return [f"{RES}/values/{c}.json" for c in chapters] + [f"{RES}/validated/{t}.json" for t in TABLES]


def get_final_output():
    """The default target: the rendered book's manifest."""
    return [f"{RES}/book/manifest.json"]
