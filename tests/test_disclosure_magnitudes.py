"""Magnitudes over organisations (a mean or median of money or FTE): the value rules at their boundaries, in the gate."""

import json

import numpy as np
import pandas as pd
import pytest

from goodcare.disclosure import DisclosureError, Settings
from goodcare.disclosure.gate import run_gate
from goodcare.disclosure.rules import primary, to_review
from goodcare.outputs import ChapterResult, Table, contributors, is_suppressed, place, write_chapter


def organisations(values: list, group: str = "x") -> pd.DataFrame:
    """One row per organisation with its value (None: missing) in one group."""
    return pd.DataFrame({"org_id": [f"o{i}" for i in range(len(values))], "group": group, "rate": values})


def stats(values: list, statistic: str = "mean") -> pd.DataFrame:
    """The cell of a statistic of these organisations' values, described as the chapters describe it."""
    return contributors(organisations(values), ["group"], unit=None, value="rate").assign(unit="organisations", statistic=statistic)


def verdict(values: list, statistic: str = "mean", **settings) -> str:
    return primary(stats(values, statistic), Settings.from_config(settings)).iloc[0]


def test_contributions_are_each_organisations_value_as_shares_of_the_total():
    cell = stats([50, 30, 15, 5, None]).iloc[0]
    assert (cell["value_top1"], cell["value_top2"], cell["negative"], cell["missing"]) == (0.5, 0.8, 0, 1)
    assert cell["organisations"] == 5  # the organisation with no value still counts as one behind the cell
    # People's rows of one organisation add up to its contribution (an organisation is one contributor).
    rows = pd.DataFrame({"participant_id": range(4), "org_id": ["a", "a", "b", "c"], "group": "x", "v": [30, 30, 20, 20]})
    assert contributors(rows, ["group"], value="v").iloc[0]["value_top1"] == 0.6


def test_two_largest_contributions_under_ninety_percent_pass_at_ninety_fail():
    assert verdict([45, 44, 11]) == ""  # 89%
    assert verdict([45, 45, 10]) == "nk_values"  # exactly 90%: ACRO's n,k fails at >= k, and so does this rule
    assert verdict([45, 45, 10], max_top2_share=0.95) == ""


def test_p_percent_on_the_values_passes_at_a_tenth_of_the_largest_fails_below():
    alone = dict(max_top2_share=1)  # p-percent on its own (n,k would fail these first)
    assert verdict([100, 50, 5, 5], **alone) == ""  # the rest (10) is exactly 10% of the largest
    assert verdict([100, 50, 5, 4.9], **alone) == "p_percent_values"  # 9.9%
    assert verdict([100, 50, 5, 4.9], **alone, min_p_ratio=0.05) == ""
    assert verdict([0, 0, 0, 0], **alone) == "p_percent_values"  # as ACRO: a mean of zeros tells everyone's value


def test_medians_get_the_thresholds_only_as_in_acro():
    dominated = [1000, 1, 1, 1]
    assert verdict(dominated, "mean") == "nk_values"
    assert verdict(dominated, "median") == ""  # ACRO's Position statbarn: threshold and zeros, no dominance
    assert verdict(dominated[:2], "median") == "min_organisations"


def test_counts_and_shares_of_organisations_are_not_magnitudes():
    assert verdict([1000, 1, 1], "count") == "" and verdict([1000, 1, 1], "share") == ""


def test_a_negative_contribution_is_sent_to_review_by_default():
    cell = stats([10, 10, 10, 0])
    assert to_review(cell, Settings()).iloc[0] == "" and primary(cell, Settings()).iloc[0] == ""  # zero is not negative
    cell = stats([10, 10, 10, -0.01])
    assert to_review(cell, Settings()).iloc[0] == "negative_values"
    assert primary(cell, Settings(negative_values="suppress")).iloc[0] == "negative_values"
    assert to_review(cell, Settings(negative_values="publish")).iloc[0] == ""
    assert primary(cell, Settings(negative_values="publish")).iloc[0] == ""  # dominance is undefined: not checked
    assert to_review(stats([10, 10, -1], "median"), Settings()).iloc[0] == ""  # ACRO checks negatives with dominance only


