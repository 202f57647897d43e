"""A chapter's results (tables, figures, values, quotes), how they are staged, and the disclosure contract.

Disclosure contract (docs/design.md section 5). Every chapter's `analyse` returns a ChapterResult; the rule
writes it to a staging folder (results/analysis/<chapter>/), never where the book reads. The gate
(goodcare.disclosure, rule `disclose_<chapter>`) applies the rules once, for every chapter, and
publishes only what passed to results/{tables,figures,values}/<chapter>. Nothing about people or
organisations reaches the book unless it is described by *cells*:

1. Cells. One frame layout for tables, figure data and values; one row per published statistic:
   - where: `row` (0-based row position) and `column` (column name) in a Table's `display` or a
     Figure's `data`; `path` (dotted path into `values`, e.g. "by_role.carer") for a value. A value
     cell covers the whole subtree at its path (a comparison dict is one cell).
   - `statistic`: count, share, mean, median, difference, ratio or effect. `min` and `max` are
     refused (no minimum or maximum of a distribution is published).
   - `unit`: "people" (default: the cell is about people), "organisations" (each organisation is one
     unit: organisation counts, mean hourly rate, median staff) or "none" (about no one: a constant,
     a setting, a threshold; it passes unchecked and is listed in the report).
   - who stands behind it, from `contributors(rows, by)`: `people`, `organisations`, `top1`, `top2`
     (shares of the cell's people from its largest and its two largest organisations), for a magnitude
     (a mean or median of money or FTE; `contributors(..., value=column)`) the organisations' contributions
     to it: `value_top1`, `value_top2` (shares of the cell's total from its largest and two largest
     contributions), `negative` and `missing` (how many organisations contribute a negative or no value), and `key`
     ("col=value|col=value" from the `by` values). Equal keys mean the same group of people: a key
     suppressed in one output is suppressed in every output of the chapter. Pass `repeated=` for `by`
     variables that do not split people (ASCOT domain, with/without the service: the same person is
     in each), so the gate does not treat their cells as adding up.
   - Several cells may share one location (a difference: one cell per group compared; "n (share)":
     a count and a share; a sum of categories: one cell per category); the location is suppressed
     if any of them fails, so describe a derived number by the cells of everything it is made of.
   Build cells with `place` (tables, figures), `value_cells` (values) and `about_no_one` (constants;
   with where="column" a cell with no `row` covers a whole column), and stack them with `cells`.
2. Coverage. Every display cell holding a digit outside the `labels` leading label columns, every
   such figure-data cell, and every number (or string with a digit) in `values` must be covered by
   a cell. Uncovered outputs are undescribed: the gate stops (or withholds them, per config).
3. Secondary suppression is the gate's: it finds the additive lines itself from keys (cells of one
   statistic whose keys differ in one variable, plus the margin whose key lacks it; counts and
   shares are assumed to have known totals) and suppresses a second cell wherever a line has
   exactly one. Do not pre-suppress or pre-merge in an analysis unless you want fewer categories.
4. What readers see. A suppressed table or figure-data cell and a suppressed value (every leaf
   under its path) read "suppressed (<reason>)" (see `is_suppressed`); never blank or zero. A
   figure with any suppressed cell is withheld whole (a placeholder SVG and alt text say why), so
   draw figures of comparisons that pass (micro vs larger). Code reading upstream values must
   test `is_suppressed` before doing arithmetic.
5. Quotes. `ChapterResult.quotes` is a frame with `segment_id` (codings.csv) and any label
   columns the chapter uses to pick a quote. The gate scans the excerpt for identifiers (a hit
   stops the build) and publishes tables/<chapter>/quotes.csv with the labels, `excerpt` and
   `attribution` (role + running number + size band + service type, coarsened book-wide until
   k-anonymous); segment and participant ids are not published.
6. No per-organisation figures and no ids: a published frame may not hold org_id, participant_id
   or segment_id columns.
"""

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

