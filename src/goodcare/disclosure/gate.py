"""The gate: apply every rule once to a chapter's staged outputs, then publish only what passed."""

import copy
import shutil
from pathlib import Path

import pandas as pd

from goodcare.disclosure import secondary
from goodcare.disclosure.keys import Decisions
from goodcare.disclosure.published import text_breaches
from goodcare.disclosure.quotes import publish_quotes
from goodcare.disclosure.report import chapter_report
from goodcare.disclosure.rules import Breach, DisclosureError, drop_misplaced, primary, structural, to_review, where
from goodcare.disclosure.settings import Settings, rules
from goodcare.disclosure.stage import DIGIT, Output, all_cells, covers, leaves, read_stage, uncovered
from goodcare.markup import neutralise_formulas
from goodcare.outputs import SUPPRESSED, write_csv, write_json

WITHHELD = "withheld (its analysis does not describe it for disclosure control)"


def decide(cells: pd.DataFrame, s: Settings, book: Decisions | None = None) -> pd.DataFrame:
    """Per cell, the rule that suppresses it (`reason`: a primary rule; `linked`, its key failed in another cell of
    the book; or `secondary`), for the last two why (`because`), and whether only the book-wide decisions hide it
    (`elsewhere`: the chapter on its own would publish it). `book` holds the key ledger's decisions."""
    reason = primary(cells, s) if len(cells) else pd.Series(dtype=object)
    own = {k: f"fails {r} in this chapter" for k, r in zip(cells["key"], reason) if r and k != "none"}
    alone = set(own) | set(secondary.suppress(cells, set(own)))  # what the chapter would hide on its own
    book = book or Decisions()
    failed = {**own, **book.failed}
    # Partners for failures the ledger could not see (chapter 9 is staged after the other chapters published).
    partners = secondary.suppress(cells, set(failed) | set(book.protecting))
    protecting = {**book.protecting, **{k: f"protects key '{v}' (a line in this chapter)" for k, v in partners.items()}}
    linked = reason.eq("") & cells["key"].isin(set(failed))
    second = reason.eq("") & ~linked & cells["key"].isin(set(protecting))
    because = pd.Series("", index=cells.index, dtype=object)
    because[linked] = cells.loc[linked, "key"].map(failed)
    because[second] = cells.loc[second, "key"].map(protecting)
    return pd.DataFrame({"reason": reason.mask(linked, "linked").mask(second, "secondary"), "because": because,
                         "elsewhere": (linked | second) & ~cells["key"].isin(alone)}, index=cells.index)


def review_breaches(chapter: str, cells: pd.DataFrame, s: Settings) -> list[Breach]:
    """Magnitudes about to be published that a value rule set to `review` sends to an output checker: the build
    stops, naming each cell."""
    if not len(cells):
        return []
    review = to_review(cells, s)
    return [Breach(chapter, c.output, where(c), review[c.Index],
                   f"an output checker must review it, then set disclosure.{review[c.Index]} to suppress or publish")
            for c in cells[review.ne("")].itertuples()]


def marker(rule: str, s: Settings) -> str:
    """What a reader sees in place of a suppressed cell or value."""
    return f"{SUPPRESSED} ({next(r.reason for r in rules(s) if r.id == rule)})"


def suppress_frame(output: Output, cells: pd.DataFrame, s: Settings) -> pd.DataFrame:
    """The output's frame with every suppressed cell replaced by its marker."""
    frame = output.frame.copy()
    for cell in cells[cells["reason"].ne("")].itertuples():
        rows = range(len(frame)) if pd.isna(cell.row) else [int(float(cell.row))]
        for r in rows:
            if not str(frame.at[r, cell.column]).startswith(SUPPRESSED):
                frame.at[r, cell.column] = marker(cell.reason, s)
    return frame


def suppress_values(values: dict, cells: pd.DataFrame, s: Settings, withheld: list[str]) -> dict:
    """The values with every leaf under a suppressed path (or an undescribed, withheld one) replaced."""
    out = copy.deepcopy(values)
    hidden = {c.path: marker(c.reason, s) for c in cells[cells["reason"].ne("")].itertuples()}
    for leaf, _ in leaves(values):
        text = next((m for p, m in hidden.items() if covers(p, leaf)), WITHHELD if leaf in withheld else None)
        if text is not None:
            node, parts = out, leaf.split(".")
            for part in parts[:-1]:
                node = node[int(part)] if isinstance(node, list) else node[part]
            node[int(parts[-1]) if isinstance(node, list) else parts[-1]] = text
    return out


def placeholder_svg(text: str) -> str:
    """A plain SVG that says a figure was withheld (so the book still builds and the reader is told why)."""
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="60" role="img">'
            f'<text x="10" y="35" font-family="sans-serif" font-size="14">{text}</text></svg>\n')


