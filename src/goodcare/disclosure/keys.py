"""The book's key ledger: one suppression pass over every chapter's staged cells, before any chapter publishes.

A key names a group of people or organisations. A group suppressed in one chapter and shown in another could be
recovered by differencing, so the ledger gives each key one decision for the whole book: it fails if any cell of it
fails a primary rule anywhere, and secondary partners are chosen over every chapter's additive lines at once, so a
partner hidden in one chapter is hidden wherever it appears. Keys no other chapter can share (a cell's own
location, `none`) stay within their chapter. Each gate then applies the ledger's decisions to its own cells,
including the gates of chapters the ledger does not read (rules/common.smk, `ledger_chapters`).
"""

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from goodcare.disclosure import secondary
from goodcare.disclosure.rules import drop_misplaced, primary
from goodcare.disclosure.settings import Settings, rules
from goodcare.disclosure.stage import all_cells, read_stage

LOCAL = "::"  # joins a chapter and a key only it can hold, in the ledger's own bookkeeping


def shared(key: str) -> bool:
    """Whether a key names a group other chapters may show too (not a cell's own location, not `none`)."""
    return key != "none" and "@" not in key


def scoped(chapter: str, key: str) -> str:
    """The key as the ledger tracks it: shared keys as they are, a chapter's own keys under its name."""
    return key if shared(key) else f"{chapter}{LOCAL}{key}"


def staged_cells(stage: Path) -> pd.DataFrame:
    """Every cell of a chapter's staged outputs, as its gate reads them (a cell pointing outside its output is a
    contract error the gate reports; it is left out here as there)."""
    outputs, _, _ = read_stage(Path(stage))
    drop_misplaced(outputs)
    return all_cells(outputs)


def book_ledger(chapter_cells: dict[str, pd.DataFrame], s: Settings) -> dict:
    """One decision per key for the whole book: where it fails a primary rule, or which key it protects.

    Returns {"chapters": [...], "keys": [{"key", "chapter" (None for a shared key), "failed_in" {chapter: [rules]},
    "protects" (the scoped key it protects, or None), "line_in" (the chapter whose line chose it)}]} in key order,
    so the same cells give the same file.
    """
    order = {r.id: i for i, r in enumerate(rules(s))}
    failed: dict[str, dict[str, set]] = {}
    all_lines, line_chapter, people = [], [], {}
    for chapter in sorted(chapter_cells):
        cells = chapter_cells[chapter]
        if not len(cells):
            continue
        scope = {k: scoped(chapter, k) for k in set(cells["key"])}
        for key, rule in zip(cells["key"], primary(cells, s)):
            if rule and key != "none":
                failed.setdefault(scope[key], {}).setdefault(chapter, set()).add(rule)
        for line in secondary.lines(cells):
            members = tuple(scope[m] for m in line.members)
            all_lines.append(secondary.Line(line.statistic, line.unit, members, scope[line.margin] if line.margin else None))
            line_chapter.append(chapter)
        for key, n in secondary.people_per_key(cells).items():
            people[scope[key]] = min(n, people.get(scope[key], n))
    protects = secondary.close_lines(all_lines, people, set(failed))
    entries = []
    for key in sorted(set(failed) | set(protects)):
        chapter, _, own = key.partition(LOCAL) if LOCAL in key else (None, "", key)
        entries.append({"key": own, "chapter": chapter,
                        "failed_in": {c: sorted(r, key=order.get) for c, r in sorted(failed.get(key, {}).items())},
                        "protects": None if key in failed else protects[key][0],
                        "line_in": None if key in failed else line_chapter[protects[key][1]]})
    return {"chapters": sorted(chapter_cells), "keys": entries}


@dataclass(frozen=True)
class Decisions:
    """The ledger's decisions for one chapter's keys: {key: why} for keys that failed and for secondary partners."""

    failed: dict = field(default_factory=dict)
    protecting: dict = field(default_factory=dict)

    @classmethod
    def for_chapter(cls, ledger: dict, chapter: str) -> "Decisions":
        """The decisions that apply to a chapter: every shared key's, and those of its own keys."""
        failed, protecting = {}, {}
        where = lambda c: "this chapter" if c == chapter else f"chapter {c}"
        for entry in ledger["keys"]:
            if entry["chapter"] not in (None, chapter):
                continue
            key = entry["key"]
            if entry["failed_in"]:
                failed[key] = "fails " + "; ".join(f"{', '.join(rs)} in {where(c)}" for c, rs in entry["failed_in"].items())
            else:
                protected = entry["protects"].partition(LOCAL)[2] or entry["protects"]
                protecting[key] = f"protects key '{protected}' (a line in {where(entry['line_in'])})"
        return cls(failed, protecting)
