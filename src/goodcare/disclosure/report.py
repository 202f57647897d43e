"""Disclosure reports: per chapter (what each rule suppressed, where) and for the book (the back-matter page)."""

import json
from pathlib import Path

import pandas as pd

from goodcare.disclosure.keys import shared
from goodcare.disclosure.rules import Breach, DisclosureError, where
from goodcare.disclosure.settings import Settings, rules
from goodcare.outputs import write_csv, write_json

SUPPRESSION_RULES = ("min_people", "min_organisations", "dominance_1", "dominance_2", "p_percent", "nk_values", "p_percent_values",
                     "negative_values", "missing_values", "linked", "secondary")
CELL_COLUMNS = ["chapter", "output", "cell", "rule", "key", "because"]


def acro_differences(s: Settings) -> list[dict]:
    """Where this gate and ACRO 1.0.2 (its default risk appetite) decide differently, and why (the tests
    compare the two cell by cell where the rule is the same)."""
    rows = [
        ("Largest organisation's share", f"at most {s.max_top1_share:.0%} of a cell", "no such rule (its n,k rule is n=2, k=90%)",
         "one organisation supplying most of a cell about people discloses about that organisation; this rule is stricter than ACRO"),
        ("Two largest organisations (n,k)", f"at most {s.max_top2_share:.0%}: exactly 90% publishes", "at least 90% fails",
         "the design says 'no more than'; the tests agree with ACRO on every other cell"),
        ("p-percent", f"the rest at least {s.min_p_ratio:.0%} of the largest", "the same (safe_pratio_p)",
         "none; with n,k at 90% and p at 10% it suppresses nothing n,k does not"),
        ("Organisations per cell", f"at least {s.min_organisations}",
         "threshold of 10 records in any cell (a mean over organisations: 10 organisations)",
         "the design's threshold for cells about organisations; with the gate set to 10 the two agree cell by cell on ACRO's "
         "test tables, at 3 a cell of 3 to 9 organisations passes here and fails in ACRO (docs/acro-comparison.md)"),
        ("Zero cells", "fail" if s.zeros_are_disclosive else "published (this build's config)", "fail (zeros_are_disclosive)",
         "the gate agrees with ACRO by default; a build that publishes zeros says so under the weaker settings"),
        ("Magnitudes of money or FTE over organisations",
         f"a mean (or a difference of means): the two largest contributions under {s.max_top2_share:.0%} of the total and the rest at least "
         f"{s.min_p_ratio:.0%} of the largest, on each organisation's value; a median: thresholds only",
         "the same (Mean: NKCheck, PPercentCheck; Median: threshold and zeros)",
         "none: the two agree cell by cell on ACRO's synthetic test tables and a stand-in for its charity data"),
        ("Negative values", f"{s.negative_values} (per cell with a negative contribution); dominance is still checked on the other cells",
         "the whole table to review; no dominance check on any of its cells",
         "the same cells go to review; the gate also checks the rest (8 n,k cells more on the stand-in table)"),
        ("Missing values", f"{s.missing_values} (per mean or median with a missing contribution)",
         "review if check_missing_values is on (off by default); the values are ignored",
         "stricter than ACRO's default; the same cells as ACRO with the check on"),
        ("Secondary suppression",
         "book-wide, before any chapter publishes (rule disclosure_keys): a group that fails anywhere is suppressed in every chapter, "
         "and partners are chosen over every chapter's additive lines at once; chapter 9 (staged from the others' published values) "
         "and the calibration chapter (simulated data) apply those decisions, and a group one of them alone would suppress that "
         "another chapter shows stops the book",
         "none: a linked table is sent to review", "ACRO leaves differencing to the output checker"),
    ]
    return [dict(zip(("rule", "gate", "acro", "why"), r)) for r in rows]


def chapter_report(chapter: str, outputs, cells: pd.DataFrame, status: dict, missing: dict, quotes: dict, s: Settings) -> dict:
    """One chapter's report: every output's status and cell count, and every suppressed location with its rule."""
    hidden = cells[cells["reason"].ne("")] if len(cells) else cells.assign(reason=[])
    # One row per suppressed location: several cells at one spot (a count and its share) count once.
    spots = hidden.assign(cell=[where(c) for c in hidden.itertuples()]).drop_duplicates(["output", "cell"])
    suppressed = [{"chapter": chapter, "output": r.output, "cell": r.cell, "rule": r.reason, "key": r.key, "because": r.because}
                  for r in spots.itertuples()]
    per_output = []
    for o in outputs:
        mine = [x for x in suppressed if x["output"] == o.label]
        n_cells = 0 if o.cells is None else len(o.cells)
        per_output.append({"output": o.label, "status": status.get(o.label, "published"), "cells": n_cells,
                           "suppressed": len(mine), "undescribed": len(missing.get(o.label, []))})
    elsewhere = int(spots["elsewhere"].astype(bool).sum())
    return {"chapter": chapter, "outputs": per_output, "suppressed": suppressed, "quotes": quotes, "settings": s.public(),
            "published_keys": published_keys(cells), "suppressed_for_other_chapters": elsewhere}


