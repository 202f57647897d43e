"""Disclosure rules at their boundaries, secondary suppression checked by recomputing, and the gate's refusals."""

import json

import pandas as pd
import pytest

from goodcare.disclosure import DisclosureError, Settings
from goodcare.disclosure.gate import run_gate
from goodcare.disclosure.rules import primary
from goodcare.outputs import ChapterResult, Table, about_no_one, cells, contributors, is_suppressed, place, value_cells, write_chapter


def people(per_org: dict, **columns) -> pd.DataFrame:
    """Person rows: {org_id: number of people}, each row tagged with the given columns."""
    rows = [{"participant_id": f"{org}-{i}", "org_id": org, **columns} for org, n in per_org.items() for i in range(n)]
    return pd.DataFrame(rows)


def verdict(per_org: dict, **settings) -> str:
    """The primary rule a cell of these people fails ("" if it passes)."""
    stats = contributors(people(per_org, cell="x"), ["cell"]).assign(unit="people")
    return primary(stats, Settings.from_config(settings)).iloc[0]


def gate(tmp_path, result: ChapterResult, chapter: str = "test", **settings):
    """Stage a result as an analysis would, run the gate, return its report and the published folder."""
    stage = tmp_path / "analysis" / chapter
    write_chapter(result, stage / "tables", stage / "figures", stage / "values.json")
    out = tmp_path / "results"
    report = run_gate(chapter, stage, out / "tables" / chapter, out / "figures" / chapter, out / "values" / f"{chapter}.json",
                      Settings.from_config(settings))
    return report, out


# --- primary rules, each at its boundary ------------------------------------------------------------------

def test_ten_people_pass_nine_fail():
    assert verdict({"a": 3, "b": 3, "c": 4}) == ""
    assert verdict({"a": 3, "b": 3, "c": 3}) == "min_people"


def test_three_organisations_pass_two_fail():
    assert verdict({"a": 5, "b": 5, "c": 5}) == ""
    assert verdict({"a": 5, "b": 5}) == "min_organisations"


def test_largest_organisation_at_exactly_half_passes_above_fails():
    assert verdict({"a": 5, "b": 3, "c": 2}) == ""  # top1 = 50%
    assert verdict({"a": 6, "b": 2, "c": 2}) == "dominance_1"  # 60%
    assert verdict({"a": 11, "b": 5, "c": 5}) == "dominance_1"  # 52%: just above


def test_two_largest_at_exactly_ninety_percent_pass_above_fail():
    assert verdict({"a": 9, "b": 9, "c": 2}) == ""  # top2 = 90%, top1 = 45%
    assert verdict({"a": 9, "b": 9, "c": 1}) == "dominance_2"  # 94.7%


def test_p_percent_fails_when_the_rest_are_under_a_tenth_of_the_largest():
    alone = dict(min_people=1, max_top1_share=1, max_top2_share=1)  # p-percent on its own
    assert verdict({"a": 9, "b": 1, "c": 1}, **alone) == ""  # the rest (1) is 11% of the largest
    assert verdict({"a": 11, "b": 1, "c": 1}, **alone) == "p_percent"  # 9%
    assert verdict({"a": 11, "b": 1, "c": 1}, **alone, min_p_ratio=0.05) == ""
    assert Settings(min_p_ratio=0.05).relaxed()[0]["setting"] == "min_p_ratio"


def test_thresholds_come_from_config_and_weaker_ones_are_listed():
    assert verdict({"a": 2, "b": 2, "c": 1}, min_people=5) == ""
    relaxed = Settings.from_config({"min_people": 5, "k_anonymity": 3, "max_top1_share": 0.4}).relaxed()
    assert {r["setting"] for r in relaxed} == {"min_people", "k_anonymity"}  # 40% is stricter than 50%
    with pytest.raises(ValueError, match="unknown disclosure settings"):
        Settings.from_config({"min_peopel": 5})


def test_cells_about_organisations_need_three_organisations_only():
    orgs = pd.DataFrame({"org_id": ["a", "b", "c"], "band": ["x", "x", "x"]})
    stats = contributors(orgs, ["band"], unit=None).assign(unit="organisations")
    assert primary(stats, Settings()).iloc[0] == ""
    assert primary(contributors(orgs.iloc[:2], ["band"], unit=None).assign(unit="organisations"), Settings()).iloc[0] == "min_organisations"


def test_zero_cells_fail_unless_zeros_are_declared_not_disclosive():
    zero = pd.DataFrame({"people": [0], "organisations": [0], "top1": [0], "top2": [0], "unit": ["people"]})
    assert primary(zero, Settings()).iloc[0] == "min_people"  # ACRO's default
    assert primary(zero, Settings(zeros_are_disclosive=False)).iloc[0] == ""
    assert [r["setting"] for r in Settings(zeros_are_disclosive=False).relaxed()] == ["zeros_are_disclosive"]


