"""Glue between the disclosure rules of the workflow and the gate (so the rule script stays thin)."""

import sys
from pathlib import Path

import pandas as pd

from goodcare.disclosure.gate import run_gate
from goodcare.disclosure.keys import Decisions, book_ledger, staged_cells
from goodcare.disclosure.quotes import run_attributions
from goodcare.disclosure.report import book_report, read, write_chapter_report
from goodcare.disclosure.rules import DisclosureError
from goodcare.disclosure.settings import Settings
from goodcare.outputs import write_csv, write_json
from goodcare.records import write_record
from goodcare.runner import log_to

SCRIPT = "scripts/disclose.py"


def gate_chapter(smk, log) -> None:
    """Rule disclose_<chapter>: check the staged outputs and publish what passed, with the chapter's report."""
    settings = Settings.from_config(smk.params.settings)
    chapter = smk.params.chapter
    named = dict(smk.input.items())
    attributions = pd.read_csv(named["attributions"], dtype={"segment_id": str}) if "attributions" in named else None
    codings = pd.read_parquet(named["codings"]) if "codings" in named else None
    book = Decisions.for_chapter(read(named["ledger"]), chapter)
    report = run_gate(chapter, Path(smk.input.staged), Path(smk.output.tables), Path(smk.output.figures), Path(smk.output.values),
                      settings, attributions, codings, book)
    write_chapter_report(report, Path(smk.output.report), Path(smk.output.cells))
    write_record(smk, SCRIPT, smk.output.record)
    log.info("chapter %s: %d cells suppressed; %s", chapter, len(report["suppressed"]),
             ", ".join(f"{o['output']} {o['status']}" for o in report["outputs"]))


def attribute_quotes(smk, log) -> None:
    """Rule disclose_quotes: scan every excerpt for identifiers, then make the book's k-anonymous attributions."""
    settings = Settings.from_config(smk.params.settings)
    frames = {t: pd.read_parquet(smk.input[t]) for t in ("codings", "participants", "organisations")}
    table, report = run_attributions(list(smk.input.staged), frames["codings"], frames["participants"], frames["organisations"], settings)
    write_csv(table, smk.output.attributions)
    write_json(report, smk.output.report)
    log.info("quotes: %d excerpts scanned, %d quotes attributed", report["excerpts_scanned"], report["quotes"])


def ledger_keys(smk, log) -> None:
    """Rule disclosure_keys: one decision per key for the whole book, from every chapter's staged cells."""
    settings = Settings.from_config(smk.params.settings)
    ledger = book_ledger({Path(p).name: staged_cells(Path(p)) for p in smk.input.staged}, settings)
    write_json(ledger, smk.output.ledger)
    one_chapter = sum(1 for e in ledger["keys"] if e["chapter"] is None and len(e["failed_in"]) == 1)
    log.info("book: %d keys suppressed over %d chapters (%d failing in one chapter, shared with the others; %d secondary)",
             len(ledger["keys"]), len(ledger["chapters"]), one_chapter, sum(1 for e in ledger["keys"] if e["protects"]))


def report_book(smk, log) -> None:
    """Rule disclosure_report: the book-wide report the back-matter page shows."""
    settings = Settings.from_config(smk.params.settings)
    report = book_report([read(p) for p in smk.input.chapters], read(smk.input.quotes), settings)
    write_json(report, smk.output.report)
    log.info("book: %d cells suppressed; relaxed settings: %s", report["cells_suppressed"], report["relaxed"] or "none")


def run(smk) -> None:
    """Run the step the rule names; a refusal is reported (chapter, output, cell, rule) and the job fails."""
    log = log_to(smk.log[0])
    step = {"disclose_quotes": attribute_quotes, "disclosure_keys": ledger_keys, "disclosure_report": report_book}.get(smk.rule, gate_chapter)
    try:
        step(smk, log)
    except DisclosureError as err:
        log.error("%s", err)
        print(err, file=sys.__stderr__)  # the author sees it in the console, not only in the log
        sys.exit(1)