def test_a_missing_contribution_is_sent_to_review_by_default_for_means_and_medians():
    for statistic in ("mean", "median"):
        assert to_review(stats([10, 10, 10], statistic), Settings()).iloc[0] == ""
        cell = stats([10, 10, 10, None], statistic)
        assert to_review(cell, Settings()).iloc[0] == "missing_values"
        assert primary(cell, Settings(missing_values="suppress")).iloc[0] == "missing_values"
        assert primary(cell, Settings(missing_values="publish")).iloc[0] == ""


def test_value_settings_are_checked_and_publishing_is_listed_as_weaker():
    with pytest.raises(ValueError, match="negative_values must be one of"):
        Settings.from_config({"negative_values": "ignore"})
    relaxed = Settings.from_config({"negative_values": "publish", "missing_values": "suppress"}).relaxed()
    assert [r["setting"] for r in relaxed] == ["negative_values"]  # suppressing is as strict as review


# --- in the gate ------------------------------------------------------------------------------------------------

def rate_table(micro: list, larger: list) -> ChapterResult:
    """Mean hourly rate per provider group, described by each organisation's rate (as chapter 6 does)."""
    orgs = pd.concat([organisations(micro, "micro"), organisations(larger, "larger").assign(org_id=lambda d: "l" + d["org_id"])])
    means = orgs.groupby("group", sort=False)["rate"].mean()
    display = pd.DataFrame({"Provider": list(means.index), "Mean hourly rate": [f"£{m:.2f}" for m in means]})
    described = place(contributors(orgs, ["group"], unit=None, value="rate"), "mean", pd.DataFrame({"group": list(means.index)}),
                      "Mean hourly rate", unit="organisations")
    return ChapterResult(tables={"rates": Table(display, described)})


def gate(tmp_path, result: ChapterResult, **settings):
    stage, out = tmp_path / "analysis" / "test", tmp_path / "results"
    write_chapter(result, stage / "tables", stage / "figures", stage / "values.json")
    report = run_gate("test", stage, out / "tables" / "test", out / "figures" / "test", out / "values" / "test.json",
                      Settings.from_config(settings))
    return report, pd.read_csv(out / "tables" / "test" / "rates.csv", dtype=str, keep_default_na=False)


def test_a_mean_dominated_by_two_organisations_is_suppressed_and_the_other_group_kept(tmp_path):
    report, table = gate(tmp_path, rate_table([14, 15, 13, 16], [900, 800, 12, 14]))
    assert table.loc[0, "Mean hourly rate"] == "£14.50"
    assert table.loc[1, "Mean hourly rate"] == "suppressed (two organisations dominate the value)"
    assert [c["rule"] for c in report["suppressed"]] == ["nk_values"]


def test_a_negative_or_missing_rate_stops_the_build_naming_the_cell_not_the_value(tmp_path):
    with pytest.raises(DisclosureError) as err:
        gate(tmp_path, rate_table([14, 15, -13.25, 16], [14, 15, 13, 16]))
    assert "table rates, cell (row 1, column 'Mean hourly rate'): rule negative_values" in str(err.value)
    assert "13.25" not in str(err.value)
    with pytest.raises(DisclosureError, match="rule missing_values"):
        gate(tmp_path / "m", rate_table([14, 15, np.nan, 16], [14, 15, 13, 16]))
    report, table = gate(tmp_path / "s", rate_table([14, 15, np.nan, 16], [14, 15, 13, 16]), missing_values="suppress")
    assert is_suppressed(table.loc[0, "Mean hourly rate"]) and not is_suppressed(table.loc[1, "Mean hourly rate"])


def test_a_cell_suppressed_by_another_rule_is_not_sent_to_review(tmp_path):
    report, table = gate(tmp_path, rate_table([14, np.nan], [14, 15, 13, 16]))  # two organisations: suppressed anyway
    assert table.loc[0, "Mean hourly rate"] == "suppressed (fewer than 3 organisations)"
    assert [c["rule"] for c in report["suppressed"]] == ["min_organisations"]


def test_the_catalogue_lists_the_value_rules_with_their_settings():
    from goodcare.disclosure.report import book_report

    report = book_report([], {}, Settings(negative_values="suppress"))
    rules = {r["rule"]: r for r in report["rules"]}
    assert {"nk_values", "p_percent_values", "negative_values", "missing_values"} <= set(rules)
    assert rules["negative_values"]["on_failure"] == "cell suppressed" and rules["nk_values"]["suppressed"] == 0
    assert rules["missing_values"]["on_failure"].startswith("build stops")
    json.dumps(report)  # the report is JSON as written
