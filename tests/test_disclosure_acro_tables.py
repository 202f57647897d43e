"""ACRO 1.0.2 as the oracle of the magnitude rules, cell by cell, on its own test tables.

ACRO's test suite makes two kinds of table. Its synthetic data (test/test_tables_syntheticdata.py in the ACRO
repository) is generated, not shipped, so it is re-created here from its description: four categorical variables
with levels A, B, C; every combination repeated 11 times, 5 times where indvar1, indvar3 and indvar4 are all C;
depvar is the repeat's number (0, 1, ...); the safe and unsafe subsets drop levels; one variant sets the last
C/C/C/C record to 10000 (dominance), another zeroes the A/A cell (holes). Its charity data (data/test_data.dta)
is not in the installed package and is never downloaded: a labelled SYNTHETIC stand-in with the same columns
(charity, year, grant_type, inc_grants) is made instead, with ACRO's own negative and missing edits.

Each record is one contributor, as in ACRO (here: one organisation, unit "organisations"). The gate's rules
are compared with ACRO's checks with ACRO's parameters (threshold 10, n,k = 2, 90%, p = 10%); the differences
left are the documented ones (docs/acro-comparison.md), and their counts are asserted.
"""

import logging
from itertools import product

import numpy as np
import pandas as pd
import pytest

from goodcare.disclosure import Settings
from goodcare.disclosure.rules import failures, to_review
from goodcare.outputs import CONTRIBUTION_COLUMNS, contributors

acro = pytest.importorskip("acro")  # a test-only reference: the gate itself does not need ACRO

LEVELS = ["A", "B", "C"]
VARS = ["indvar1", "indvar2", "indvar3", "indvar4"]
# ACRO's risk appetite, in this gate's settings: the same rule with the same parameter.
AS_ACRO = Settings(min_organisations=10, max_top2_share=0.9, min_p_ratio=0.1, zeros_are_disclosive=True)
CHECKS = {"MinimumThresholdCheck": "min_organisations", "NKCheck": "nk_values", "PPercentCheck": "p_percent_values"}


def synthetic() -> pd.DataFrame:
    """ACRO's synthetic test data, re-created from its description (see the module docstring)."""
    rows = []
    for combo in product(LEVELS, repeat=4):
        repeats = 5 if combo[0] == combo[2] == combo[3] == "C" else 11
        rows += [(*combo, r) for r in range(repeats)]
    data = pd.DataFrame(rows, columns=[*VARS, "depvar"])
    return data.assign(record=[f"r{i}" for i in range(len(data))]).astype({v: pd.CategoricalDtype(LEVELS, ordered=True) for v in VARS})


def subset(name: str) -> pd.DataFrame:
    """The subsets and variants ACRO's synthetic tests use."""
    data = synthetic()
    c = {v: data[v].eq("C") for v in VARS}
    if name == "unsafe_2d":
        return data[c["indvar4"] & c["indvar3"]]
    if name == "safe_2d":
        return data[c["indvar4"] & c["indvar3"] & ~c["indvar1"]]
    if name == "unsafe_3d":
        return data[c["indvar4"]]
    if name == "holes_2d":
        safe = data[c["indvar4"] & c["indvar3"] & ~c["indvar1"]].copy()
        safe.loc[safe["indvar1"].eq("A") & safe["indvar2"].eq("A"), "depvar"] = 0
        return safe
    if name == "dominance_2d":
        data.loc[data[VARS].eq("C").all(axis=1)[::-1].idxmax(), "depvar"] = 10000
        return data
    raise KeyError(name)


def charity_stand_in(edit: str | None = None) -> pd.DataFrame:
    """SYNTHETIC stand-in for ACRO's charity test data: charities by year and grant type with their grant income;
    a few charities dominate their cell, some cells are small. `edit` applies ACRO's own test edits."""
    rng = np.random.default_rng(2015)
    n = 600
    data = pd.DataFrame({"charity": [f"c{i}" for i in range(n)], "year": rng.choice([2010, 2011, 2012, 2013, 2014, 2015], n),
                         "grant_type": rng.choice(["G", "N", "R", "R/G"], n, p=[0.45, 0.35, 0.18, 0.02]),
                         "inc_grants": np.round(rng.lognormal(9, 1.2, n), 2)})
    dominant = rng.choice(n, 8, replace=False)
    data.loc[dominant, "inc_grants"] *= 400  # a handful of very large charities
    if edit == "negative":
        data.loc[0:10, "inc_grants"] = -10
    if edit == "missing":
        data = data[(data["grant_type"] != "R/G") & (data["year"] != 2010)].copy()
        data.loc[data.index[:20], "inc_grants"] = np.nan
    return data.rename(columns={"charity": "record"})


