"""Primary rules on described cells (thresholds, dominance, magnitudes' contributions) and the breaches that stop a build."""

import re
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from goodcare.disclosure.settings import Settings

EXTREME_HEADER = re.compile(r"\b(min|max|minimum|maximum|range|lowest|highest)\b", re.IGNORECASE)
ID_COLUMNS = ("org_id", "participant_id", "segment_id")
EPS = 1e-9  # shares are rounded to 6 decimals; "at most 50%" must hold at exactly 50%
# ACRO's LinearAggregations (mean, sum) get its dominance checks; a difference or ratio of means is described by
# the cells of the means it is made of, so it gets them too. A median (ACRO's Position) gets the thresholds only.
DOMINANCE_STATISTICS = ("mean", "difference", "ratio")
MAGNITUDE_STATISTICS = (*DOMINANCE_STATISTICS, "median")


@dataclass(frozen=True)
class Breach:
    """Why a build stops: where (chapter, output, cell) and which rule, never the offending value."""

    chapter: str
    output: str
    cell: str
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"chapter {self.chapter}, {self.output}, cell {self.cell}: rule {self.rule} ({self.detail})"


class DisclosureError(Exception):
    """The gate refused to publish: one or more breaches, each naming chapter, output, cell and rule."""

    def __init__(self, breaches: list[Breach]):
        self.breaches = list(breaches)
        lines = "\n".join(f"  - {b}" for b in self.breaches)
        super().__init__(f"Disclosure control stopped the build ({len(self.breaches)} problem(s)); nothing was published:\n{lines}")

    def records(self) -> list[dict]:
        """The breaches as structured records (for the JSON report)."""
        return [asdict(b) for b in self.breaches]


