"""Unit tests of the chapter analyses on tiny hand-made frames with known answers."""

import pandas as pd
import pytest

from goodcare import fmt
from goodcare.chapters import methods, micro, outcomes


def organisations() -> pd.DataFrame:
    """Three micro-enterprises and three larger providers with known rates and staff."""
    return pd.DataFrame({
        "org_id": ["O1", "O2", "O3", "O4", "O5", "O6"],
        "site": ["Site 1", "Site 1", "Site 2", "Site 2", "Site 1", "Site 2"],
        "size_band": ["micro", "micro", "micro", "small", "medium", "large"],
        "fte_staff": [1.0, 2.0, 4.0, 20.0, 100.0, 400.0],
        "governance": ["sole_trader", "sole_trader", "charity", "company", "charity", "statutory"],
        "service_type": ["home_support", "day_service", "home_support", "home_support", "day_service", "one_to_one"],
        "hourly_rate_gbp": [12.0, 13.0, 14.0, 15.0, 16.0, 17.0],
    })


def participants() -> pd.DataFrame:
    """Two people using services per organisation, plus one owner and one carer."""
    ids = [f"P{i}" for i in range(1, 13)]
    orgs = [f"O{(i - 1) // 2 + 1}" for i in range(1, 13)]
    people = pd.DataFrame({"participant_id": ids, "org_id": orgs, "role": "person_using_services", "interviewed_by_co_researcher": [True] * 3 + [False] * 9})
    extra = pd.DataFrame({"participant_id": ["P13", "P14"], "org_id": ["O1", "O4"], "role": ["owner_manager", "carer"], "interviewed_by_co_researcher": [False, True]})
    return pd.concat([people, extra], ignore_index=True)


def outcome_rows(micro_current: int, larger_current: int, expected: int = 4) -> pd.DataFrame:
    """Both domains for every person using services: one current level per provider group."""
    people = participants().iloc[:12]
    rows = []
    for p in people.itertuples():
        current = micro_current if p.org_id in {"O1", "O2", "O3"} else larger_current
        for domain in ("control_over_daily_life", "occupation"):
            rows.append({"participant_id": p.participant_id, "domain": domain, "current_level": current, "expected_level": expected, "proxy": False})
    frame = pd.DataFrame(rows)
    frame[["current_level", "expected_level"]] = frame[["current_level", "expected_level"]].astype("Int64")
    return frame


def test_people_by_role_counts_each_group():
    orgs = organisations()
    people = methods.with_organisation(participants(), orgs, ("size_band", "site"))
    table = methods.people_by_role(people).set_index("role")
    assert table.loc["person_using_services", "micro"] == 6
    assert table.loc["person_using_services", "larger"] == 6
    assert table.loc["owner_manager", "total"] == 1
    assert table.loc["frontline_staff", "total"] == 0  # a role nobody has still gets its row
    assert list(table.index) == ["owner_manager", "frontline_staff", "person_using_services", "carer"]


def test_methods_values():
    result = methods.analyse({"organisations": organisations(), "participants": participants()})
    v = result.values
    assert (v["n_organisations"], v["n_micro"], v["n_larger"], v["n_sites"], v["n_participants"]) == (6, 3, 3, 2, 14)
    assert v["n_co_researcher"] == 4
    assert v["pct_co_researcher"] == "29%"
    assert "14 participants" in result.figures["methods-sample"].alt


def test_micro_bands_and_governance():
    result = micro.analyse({"organisations": organisations()})
    bands = result.tables["organisations-by-band"].display.set_index("Size band")
    assert bands.loc["Micro", "Organisations"] == 3
    assert bands.loc["Micro", "Median staff (FTE)"] == "2.0"
    assert result.values["pct_micro_sole_or_partnership"] == "67%"
    assert result.values["median_fte_larger"] == "100.0"
    # A band of one organisation is shown with its neighbours: here the three larger bands together.
    assert bands.loc["Small, medium or large", "Organisations"] == 3 and "Small" not in bands.index
    # Table and figure merge forms until no group has one or two organisations in a form (here: all into one).
    governance = result.tables["governance"].display.set_index("Governance")
    assert list(governance.index) == ["Sole trader, limited company, charity or statutory provider"]  # forms nobody has are left out
    assert governance.iloc[0].tolist() == ["3 (100%)", "3 (100%)"]
    figure = result.figures["micro-governance"]
    counts = figure.data.groupby("governance")["organisations"].apply(list)
    assert all(n == 0 or n >= 3 for per_group in counts for n in per_group)
    assert "after rare forms were merged" in figure.alt and "(100%)" in figure.alt