VALUE_DIGITS = 6
SUPPRESSED = "suppressed"  # what a suppressed cell or value reads, followed by its reason in brackets
STATISTICS = ("count", "share", "mean", "median", "difference", "ratio", "effect", "min", "max", "constant")
UNITS = ("people", "organisations", "none")
CELL_COLUMNS = ["row", "column", "path", "statistic", "unit", "key", "people", "organisations", "top1", "top2",
                "value_top1", "value_top2", "negative", "missing"]
CONTRIBUTION_COLUMNS = ["people", "organisations", "top1", "top2"]  # a position nobody stands behind has zeros here
VALUE_COLUMNS = ["value_top1", "value_top2", "negative", "missing"]  # a magnitude's contributions (empty for counts)


def is_suppressed(value) -> bool:
    """Whether a published table cell or value was suppressed (or withheld) by the disclosure gate."""
    return isinstance(value, str) and value.startswith((SUPPRESSED, "withheld"))


@dataclass
class Figure:
    """A plotnine figure, the frame it draws (published beside it), its alt text and the cells of that frame."""

    plot: object
    data: pd.DataFrame
    alt: str
    width: float = 6.3  # inches: the text width of an A4 page, so text prints at its set size
    height: float = 3.6
    cells: pd.DataFrame | None = None
    labels: int = 1  # leading columns of `data` that label its rows (not statistics)


@dataclass
class Table:
    """A table as readers see it (`display`) and who stands behind each of its cells (`cells`, see above)."""

    display: pd.DataFrame
    cells: pd.DataFrame | None = None
    labels: int = 1  # leading columns of `display` that label its rows (not statistics)


@dataclass
class ChapterResult:
    """Everything one chapter's analysis publishes, with the cells of its values and the quotes it uses."""

    tables: dict[str, "Table | pd.DataFrame"] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    value_cells: pd.DataFrame | None = None
    quotes: pd.DataFrame | None = None


def plain(value):
    """Make a value JSON-ready: numpy scalars to Python, floats rounded, NaN to None."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return None if math.isnan(value) else round(value, VALUE_DIGITS)
    if isinstance(value, np.bool_):
        return bool(value)
    if value is pd.NA:
        return None
    return value


def write_json(data: dict, path: Path) -> None:
    """JSON with sorted keys and a final newline, so equal data give equal bytes."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(plain(data), indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """CSV with Unix line ends and no index."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n")


def write_svg(figure: Figure, path: Path) -> None:
    """Save a plotnine figure as SVG with no date and a fixed id salt, so reruns give equal bytes."""
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = "goodcare"
    figure.plot.save(path, format="svg", width=figure.width, height=figure.height, verbose=False, metadata={"Date": None})


def write_chapter(result: ChapterResult, tables_dir: Path, figures_dir: Path, values_path: Path) -> None:
    """Stage a chapter's outputs for the disclosure gate: tables and figures (SVG + CSV of the data drawn)
    with their cells, values, and beside the values their cells, the quotes and the layout."""
    for d in (tables_dir, figures_dir):
        Path(d).mkdir(parents=True, exist_ok=True)
    stage = Path(values_path).parent
    layout = {"tables": {}, "figures": {}}
    for name, table in sorted(result.tables.items()):
        table = table if isinstance(table, Table) else Table(table)
        write_csv(table.display, Path(tables_dir) / f"{name}.csv")
        if table.cells is not None:
            write_csv(table.cells.reindex(columns=CELL_COLUMNS), Path(tables_dir) / f"{name}.cells.csv")
        layout["tables"][name] = {"labels": table.labels, "described": table.cells is not None}
    for name, figure in sorted(result.figures.items()):
        write_svg(figure, Path(figures_dir) / f"{name}.svg")
        write_csv(figure.data, Path(figures_dir) / f"{name}.csv")
        if figure.cells is not None:
            write_csv(figure.cells.reindex(columns=CELL_COLUMNS), Path(figures_dir) / f"{name}.cells.csv")
        layout["figures"][name] = {"labels": figure.labels, "described": figure.cells is not None, "alt": figure.alt}
    write_json(result.values, values_path)
    if result.value_cells is not None:
        write_csv(result.value_cells.reindex(columns=CELL_COLUMNS), stage / "values.cells.csv")
    layout["values_described"] = result.value_cells is not None
    if result.quotes is not None:
        write_csv(result.quotes, stage / "quotes.csv")
    write_json(layout, stage / "layout.json")