def magnitudes(cells: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Which cells are magnitudes with contributions (and of those, which get dominance checks), and how many
    negative and missing contributions each has."""
    described = numeric(cells, "value_top1").notna() & cells["unit"].fillna("people").ne("none")
    statistic = cells["statistic"] if "statistic" in cells else pd.Series("", index=cells.index)
    magnitude = described & statistic.isin(MAGNITUDE_STATISTICS)
    dominance = described & statistic.isin(DOMINANCE_STATISTICS)
    return magnitude, dominance, numeric(cells, "negative").fillna(0), numeric(cells, "missing").fillna(0)


def numeric(cells: pd.DataFrame, column: str) -> pd.Series:
    """A cell column as numbers (missing, as in cells staged before it existed: NaN)."""
    return pd.to_numeric(cells[column], errors="coerce") if column in cells else pd.Series(np.nan, index=cells.index)


def to_review(cells: pd.DataFrame, s: Settings) -> pd.Series:
    """Per cell, the value rule that sends it to an output checker's review ("" if none): the build stops."""
    magnitude, dominance, negative, missing = magnitudes(cells)
    reason = pd.Series("", index=cells.index, dtype=object)
    reason = reason.mask(magnitude & missing.gt(0) & (s.missing_values == "review"), "missing_values")
    return reason.mask(dominance & negative.gt(0) & (s.negative_values == "review"), "negative_values")


def primary(cells: pd.DataFrame, s: Settings) -> pd.Series:
    """Per cell, the id of the first primary rule it fails ("" if it passes)."""
    reason = pd.Series("", index=cells.index, dtype=object)
    for rule, fails in reversed(list(failures(cells, s).items())):  # the first rule in catalogue order wins
        reason = reason.mask(fails, rule)
    return reason


def failures(cells: pd.DataFrame, s: Settings) -> dict[str, pd.Series]:
    """Per primary rule in catalogue order, which cells fail it (each rule on its own, as ACRO reports each check)."""
    people = pd.to_numeric(cells["people"], errors="coerce").fillna(0)
    orgs = pd.to_numeric(cells["organisations"], errors="coerce").fillna(0)
    top1 = pd.to_numeric(cells["top1"], errors="coerce").fillna(0)
    top2 = pd.to_numeric(cells["top2"], errors="coerce").fillna(0)
    unit = cells["unit"].fillna("people")
    about_people, about_orgs = unit.eq("people"), unit.eq("organisations")
    zero = people.eq(0) & (not s.zeros_are_disclosive)
    checks = [
        ("min_people", about_people & (people < s.min_people)),
        ("min_organisations", (about_people | about_orgs) & (orgs < s.min_organisations)),
        ("dominance_1", about_people & (top1 > s.max_top1_share + EPS)),
        ("dominance_2", about_people & (top2 > s.max_top2_share + EPS)),
        # ACRO's p-ratio: (total - two largest) / largest < p, in shares of the total; a cell nobody stands behind passes.
        ("p_percent", about_people & top1.gt(0) & ((1 - top2) < s.min_p_ratio * top1 - EPS)),
        *value_checks(cells, s),
    ]
    return {rule: fails & ~zero for rule, fails in checks}


def value_checks(cells: pd.DataFrame, s: Settings) -> list[tuple[str, pd.Series]]:
    """The magnitude rules on the organisations' contributions, as ACRO applies them to a mean: n,k (the two
    largest make up k or more of the total fails) and p-percent; both are undefined (ACRO: review) when a
    contribution is negative, so those cells get the negative-values rule instead."""
    magnitude, dominance, negative, missing = magnitudes(cells)
    vtop1, vtop2 = numeric(cells, "value_top1").fillna(0), numeric(cells, "value_top2").fillna(0)
    defined = dominance & negative.eq(0)
    return [
        ("nk_values", defined & (vtop2 >= s.max_top2_share - EPS)),  # ACRO: top_n_sum / sum >= safe_nk_k
        # As ACRO: a cell whose contributions are all zero fails too (its mean tells every contributor's value).
        ("p_percent_values", defined & (vtop1.eq(0) | ((1 - vtop2) < s.min_p_ratio * vtop1 - EPS))),
        ("negative_values", dominance & negative.gt(0) & (s.negative_values == "suppress")),
        ("missing_values", magnitude & missing.gt(0) & (s.missing_values == "suppress")),
    ]


def structural(chapter: str, output: str, frame: pd.DataFrame | None, cells: pd.DataFrame | None) -> list[Breach]:
    """Breaches no suppression can mend: id columns, minimum/maximum statistics or columns, bad locations."""
    found = []
    if frame is not None:
        for column in frame.columns:
            if str(column).lower() in ID_COLUMNS:
                found.append(Breach(chapter, output, f"column '{column}'", "no_ids", "identifier columns are never published"))
            described_as_none = cells is not None and ((cells["column"] == column) & cells["unit"].eq("none")).any()
            if EXTREME_HEADER.search(str(column)) and not described_as_none:
                found.append(Breach(chapter, output, f"column '{column}'", "no_extremes", "a minimum, maximum or range is not published"))
    if cells is None:
        return found
    for row in cells[cells["statistic"].isin(["min", "max"])].itertuples():
        found.append(Breach(chapter, output, where(row), "no_extremes", f"statistic '{row.statistic}' is refused"))
    for row in cells[~cells["unit"].fillna("people").isin(["people", "organisations", "none"])].itertuples():
        found.append(Breach(chapter, output, where(row), "contract", f"unknown unit '{row.unit}'"))
    return found


def misplaced(cells: pd.DataFrame | None, frame: pd.DataFrame | None) -> pd.Series:
    """Cells that point outside their table or figure data (a column it lacks, a row it lacks or cannot find)."""
    if cells is None or frame is None or cells.empty:
        return pd.Series(False, index=[] if cells is None else cells.index)
    rows = pd.to_numeric(cells["row"], errors="coerce")
    return (cells["column"].notna() & ~cells["column"].isin(frame.columns)) | (rows.notna() & ((rows < 0) | (rows >= len(frame))))


def drop_misplaced(outputs) -> dict[str, list[str]]:
    """Remove from each output the cells that point outside it (a contract error, handled like an undescribed
    number); returns, per output that had any, where they pointed, in words."""
    found = {}
    for o in outputs:
        outside = misplaced(o.cells, o.frame)
        if outside.any():
            found[o.label] = [f"{where(c)} (its cell points outside the output)" for c in o.cells[outside].itertuples()]
            o.cells = o.cells[~outside]
    return found


def where(cell) -> str:
    """A cell's location in words (never its value)."""
    path = getattr(cell, "path", None)
    if isinstance(path, str) and path:
        return f"'{path}'"
    row = getattr(cell, "row", None)
    if row is None or (isinstance(row, float) and np.isnan(row)):
        row = "all rows"
    else:
        row = "a row it cannot find" if float(row) < 0 else f"row {int(float(row)) + 1}"
    return f"({row}, column '{cell.column}')"