def test_score_and_gain_follow_the_survey_scheme():
    frames = {"organisations": organisations(), "participants": participants(), "outcomes": outcome_rows(1, 3)}
    rows = outcomes.scored_outcomes(frames)
    micro_row = rows[rows["participant_id"] == "P1"].iloc[0]
    assert (micro_row["score_current"], micro_row["score_expected"], micro_row["gain"]) == (3, 0, 3)
    larger_row = rows[rows["participant_id"] == "P7"].iloc[0]
    assert larger_row["gain"] == 1


def test_level_shares_sum_to_one_per_group_and_situation():
    frames = {"organisations": organisations(), "participants": participants(), "outcomes": outcome_rows(1, 3)}
    shares = outcomes.level_shares(outcomes.scored_outcomes(frames))
    sums = shares.groupby(["domain", "group", "situation"], observed=True)["share"].sum()
    assert sums.round(6).eq(1).all()


@pytest.mark.parametrize("micro_level,larger_level,sign", [(1, 3, 1), (3, 1, -1)], ids=["micro-better", "micro-worse"])
def test_outcome_comparison_follows_the_data(micro_level, larger_level, sign):
    frames = {"organisations": organisations(), "participants": participants(), "outcomes": outcome_rows(micro_level, larger_level)}
    result = outcomes.analyse(frames, seed=1, reps=200, level=0.95)
    gain = result.values["gain"]["occupation"]["gain"]
    assert gain["estimate"] == pytest.approx(sign * 2)
    assert gain["mean_first"] == pytest.approx(4 - micro_level)
    current = result.values["gain"]["occupation"]["current"]
    assert current["estimate"] == pytest.approx(sign * 1.0)
    rates = result.values["rates"]
    assert rates["mean_first"] == pytest.approx(13.0) and rates["mean_second"] == pytest.approx(16.0)
    assert rates["estimate"] == pytest.approx(-3.0)


def test_formats():
    assert fmt.pounds(12.5) == "£12.50"
    assert fmt.pounds(-3) == "\u2212£3.00"
    assert fmt.pct(0.123) == "12%"
    assert fmt.interval(0.12, 0.04, 0.2, 0.95, fmt.pct) == "12% (95% CI 4% to 20%)"
    assert fmt.interval(1.0, None, None) == "1.00 (no interval)"
    assert fmt.interval(None, None, None) == "not estimable"
    # A bound that rounds to zero keeps its side of zero visible (the verdict depends on it).
    assert fmt.interval(0.45, 0.0031, 0.92) == "0.45 (95% CI 0.003 to 0.92)"
    assert fmt.interval(0.1, -0.001, 0.2, 0.95, fmt.pct) == "10% (95% CI \u22120.1% to 20%)"
    assert fmt.interval(0.45, 0.0, 0.92) == "0.45 (95% CI 0.00 to 0.92)"


def test_written_outputs_are_byte_identical(tmp_path):
    from goodcare.outputs import write_chapter

    frames = {"organisations": organisations(), "participants": participants(), "outcomes": outcome_rows(2, 3)}
    digests = []
    for run in ("a", "b"):
        result = outcomes.analyse(frames, seed=3, reps=100)
        out = tmp_path / run
        write_chapter(result, out / "tables", out / "figures", out / "values.json")
        digests.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert digests[0] == digests[1]
    svg = digests[0]["figures/outcomes-scores.svg"].decode()
    assert "<dc:date>" not in svg and str(tmp_path) not in svg
