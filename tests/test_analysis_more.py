"""Unit tests of chapters 7-10 and the scorecard on tiny hand-made data with known answers."""

import pandas as pd
import pytest

from goodcare import generate
from goodcare.chapters import innovation, outcomes, performance, personalisation, sustainability
from goodcare.validate import validate_folder

from test_analysis import organisations, participants

CONFIG_HYPOTHESES = [
    {"id": "H1", "short": "Outcomes", "statement": "s", "chapter": "outcomes", "measure": "gain.occupation.gain", "measure_label": "m", "better": "higher", "unit": "points"},
    {"id": "H2", "short": "Cost", "statement": "s", "chapter": "outcomes", "measure": "value_for_money", "measure_label": "m", "better": "higher", "unit": "points"},
    {"id": "H3", "short": "Personalisation", "statement": "s", "chapter": "personalisation", "measure": "comparisons.same_worker_usually", "measure_label": "m", "better": "higher", "unit": "share"},
    {"id": "H4", "short": "Innovation", "statement": "s", "chapter": "innovation", "measure": "comparison", "measure_label": "m", "better": "higher", "unit": "points"},
]


def experience(micro_yes: bool) -> pd.DataFrame:
    """Every micro user answers `micro_yes`, every larger-provider user the opposite."""
    people = participants().iloc[:12]
    micro = people["org_id"].isin(["O1", "O2", "O3"])
    yes = pd.array(micro if micro_yes else ~micro, dtype="boolean")
    return pd.DataFrame({"participant_id": people["participant_id"], "n_regular_workers": pd.array([1] * 6 + [4] * 6, dtype="Int64"),
                         "same_worker_usually": yes, "knows_manager": yes, "can_change_what": yes, "can_change_when": yes})


def codebook() -> pd.DataFrame:
    return pd.DataFrame({"code_id": ["INN01", "INN02", "INN03", "PER01", "SUS01"], "theme": ["innovation"] * 3 + ["personalisation", "sustainability"],
                         "sub_theme": ["what", "how", "who", "continuity", "networks"], "label": ["a", "b", "c", "d", "e"], "definition": ["x"] * 5})


def codings() -> pd.DataFrame:
    """The owner of O1 (micro) has two innovation segments; nobody else has any."""
    return pd.DataFrame({"segment_id": ["S1", "S2", "S3", "S4"], "participant_id": ["P13", "P13", "P1", "P7"],
                         "code_id": ["INN01", "INN02", "PER01", "SUS01"], "excerpt": [None] * 4})


@pytest.mark.parametrize("micro_yes,share_micro,share_larger", [(True, 1.0, 0.0), (False, 0.0, 1.0)], ids=["micro-better", "micro-worse"])
def test_personalisation_shares(micro_yes, share_micro, share_larger):
    frames = {"organisations": organisations(), "participants": participants(), "experience": experience(micro_yes), "codebook": codebook(), "codings": codings()}
    result = personalisation.analyse(frames, seed=1, reps=200)
    c = result.values["comparisons"]["knows_manager"]
    assert (c["share_first"], c["share_second"], c["estimate"]) == (share_micro, share_larger, share_micro - share_larger)
    assert result.values["comparisons"]["n_regular_workers"]["estimate"] == pytest.approx(-3.0)
    cells = result.tables["personalisation-items"].cells
    assert set(cells["organisations"]) == {3} and set(cells["people"]) == {6}


def test_innovation_counts_organisations_and_segments():
    frames = {"organisations": organisations(), "participants": participants(), "codebook": codebook(), "codings": codings()}
    result = innovation.analyse(frames, seed=1, reps=200)
    c = result.values["comparison"]
    # Interviewees are the one owner (O1, two segments); larger providers have none interviewed here.
    assert c["mean_first"] == 2.0 and c["n_second"] == 0 and c["estimate"] is None
    # What and how are reported together: O1's two segments (one what, one how) make one organisation of three.
    assert result.values["text"]["service_micro"] == "33%" and result.values["text"]["service_larger"] == "0%"
    assert result.values["text"]["who_micro"] == "0%"


def test_sustainability_funding_means():
    orgs = organisations().assign(
        user_group="mixed", cqc_registered=[True, False, True, True, True, True], quality_mark=[False] * 6, year_established=2000,
        funding_self_pct=[90.0, 60.0, 30.0, 10.0, 20.0, 0.0], funding_personal_budget_pct=[10.0, 40.0, 70.0, 10.0, 0.0, 0.0],
        funding_la_contract_pct=[0.0, 0.0, 0.0, 80.0, 80.0, 100.0])
    frames = {"organisations": orgs, "participants": participants(), "codebook": codebook(), "codings": codings()}
    result = sustainability.analyse(frames, seed=1, reps=200)
    assert result.values["self_funded"]["mean_first"] == pytest.approx(0.6)
    assert result.values["self_funded"]["mean_second"] == pytest.approx(0.1)
    assert result.values["text"]["cqc_micro"] == "67%" and result.values["text"]["cqc_larger"] == "100%"