# --- secondary suppression, checked by recomputing from what is published ------------------------------------

def role_rows() -> pd.DataFrame:
    """20 staff and 5 carers of micro-enterprises, 20 staff and 16 carers of larger providers (ids unique)."""
    rows = pd.concat([
        people({f"m{i}": 4 for i in range(5)}, role="staff", group="micro"),
        people({f"l{i}": 5 for i in range(4)}, role="staff", group="larger"),
        people({"m0": 2, "m1": 2, "m2": 1}, role="carer", group="micro"),
        people({f"l{i}": 4 for i in range(4)}, role="carer", group="larger"),
    ], ignore_index=True)
    rows["participant_id"] = rows["role"] + rows["participant_id"]
    return rows


def role_table() -> ChapterResult:
    """People by role and provider group with totals; the carers of micro-enterprises are too few (5)."""
    rows = role_rows()
    counts = pd.crosstab(rows["role"], rows["group"]).reindex(index=["staff", "carer"], columns=["micro", "larger"])
    display = counts.assign(total=counts.sum(axis=1)).reset_index().rename(columns={"role": "Role", "micro": "Micro", "larger": "Larger", "total": "Total"})
    roles = pd.DataFrame({"role": ["staff", "carer"]})
    table_cells = cells(place(contributors(rows, ["role", "group"]), "count", roles, ("group", {"micro": "Micro", "larger": "Larger"})),
                        place(contributors(rows, ["role"]), "count", roles, "Total"))
    groups = contributors(rows, ["group"])
    values = {"n_micro": int((rows["group"] == "micro").sum()), "n_larger": int((rows["group"] == "larger").sum()),
              "n_people": len(rows), "carers_micro": 5, "threshold": 10}
    value_cell = cells(value_cells(groups, "n_{group}", "count"), value_cells(contributors(rows, []), "n_people", "count"),
                       value_cells(contributors(rows, ["role", "group"]).query("role == 'carer' and group == 'micro'"), "carers_micro", "count"),
                       about_no_one("threshold"))
    return ChapterResult(tables={"by-role": Table(display, table_cells)}, values=values, value_cells=value_cell)


def test_secondary_suppression_leaves_no_cell_recoverable(tmp_path):
    report, out = gate(tmp_path, role_table())
    table = pd.read_csv(out / "tables" / "test" / "by-role.csv", dtype=str, keep_default_na=False).set_index("Role")
    values = json.loads((out / "values" / "test.json").read_text())
    assert table.loc["carer", "Micro"].startswith("suppressed (fewer than 10 people)")
    assert is_suppressed(values["carers_micro"])  # the same group, in the text, is suppressed too
    known = {"n_micro": values["n_micro"], "n_larger": values["n_larger"], "n_people": values["n_people"]}
    # Recompute: every line with a known total (rows: Total column; columns: n_micro, n_larger; Total: n_people).
    lines = [([table.loc[r, "Micro"], table.loc[r, "Larger"]], table.loc[r, "Total"]) for r in table.index]
    lines += [(list(table[c]), known[f"n_{c.lower()}"]) for c in ("Micro", "Larger")] + [(list(table["Total"]), known["n_people"])]
    for members, total in lines:
        hidden = [m for m in [*members, total] if is_suppressed(m)]
        assert len(hidden) != 1, f"a suppressed cell is recoverable from {members} and total {total}"
    assert sum(1 for c in report["suppressed"] if c["rule"] == "secondary") >= 1
    assert not any(is_suppressed(values[k]) for k in ("n_micro", "n_larger", "n_people"))


def test_a_figure_showing_a_suppressed_cell_is_withheld(tmp_path):
    from plotnine import aes, geom_col, ggplot

    from goodcare.outputs import Figure

    result = role_table()
    rows = pd.DataFrame({"role": ["carer", "staff"], "group": ["micro", "micro"], "people": [5, 20]})
    stats = pd.DataFrame({"role": ["carer", "staff"], "group": ["micro", "micro"], "people": [5, 20], "organisations": [3, 5],
                          "top1": [0.4, 0.2], "top2": [0.8, 0.4], "key": ["group=micro|role=carer", "group=micro|role=staff"]})
    plot = ggplot(rows, aes("role", "people")) + geom_col()
    result.figures["fig"] = Figure(plot, rows, "Carers: 5.", cells=place(stats, "count", rows[["role", "group"]], "people"), labels=2)
    _, out = gate(tmp_path, result)
    svg = (out / "figures" / "test" / "fig.svg").read_text()
    alt = json.loads((out / "values" / "test.json").read_text())["figures"]["fig"]
    assert "withheld" in svg and alt["withheld"] and "5" not in alt["alt"]
    data = pd.read_csv(out / "figures" / "test" / "fig.csv", dtype=str)
    assert data.loc[0, "people"].startswith("suppressed")