def acro_flags(session, table: pd.DataFrame) -> dict[str, set]:
    """Per ACRO check, the cells (as tuples of the table's row and column labels) it flags in the last table made."""
    record = list(session.results.results.values())[-1]
    def label(r, c):
        row, col = table.index[r], table.columns[c]
        return (*(row if isinstance(row, tuple) else (row,)), *(col if isinstance(col, tuple) else (col,)))
    return {check: {label(r, c) for r, c in cells} for check, cells in record.sdc["cells"].items()}


def ours(data: pd.DataFrame, by: list[str], statistic: str, s: Settings = AS_ACRO, grid: set | None = None) -> pd.DataFrame:
    """Per cell of the table, the gate's verdict per rule (one column each) and whether it is sent to review. With
    `grid` (the table's positions) a position nobody stands behind is a zero cell, as `place` describes it."""
    stats = contributors(data, by, unit=None, org="record", value="depvar").astype({b: object for b in by})
    if grid is not None:
        stats = pd.DataFrame(sorted(grid), columns=by).merge(stats, on=by, how="left")
        stats[CONTRIBUTION_COLUMNS] = stats[CONTRIBUTION_COLUMNS].fillna(0)
    stats = stats.assign(unit="organisations", statistic=statistic)
    verdicts = pd.DataFrame(failures(stats, s)).assign(review=to_review(stats, s))
    return verdicts.set_index(pd.MultiIndex.from_frame(stats[by].astype(object)))


def compare(session, data: pd.DataFrame, rows: list[str], cols: list[str], value: str, statistic: str) -> dict:
    """Make the table with ACRO and with the gate; per ACRO check, the cells only ACRO flags and only the gate does."""
    table = session.crosstab([data[r] for r in rows] if len(rows) > 1 else data[rows[0]],
                             [data[c] for c in cols] if len(cols) > 1 else data[cols[0]], values=data[value], aggfunc=statistic)
    flags = acro_flags(session, table)
    shown = {(*(r if isinstance(r, tuple) else (r,)), *(c if isinstance(c, tuple) else (c,))) for r in table.index for c in table.columns}
    mine = ours(data[[*rows, *cols, "record", value]].rename(columns={value: "depvar"}), [*rows, *cols], statistic, grid=shown)
    out = {}
    for check, rule in {**CHECKS, "MissingCheck": "missing"}.items():
        gate = set(mine.index[mine["review"].eq("missing_values")]) if check == "MissingCheck" else set(mine.index[mine[rule]])
        gate &= shown
        theirs = flags.get(check, set())
        out[check] = {"acro_only": theirs - gate, "gate_only": gate - theirs, "agree": theirs & gate}
    out["negative"] = set(mine.index[mine["review"].eq("negative_values")]) & shown
    out["negative_table"] = bool(out["negative"])
    return out


@pytest.fixture()
def session():
    logging.disable(logging.CRITICAL)
    s = acro.ACRO(suppress=False)
    yield s
    logging.disable(logging.NOTSET)


@pytest.mark.parametrize("name, rows, cols", [
    ("safe_2d", ["indvar1"], ["indvar2"]),
    ("unsafe_2d", ["indvar1"], ["indvar2"]),
    ("holes_2d", ["indvar1"], ["indvar2"]),
    ("dominance_2d", ["indvar1"], ["indvar2"]),
    ("unsafe_3d", ["indvar1"], ["indvar2", "indvar3"]),
    ("dominance_2d", ["indvar1", "indvar3"], ["indvar2", "indvar4"]),
])
@pytest.mark.parametrize("statistic", ["mean", "median"])
def test_synthetic_tables_agree_with_acro_cell_by_cell(session, name, rows, cols, statistic):
    result = compare(session, subset(name), rows, cols, "depvar", statistic)
    for check in (*CHECKS, "MissingCheck"):
        assert not result[check]["acro_only"] and not result[check]["gate_only"], (check, result[check])
    if statistic == "median":  # ACRO's Position statbarn: no dominance check, and the gate runs none
        assert not result["NKCheck"]["agree"] and not result["PPercentCheck"]["agree"]


