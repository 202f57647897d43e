# Paths from config and the helper functions the rules share.
import shutil
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError

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
# The disclosure gate's code; a change to one re-runs every gate (not the analyses).
DISCLOSURE_CODE = sorted(str(p) for p in Path("src/goodcare/disclosure").glob("*.py")) + [
    "src/goodcare/outputs.py",
    "src/goodcare/vocab.py",
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
    """What a chapter's analysis writes: its staged outputs (for the disclosure gate only) and its record."""
    return {
        "staged": directory(f"{RES}/analysis/{chapter}"),
        "record": f"{RES}/provenance/{chapter}.json",
    }


def published_outputs(chapter):
    """What the disclosure gate publishes for a chapter (the book reads only these), its report and record."""
    return {
        "tables": directory(f"{RES}/tables/{chapter}"),
        "figures": directory(f"{RES}/figures/{chapter}"),
        "values": f"{RES}/values/{chapter}.json",
        "report": f"{RES}/disclosure/{chapter}.json",
        "cells": f"{RES}/disclosure/{chapter}.csv",
        "record": f"{RES}/provenance/disclose_{chapter}.json",
    }


def all_chapters():
    """Every chapter an analysis rule makes (each passes the disclosure gate)."""
    return [*CHAPTERS, "performance", "appendices", "howmade", "calibration"]


def quoting_chapters():
    """Chapters whose analysis reads the coded excerpts, so may quote them (attributed book-wide)."""
    return [c for c, tables in CHAPTER_TABLES.items() if "codings" in tables]


def quote_inputs(chapter):
    """What a chapter's disclosure gate needs to publish quotes: the book's attributions and the excerpts."""
    if chapter not in quoting_chapters():
        return {}
    return {"attributions": f"{RES}/disclosure/attributions.csv", **validated("codings")}


def analysis_code(chapter):
    """The package code an analysis runs, as inputs, so a code change reruns it."""
    return [f"src/goodcare/chapters/{chapter}.py"] + SHARED_CODE


# The workflow's stages, in the order data flow through them: one rule file each.
STAGE_ORDER = ["refi", "validate", "analyse", "disclosure", "book"]


def workflow_stages():
    """Every rule that runs a job, grouped by the stage (rule file) that defines it, in pipeline order."""
    stages = {}
    for r in workflow.rules:
        if not r.norun:
            stages.setdefault(Path(r.snakefile).stem, []).append(r.name)
    return [{"stage": s, "rules": sorted(stages[s])} for s in STAGE_ORDER if s in stages]


def get_analysis_outputs():
    """Every published output of every analysis, after the disclosure gate (the `analyses` target)."""
    return (
        [f"{RES}/values/{c}.json" for c in all_chapters()]
        + [f"{RES}/validated/{t}.json" for t in TABLES]
        + [f"{RES}/disclosure/report.json"]
    )


def get_final_output():
    """The default target: the rendered book's manifest."""
    return [f"{RES}/book/manifest.json"]