def published_keys(cells: pd.DataFrame) -> list[str]:
    """The keys (groups of people or organisations) of the chapter's published cells, for the book-wide check.
    A cell without a key of its own (its output@row/column fallback) or about no one names no group."""
    if not len(cells):
        return []
    shown = cells[cells["reason"].eq("") & cells["unit"].ne("none") & cells["key"].notna()]
    return sorted({k for k in shown["key"] if shared(k)})


def cross_chapter_breaches(chapter_reports: list[dict]) -> list[Breach]:
    """Groups suppressed in one chapter but published in another (a reader could difference the two). The key
    ledger decides every chapter it reads at once, so this finds only what a chapter it does not read (chapter 9,
    staged from the others' published values; the calibration chapter) suppressed on its own, or a gate that did
    not apply the ledger."""
    found = []
    for hidden in chapter_reports:
        keys = {c["key"]: c["rule"] for c in hidden["suppressed"] if c["key"] and shared(str(c["key"]))}
        for shown in chapter_reports:
            if shown["chapter"] == hidden["chapter"]:
                continue
            for key in sorted(set(keys) & set(shown.get("published_keys", []))):
                found.append(Breach(shown["chapter"], "chapter", f"key '{key}'", "linked",
                                    f"suppressed in chapter {hidden['chapter']} ({keys[key]}), published here"))
    return found


def write_chapter_report(report: dict, json_path: Path, csv_path: Path) -> None:
    """The chapter report as JSON, and its suppressed cells as CSV (one row per cell)."""
    write_json(report, json_path)
    write_csv(pd.DataFrame(report["suppressed"], columns=CELL_COLUMNS), csv_path)


def book_report(chapter_reports: list[dict], quotes: dict, s: Settings) -> dict:
    """The book's report: rules with thresholds and counts, relaxed settings, outputs not fully published.

    Raises DisclosureError (the book is not rendered) if a group suppressed in one chapter is published in another.
    """
    crossed = cross_chapter_breaches(chapter_reports)
    if crossed:
        raise DisclosureError(crossed)
    cells = pd.DataFrame([c for r in chapter_reports for c in r["suppressed"]], columns=CELL_COLUMNS)
    counts = cells["rule"].value_counts().to_dict()
    where_ = {rule: sorted({f"{r.chapter}: {r.output}" for r in cells[cells["rule"] == rule].itertuples()}) for rule in counts}
    catalogue = [{"rule": r.id, "says": r.says, "threshold": r.threshold, "enforced_by": r.enforced_by, "on_failure": r.on_failure,
                  "suppressed": int(counts.get(r.id, 0)) if r.id in SUPPRESSION_RULES else None, "where": where_.get(r.id, [])}
                 for r in rules(s)]
    outputs = [{"chapter": r["chapter"], **o} for r in chapter_reports for o in r["outputs"]]
    return {
        "rules": catalogue,
        "relaxed": s.relaxed(),
        "settings": s.public(),
        "cells_suppressed": int(len(cells)),
        # Cells a chapter alone would have published: their group, or a line it is in, was decided in another chapter.
        "cells_suppressed_for_other_chapters": int(sum(r.get("suppressed_for_other_chapters", 0) for r in chapter_reports)),
        "outputs": outputs,
        "not_fully_published": [o for o in outputs if o["status"] != "published"],
        "quotes": quotes,
        "suppressed": cells.to_dict("records"),
        "acro_differences": acro_differences(s),
    }


def summary_table(report: dict) -> pd.DataFrame:
    """A reader's table of the rules: what each says, its threshold, what enforces it, how many cells it suppressed."""
    return pd.DataFrame([{
        "Rule": r["says"], "Threshold": r["threshold"], "Enforced by": r["enforced_by"], "If it fails": r["on_failure"],
        "Cells suppressed": "" if r["suppressed"] is None else str(r["suppressed"]),
    } for r in report["rules"]])


def cells_table(report: dict) -> pd.DataFrame:
    """A reader's table of suppressed cells per chapter, output and rule."""
    cells = pd.DataFrame(report["suppressed"], columns=CELL_COLUMNS)
    if cells.empty:
        return pd.DataFrame({"Chapter": [], "Table or figure": [], "Rule": [], "Cells": []})
    grouped = cells.groupby(["chapter", "output", "rule"]).size().rename("Cells").reset_index()
    return grouped.rename(columns={"chapter": "Chapter", "output": "Table or figure", "rule": "Rule"}).astype({"Cells": str})


def acro_table(report: dict) -> pd.DataFrame:
    """A reader's table of where the gate and ACRO differ, and why."""
    return pd.DataFrame([{"Rule": d["rule"], "This gate": d["gate"], "ACRO 1.0.2": d["acro"], "Why": d["why"]}
                         for d in report.get("acro_differences", [])])


def read(path: Path) -> dict:
    """A report written by the workflow."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