def read_cells(path: Path) -> pd.DataFrame | None:
    """A staged cells file (tables/<name>.cells.csv, values.cells.csv) in the contract's columns; None if absent."""
    if not Path(path).is_file():
        return None
    text = {c: str for c in ("row", "column", "path", "key", "statistic", "unit")}
    return pd.read_csv(path, dtype=text, keep_default_na=True).reindex(columns=CELL_COLUMNS)


def key_of(frame: pd.DataFrame, by: list[str], repeated=()) -> pd.Series:
    """The cell key of each row: its `by` values as "col=value|col=value" (sorted by column; "all" if none).
    A `repeated` variable (one whose values do not split people: the same person answers both domains) is
    written "col~value", and the gate never adds cells up across it."""
    if not by:
        return pd.Series("all", index=frame.index, dtype=object)
    sep = {c: "~" if c in repeated else "=" for c in by}
    values = frame[by].astype(str).itertuples(index=False)
    return pd.Series(["|".join(f"{c}{sep[c]}{v}" for c, v in sorted(zip(by, vals))) for vals in values], index=frame.index, dtype=object)


def parse_key(key: str) -> dict:
    """A cell key "a=1|b~2" as {"a": "=1", "b": "~2"} (the inverse of `key_of`, separators kept: "~" marks a
    repeated variable); {} for a key `key_of` did not make ("all", "none", free text)."""
    if not isinstance(key, str) or key in ("all", "none", ""):
        return {}
    parts = {}
    for part in key.split("|"):
        cuts = [i for i in (part.find("="), part.find("~")) if i >= 0]
        if not cuts:
            return {}  # not made by `contributors`: the cell stands alone, on no line
        parts[part[:min(cuts)]] = part[min(cuts):]
    return parts


def contributors(rows: pd.DataFrame, by: list[str], unit: str | None = "participant_id", org: str = "org_id", repeated=(),
                 value: str | None = None) -> pd.DataFrame:
    """Per group of `by`: people (distinct `unit`s), organisations, the largest organisations' shares and the key.

    With unit=None the rows are organisations themselves, each contributing one. With by=[] one row: everyone.
    `repeated` names the `by` variables whose values do not split people (see `key_of`). With `value` (the
    column a mean or median is taken of) also each group's magnitude contributions (`value_contributions`).
    """
    groups = list(by) or ["_all"]
    keyed = rows.assign(_unit=rows[unit] if unit else rows[org], _all="all")
    per_org = keyed.groupby([*groups, org], observed=True)["_unit"].nunique().rename("n").reset_index()
    per_org = per_org.sort_values([*groups, "n", org], ascending=[True] * len(groups) + [False, True])
    grouped = per_org.groupby(groups, observed=True)["n"]
    out = pd.DataFrame({
        "people": grouped.sum(),
        "organisations": grouped.size(),
        "top1": grouped.apply(lambda n: n.iloc[0] / n.sum()),
        "top2": grouped.apply(lambda n: n.iloc[:2].sum() / n.sum()),
    })
    out[["top1", "top2"]] = out[["top1", "top2"]].round(6)
    if value is not None:
        out = out.join(value_contributions(keyed, groups, value, org))
    out = out.reset_index().drop(columns="_all", errors="ignore")
    return out.assign(key=key_of(out, list(by), repeated))