def check_published(chapter: str, outputs, cells: pd.DataFrame, frames: dict, s: Settings) -> list[Breach]:
    """Recompute from what is about to be published: no failing cell shown, no suppressed cell recoverable."""
    found = []
    shown = cells[cells["reason"].eq("")]
    failing = primary(shown, s)
    for cell in shown[failing.ne("")].itertuples():
        found.append(Breach(chapter, cell.output, where(cell), failing[cell.Index], "a failing cell would be published"))
    for cell in cells[cells["reason"].ne("") & cells["path"].isna()].itertuples():
        frame = frames.get(cell.output)
        if frame is None or pd.isna(cell.row):
            continue
        text = str(frame.at[int(float(cell.row)), cell.column])
        if DIGIT.search(text) and not text.startswith(SUPPRESSED):
            found.append(Breach(chapter, cell.output, where(cell), cell.reason, "a suppressed cell still shows a number"))
    for line, key in secondary.exposed(cells, set(cells.loc[cells["reason"].ne(""), "key"])):
        found.append(Breach(chapter, "chapter", f"key '{key}'", "secondary", f"recoverable from its {line.statistic} line"))
    return found


def run_gate(chapter: str, stage: Path, tables_dir: Path, figures_dir: Path, values_path: Path, s: Settings,
             attributions: pd.DataFrame | None = None, codings: pd.DataFrame | None = None, book: Decisions | None = None) -> dict:
    """Check a chapter's staged outputs, publish what passed and return the chapter's disclosure report.
    `book`: the key ledger's decisions for this chapter (a group suppressed anywhere in the book is suppressed here).

    Raises DisclosureError (nothing published) if an output cannot be made safe by suppression.
    """
    outputs, values, quotes = read_stage(Path(stage))
    breaches = [b for o in outputs for b in structural(chapter, o.label, o.frame, o.cells)]
    missing = drop_misplaced(outputs)  # a cell that describes nothing: handled like an undescribed number
    for o in outputs:
        missing[o.label] = missing.get(o.label, []) + uncovered(o, values)
    missing = {k: v for k, v in missing.items() if v}
    if s.undescribed == "stop":
        breaches += [Breach(chapter, out, spots[0], "undescribed", f"{len(spots)} number(s) with no cell") for out, spots in missing.items()]
    quote_table, quote_report = publish_quotes(chapter, quotes, attributions, codings, breaches)
    breaches += text_breaches(chapter, outputs, values, quote_table, s)  # every published free text, in one place
    if breaches:
        raise DisclosureError(breaches)
    cells = all_cells(outputs)
    decided = decide(cells, s, book) if len(cells) else pd.DataFrame(columns=["reason", "because", "elsewhere"], dtype=object)
    cells[decided.columns] = decided
    breaches = review_breaches(chapter, cells[cells["reason"].eq("")], s)  # a cell suppressed anyway needs no review
    if breaches:
        raise DisclosureError(breaches)
    frames = {o.label: suppress_frame(o, cells[cells["output"].eq(o.label)], s) for o in outputs if o.frame is not None}
    breaches = check_published(chapter, outputs, cells, frames, s)
    if breaches:
        raise DisclosureError(breaches)
    withhold = s.undescribed == "withhold"
    for d in (tables_dir, figures_dir):
        shutil.rmtree(d, ignore_errors=True)
        Path(d).mkdir(parents=True)
    figures, status = {}, {}
    for o in outputs:
        hidden = cells["output"].eq(o.label) & cells["reason"].ne("")
        if o.kind == "values":
            status[o.label] = "withheld" if withhold and o.label in missing else "unchecked" if o.label in missing else "published"
            continue
        gone = withhold and o.label in missing
        frame = pd.DataFrame({"Withheld": [WITHHELD]}) if gone else frames[o.label]
        status[o.label] = "withheld" if gone else "unchecked" if o.label in missing else "published"
        if o.kind == "table":
            write_csv(neutralise_formulas(frame), Path(tables_dir) / f"{o.name}.csv")
            continue
        if gone or hidden.any():
            reason = WITHHELD if gone else "withheld by disclosure control: it would show a suppressed cell"
            status[o.label] = "withheld"
            Path(figures_dir, f"{o.name}.svg").write_text(placeholder_svg(f"Figure {reason}."), encoding="utf-8")
            figures[o.name] = {"alt": f"Figure {reason}.", "withheld": True}
        else:
            shutil.copyfile(o.meta["svg"], Path(figures_dir) / f"{o.name}.svg")
            figures[o.name] = {"alt": o.meta["alt"], "withheld": False}
        write_csv(neutralise_formulas(frame), Path(figures_dir) / f"{o.name}.csv")
    if quote_table is not None:
        write_csv(neutralise_formulas(quote_table), Path(tables_dir) / "quotes.csv")
    withheld_values = missing.get("values", []) if withhold else []
    published = suppress_values(values, cells[cells["output"].eq("values")], s, [w.strip("'") for w in withheld_values])
    write_json({**published, "figures": figures}, values_path)
    return chapter_report(chapter, outputs, cells, status, missing, quote_report, s)
