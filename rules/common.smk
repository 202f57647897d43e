# Paths from config and the helper functions the rules share.
import importlib.util
import shutil
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError

DATA = config["data_dir"]
RES = config["results_dir"]
LOGS = config["logs_dir"]
BOOK = config["book_dir"]
RELEASE = config["release_dir"]
ENV = "../envs/goodcare.yaml"
# Stop before any job (before the DAG is even built) when an output folder would overwrite or delete the data or
# the project's sources: Snakemake removes a directory output before its job, and the render replaces book_dir whole.
_paths_spec = importlib.util.spec_from_file_location("goodcare_paths", "src/goodcare/paths.py")
_paths = importlib.util.module_from_spec(_paths_spec)
_paths_spec.loader.exec_module(_paths)
_UNSAFE = _paths.refusal(config, Path(workflow.basedir))
if _UNSAFE:
    print(_UNSAFE, file=sys.stderr, flush=True)
    raise SystemExit(1)
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
# Each rule's code inputs are the package files its entry points import, transitively (goodcare.codedeps parses
# the package once per workflow parse; loaded from its file, so the workflow imports none of the code it analyses).
# A change to any of them reruns the rule, and its provenance record hashes the same list (records.write_record).
# The imports of files whose bytes are unchanged are kept in .snakemake/goodcare/ (a no-op parses nothing).
_codedeps_spec = importlib.util.spec_from_file_location("goodcare_codedeps", "src/goodcare/codedeps.py")
codedeps = importlib.util.module_from_spec(_codedeps_spec)
_codedeps_spec.loader.exec_module(codedeps)
CODE_GRAPH = codedeps.cached_package_graph("src", ".snakemake/goodcare/codedeps.json")


def code_of(*entries):
    """The package files that entry points (scripts, Quarto files, module names) import, as a rule's code inputs."""
    return codedeps.code_inputs(CODE_GRAPH, *entries)


# The disclosure gates', validation's and the REFI import's code.
DISCLOSURE_CODE = code_of("scripts/disclose.py")
VALIDATE_CODE = code_of("scripts/validate_table.py")
REFI_CODE = code_of("scripts/import_qdpx.py")


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


def ledger_chapters():
    """Chapters the book-wide key ledger reads: all but two whose gates apply it after the others (a group only they
    would suppress that another chapter shows stops the book): the scorecard, staged from the others' published
    values, and the calibration chapter, whose cells are about simulated data sets (no one), so the ledger need not
    wait for the build's longest chain (calibrate, then its analysis)."""
    return [c for c in all_chapters() if c not in ("performance", "calibration")]


def quoting_chapters():
    """Chapters whose analysis reads the coded excerpts, so may quote them (attributed book-wide)."""
    return [c for c, tables in CHAPTER_TABLES.items() if "codings" in tables]


def quote_inputs(chapter):
    """What a chapter's disclosure gate needs to publish quotes: the book's attributions and the excerpts."""
    if chapter not in quoting_chapters():
        return {}
    return {"attributions": f"{RES}/disclosure/attributions.csv", **validated("codings")}


def analysis_code(chapter):
    """The package code an analysis runs: the rule script's imports and the chapter module the runner loads."""
    return code_of("scripts/analyse.py", f"goodcare.chapters.{chapter}")


def book_code(sources):
    """The package code the render runs: its script's imports and those of the Python cells of the book's .qmd files."""
    return code_of("scripts/render_book.py", *[s for s in sources if s.endswith(".qmd")])


def workflow_stages():
    """Every rule that runs a job, grouped by the stage (rule file) that defines it, in pipeline order (the
    Snakefile includes the rule files in the order data flow through them, and rules keep that order)."""
    stages = {}
    for r in workflow.rules:
        # The release packages the finished book (rules/release.smk), so it is no stage of making it.
        if not r.norun and Path(r.snakefile).stem != "release":
            stages.setdefault(Path(r.snakefile).stem, []).append(r.name)
    return [{"stage": s, "rules": sorted(rules)} for s, rules in stages.items()]


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


def book_start_refusal(rules):
    """Why a run that renders the book must stop before any job (its results lie outside the project, where
    Typst reads no figure, or Quarto is missing), or None."""
    if "render" not in rules:
        return None
    from goodcare.render import NO_QUARTO_AT_START

    refusal = _paths.book_results_refusal(config, Path(workflow.basedir))
    return refusal or (NO_QUARTO_AT_START if shutil.which("quarto") is None else None)


def release_start_refusal(rules):
    """Why a run that releases must stop before any job (Snakemake deletes a directory output before its job):
    the release folder exists and no earlier release made it (it has no marker), or None."""
    if "release" not in rules:
        return None
    from goodcare.release import release_refusal

    return release_refusal(Path(RELEASE))


# Checks run once the DAG is known, before any job (onstart, in the Snakefile): each takes the names of the rules
# that will run and returns the one sentence that stops the run, or None.
START_CHECKS = [release_start_refusal, book_start_refusal]