def value_contributions(rows: pd.DataFrame, groups: list[str], value: str, org: str = "org_id") -> pd.DataFrame:
    """Per group: each organisation's contribution to a magnitude (the sum of its rows' `value`: an organisation
    row's own value) as ACRO's magnitude checks see them, i.e. the largest and two largest contributions as shares
    of the group's total (0 if the total is 0), how many contributions are negative and how many are missing."""
    per_org = rows.groupby([*groups, org], observed=True)[value].sum(min_count=1).rename("v").reset_index()

    def summary(v: pd.Series) -> pd.Series:
        known = v.dropna().sort_values(ascending=False)
        total = known.sum()
        share = (lambda x: x / total) if total > 0 else (lambda x: 0.0)
        return pd.Series({"value_top1": share(known.iloc[:1].sum()), "value_top2": share(known.iloc[:2].sum()),
                          "negative": int((known < 0).sum()), "missing": int(v.isna().sum())})

    out = per_org.groupby(groups, observed=True)["v"].apply(summary).unstack()
    out[["value_top1", "value_top2"]] = out[["value_top1", "value_top2"]].astype(float).round(6)
    return out.astype({"negative": int, "missing": int})


def place(stats: pd.DataFrame, statistic: str, rows: pd.DataFrame, column, unit: str = "people") -> pd.DataFrame:
    """Cells at a table's or figure's positions. `rows` holds, per display row in display order, the `by`
    values that identify it; `column` is a column name, or (by_column, {value: column name}). A position
    with no contributors (nobody in that group) gets a zero cell, so every number shown is described."""
    on = list(rows.columns)
    positions = rows.astype(str).reset_index(drop=True).reset_index(names="row")
    if isinstance(column, tuple):
        var, mapping = column
        positions = positions.merge(pd.DataFrame({var: [str(k) for k in mapping], "column": list(mapping.values())}), how="cross")
        on = [*on, var]
    else:
        positions["column"] = column
    placed = positions.merge(stats.drop(columns=["column", "row"], errors="ignore").astype({c: str for c in on}), on=on, how="left")
    nobody = placed["people"].isna()
    placed[CONTRIBUTION_COLUMNS] = placed[CONTRIBUTION_COLUMNS].fillna(0)
    repeated = {part.split("~")[0] for key in stats["key"].dropna() for part in str(key).split("|") if "~" in part}
    placed["key"] = placed["key"].where(~nobody, key_of(placed, on, repeated))
    return placed.assign(statistic=statistic, unit=unit, path=None).reindex(columns=CELL_COLUMNS)


def cells_at(stats: pd.DataFrame, row: int, column: str, statistic: str, unit: str = "people") -> pd.DataFrame:
    """Cells of every contributor row in `stats` at one position (a difference: both groups compared)."""
    return cells(stats.assign(row=row, column=column, statistic=statistic, unit=unit))


def value_cells(stats: pd.DataFrame, path: str, statistic: str, unit: str = "people") -> pd.DataFrame:
    """Cells of values: `path` is a dotted path, formatted per row with its `by` values (e.g. "by_role.{role}")."""
    paths = [path.format(**row) for row in stats.astype(str).to_dict("records")]
    return stats.assign(path=paths, statistic=statistic, unit=unit, row=None, column=None).reindex(columns=CELL_COLUMNS)


def about_no_one(*places: str, where: str = "path") -> pd.DataFrame:
    """Cells of numbers about no one (constants, settings): they pass unchecked and are listed in the report.
    With where="column" they name table or figure columns (every row) instead of value paths."""
    frame = pd.DataFrame({where: list(places)})
    return frame.assign(statistic="constant", unit="none", key="none").reindex(columns=CELL_COLUMNS)


def cells(*parts: pd.DataFrame) -> pd.DataFrame:
    """Stack cell frames into one (every part in the contract's columns)."""
    return pd.concat([p.reindex(columns=CELL_COLUMNS) for p in parts], ignore_index=True)