def comparison(estimate, low, high):
    return {"estimate": estimate, "low": low, "high": high, "mean_first": 1.0, "mean_second": 1.0, "share_first": 0.5, "share_second": 0.5, "ratio_first": 1.0, "ratio_second": 1.0}


def test_scorecard_verdicts_follow_the_data_not_the_hypothesis():
    upstream = {
        "outcomes": {"gain": {"occupation": {"gain": comparison(-0.5, -0.9, -0.2)}}, "value_for_money": comparison(0.1, -0.2, 0.4)},
        "personalisation": {"comparisons": {"same_worker_usually": comparison(0.3, 0.1, 0.5)}},
        "innovation": {"comparison": comparison(None, None, None)},
    }
    # Who stands behind each measure comes from the cells each chapter staged for its own gate.
    staged = {h["chapter"]: [] for h in CONFIG_HYPOTHESES}
    for h in CONFIG_HYPOTHESES:
        staged[h["chapter"]] += [{"path": h["measure"], "statistic": "difference", "unit": "people", "key": f"group={g}",
                                  "people": 20, "organisations": 5, "top1": 0.2, "top2": 0.4} for g in ("micro", "larger")]
    cells = {c: pd.DataFrame(rows) for c, rows in staged.items()}
    result = performance.analyse({}, upstream=upstream, hypotheses=CONFIG_HYPOTHESES, upstream_cells=cells)
    verdicts = [row["verdict"] for row in result.values["scorecard"]]
    assert verdicts == ["contradicted", "no clear difference", "supported", "not estimable"]
    assert result.values["n_supported"] == 1


def test_the_robustness_table_judges_organisation_means_by_the_same_rule():
    welch = lambda est, low, high: {"estimate": est, "low": low, "high": high, "mean_first": 2.0, "mean_second": 1.0}  # noqa: E731
    upstream = {
        # H1: the people-weighted interval excludes zero, the organisations' does not; H2: both agree.
        "outcomes": {"gain": {"occupation": {"gain": {**comparison(0.5, 0.2, 0.9), "organisation_level": welch(0.4, -0.1, 0.9)}}},
                     "value_for_money": {**comparison(0.1, -0.2, 0.4), "organisation_level": welch(0.1, -0.3, 0.5)}},
        # H3 has no organisation-level comparison (no interval upstream); H4's measure was suppressed upstream.
        "personalisation": {"comparisons": {"same_worker_usually": comparison(0.3, 0.1, 0.5)}},
        "innovation": {"comparison": "suppressed (fewer than 10 people)"},
    }
    staged = {h["chapter"]: [] for h in CONFIG_HYPOTHESES}
    for h in CONFIG_HYPOTHESES:
        staged[h["chapter"]] += [{"path": h["measure"], "statistic": "difference", "unit": "people", "key": f"group={g}",
                                  "people": 20, "organisations": 5, "top1": 0.2, "top2": 0.4} for g in ("micro", "larger")]
    result = performance.analyse({}, upstream=upstream, hypotheses=CONFIG_HYPOTHESES,
                                 upstream_cells={c: pd.DataFrame(rows) for c, rows in staged.items()})
    robust = result.tables["robustness"].display
    assert list(robust[performance.ORG_VERDICT]) == ["no clear difference", "no clear difference", "not estimable", performance.NOT_PUBLISHED]
    assert list(robust[performance.AGREES]) == ["no", "yes", "–", "–"]
    assert robust.at[0, performance.ORG_COLUMNS["micro"]] == "2.00" and "−0.10 to 0.90" in robust.at[0, performance.ORG_DIFFERENCE]
    assert robust.at[3, performance.ORG_DIFFERENCE].startswith("suppressed")
    # Every cell of the table is described by the measure's contributors (the gate checks them like the scorecard's).
    described = result.tables["robustness"].cells
    assert set(described["column"]) == set(robust.columns) - {"Hypothesis"} and set(described["row"]) == {0, 1, 2, 3}


def scorecard_for(effect: str) -> list[str]:
    """Verdicts of the whole chain on generated data (moderate size, fixed seed)."""
    tables = generate.generate(240, 1270, seed=5, effect=effect)
    frames = {name: frame for name, frame in tables.items()}
    from tempfile import TemporaryDirectory

    with TemporaryDirectory() as tmp:
        generate.write_tables(tables, tmp)
        frames = {t: r.frame for t, r in validate_folder(tmp).items()}
    results = {m.__name__.rsplit(".", 1)[1]: m.analyse(frames, seed=1, reps=400) for m in (outcomes, personalisation, innovation)}
    upstream = {c: r.values for c, r in results.items()}
    cells = {c: r.value_cells for c, r in results.items()}
    return [row["verdict"] for row in performance.analyse(frames, upstream=upstream, hypotheses=CONFIG_HYPOTHESES, upstream_cells=cells).values["scorecard"]]


def test_no_effect_data_give_no_clear_difference_and_study_effects_are_found():
    assert scorecard_for("none") == ["no clear difference"] * 4
    assert scorecard_for("study").count("supported") >= 3