def test_the_synthetic_tables_exercise_every_check(session):
    """The agreement above is not vacuous: ACRO and the gate flag cells under each check on these tables."""
    small = compare(session, subset("unsafe_2d"), ["indvar1"], ["indvar2"], "depvar", "mean")
    assert len(small["MinimumThresholdCheck"]["agree"]) == 3  # the C row: 5 records per cell
    dominated = compare(session, subset("dominance_2d"), ["indvar1", "indvar3"], ["indvar2", "indvar4"], "depvar", "mean")
    assert dominated["NKCheck"]["agree"] == {("C", "C", "C", "C")} and dominated["PPercentCheck"]["agree"] == {("C", "C", "C", "C")}


def test_the_charity_stand_in_agrees_with_acro_cell_by_cell(session):
    result = compare(session, charity_stand_in(), ["year"], ["grant_type"], "inc_grants", "mean")
    for check in CHECKS:
        assert not result[check]["acro_only"] and not result[check]["gate_only"], (check, result[check])
    assert result["MinimumThresholdCheck"]["agree"] and result["NKCheck"]["agree"] and result["PPercentCheck"]["agree"]


def test_negative_values_acro_reviews_the_table_the_gate_the_cells(session):
    """ACRO's ACRO test 'tables_negatives': with a negative anywhere, ACRO runs no dominance check on the table and
    flags the cells with negatives for review. The gate sends the same cells to review and still checks the rest."""
    result = compare(session, charity_stand_in("negative"), ["year"], ["grant_type"], "inc_grants", "mean")
    assert result["NKCheck"]["agree"] == result["negative"] or result["NKCheck"]["acro_only"] == result["negative"]
    acro_negative = result["NKCheck"]["agree"] | result["NKCheck"]["acro_only"]
    assert acro_negative == result["negative"] and result["negative"]  # the same cells go to review
    # The documented difference: the gate checks dominance on the cells without a negative. They are exactly the
    # cells ACRO flags when it is given the same table without the cells holding a negative.
    data = charity_stand_in("negative")
    cell = list(zip(data["year"], data["grant_type"]))
    clean = data[[c not in result["negative"] for c in cell]]
    without = compare(session, clean, ["year"], ["grant_type"], "inc_grants", "mean")
    for check in ("NKCheck", "PPercentCheck"):
        acro_on_the_rest = without[check]["agree"] | without[check]["acro_only"]
        assert result[check]["gate_only"] == acro_on_the_rest and acro_on_the_rest, check


def test_missing_values_are_sent_to_review_in_the_same_cells(session):
    session.sdc_checks.risk_appetite["check_missing_values"] = True  # as ACRO's own 'tables_missing' test
    result = compare(session, charity_stand_in("missing"), ["year"], ["grant_type"], "inc_grants", "mean")
    assert not result["MissingCheck"]["acro_only"] and not result["MissingCheck"]["gate_only"]
    assert result["MissingCheck"]["agree"]
    for check in ("NKCheck", "PPercentCheck"):  # missing values are ignored by both when dominance is computed
        assert not result[check]["acro_only"] and not result[check]["gate_only"]


def test_the_default_organisation_threshold_is_where_the_gate_is_weaker_than_acro():
    """The gate's default threshold for cells about organisations is 3 organisations, ACRO's 10 records: counted
    on the synthetic tables, the cells with 3 to 9 contributors pass here and fail in ACRO."""
    data = subset("unsafe_2d")
    default = ours(data[["indvar1", "indvar2", "record", "depvar"]], ["indvar1", "indvar2"], "mean", Settings())
    as_acro = ours(data[["indvar1", "indvar2", "record", "depvar"]], ["indvar1", "indvar2"], "mean")
    assert int((as_acro["min_organisations"] & ~default["min_organisations"]).sum()) == 3