# --- refusals: the build stops, naming chapter, output, cell and rule -------------------------------------------

def small_table(extra_cells=None, **display) -> ChapterResult:
    stats = contributors(people({"a": 5, "b": 5, "c": 5}, cell="x"), ["cell"])
    frame = pd.DataFrame({"Cell": ["x"], "People": ["15"], **display})
    table_cells = place(stats, "count", pd.DataFrame({"cell": ["x"]}), "People")
    table_cells = table_cells if extra_cells is None else cells(table_cells, extra_cells)
    return ChapterResult(tables={"t": Table(frame, table_cells)})


def test_a_maximum_stops_the_build(tmp_path):
    maximum = about_no_one("People", where="column").assign(statistic="max", unit="people", row=0)
    with pytest.raises(DisclosureError) as err:
        gate(tmp_path, small_table(maximum), chapter="methods")
    assert "chapter methods, table t, cell (row 1, column 'People'): rule no_extremes" in str(err.value)
    with pytest.raises(DisclosureError, match="rule no_extremes"):
        gate(tmp_path, small_table(**{"Maximum age": ["80"]}))


def test_identifier_columns_stop_the_build(tmp_path):
    result = small_table()
    result.tables["t"].display["org_id"] = "O001"
    with pytest.raises(DisclosureError, match="column 'org_id'.*rule no_ids"):
        gate(tmp_path, result)


def test_undescribed_numbers_stop_or_are_withheld_or_listed(tmp_path):
    result = small_table(Other=["7"])
    with pytest.raises(DisclosureError, match=r"table t, cell \(row 1, column 'Other'\): rule undescribed"):
        gate(tmp_path, result)
    report, out = gate(tmp_path / "w", result, undescribed="withhold")
    assert "7" not in (out / "tables" / "test" / "t.csv").read_text() and report["outputs"][0]["status"] == "withheld"
    report, out = gate(tmp_path / "p", result, undescribed="pass")
    assert report["outputs"][0]["status"] == "unchecked" and report["outputs"][0]["undescribed"] == 1


def test_undescribed_values_stop_the_build(tmp_path):
    result = ChapterResult(values={"n": 4, "label": "no digits", "flag": True})
    with pytest.raises(DisclosureError, match="values, cell 'n': rule undescribed"):
        gate(tmp_path, result)


def test_a_suppression_marker_is_not_a_number_to_describe():
    from goodcare.disclosure.stage import holds_number

    assert not holds_number("suppressed (fewer than 10 people)")
    assert holds_number("12 (40%)") and holds_number(3) and not holds_number(True)


def test_the_report_lists_the_differences_from_acro_with_this_builds_settings():
    from goodcare.disclosure.report import acro_differences, acro_table, book_report

    zeros = {d["rule"]: d for d in acro_differences(Settings(zeros_are_disclosive=False))}["Zero cells"]
    assert zeros["gate"].startswith("published") and zeros["acro"].startswith("fail")
    report = book_report([], {}, Settings())
    table = acro_table(report)
    assert list(table.columns) == ["Rule", "This gate", "ACRO 1.0.2", "Why"] and table["Why"].ne("").all()
    assert "p-percent" in set(table["Rule"]) and report["acro_differences"] == acro_differences(Settings())


def test_a_group_suppressed_in_one_chapter_and_published_in_another_stops_the_book():
    from goodcare.disclosure.report import book_report

    methods = {"chapter": "methods", "outputs": [], "quotes": {}, "published_keys": ["group=larger"],
               "suppressed": [{"chapter": "methods", "output": "table t", "cell": "(row 1, column 'Staff')", "rule": "secondary", "key": "role=staff"}]}
    innovation = {"chapter": "innovation", "outputs": [], "quotes": {}, "suppressed": [], "published_keys": ["group=micro", "role=staff"]}
    with pytest.raises(DisclosureError) as err:
        book_report([methods, innovation], {}, Settings())
    assert "chapter innovation, chapter, cell key 'role=staff': rule linked (suppressed in chapter methods (secondary), published here)" in str(err.value)
    innovation["published_keys"] = ["group=micro"]
    assert book_report([methods, innovation], {}, Settings())["cells_suppressed"] == 1


def test_chapter_reports_list_the_keys_they_publish(tmp_path):
    report, _ = gate(tmp_path, role_table())
    suppressed = {c["key"] for c in report["suppressed"]}
    assert report["published_keys"] and not suppressed & set(report["published_keys"])
    assert all("@" not in k and k != "none" for k in report["published_keys"])
