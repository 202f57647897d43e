"""The calibration study (goodcare.calibrate): the chapters' own numbers per data set, exact true effects, the CLI."""

import json

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from goodcare import calibrate, stats, verdict

DESIGN = calibrate.Design()


def chapter_call(measure: str, values: np.ndarray, denominators: np.ndarray | None) -> dict:
    """The comparison one chapter makes of one simulated data set (people with a missing value dropped by stats)."""
    people = DESIGN.staff if measure == "H4" else DESIGN.users
    groups = np.where(people["micro"], "micro", "larger")
    if measure == "H2":
        return stats.ratio_difference(values, denominators, people["org"], groups)
    if measure == "H3":
        flags = np.where(np.isnan(values), None, values == 1)
        return stats.proportion_difference(flags, people["org"], groups)
    if measure == "current":
        return stats.ordinal_superiority(values, people["org"], groups)
    return stats.mean_difference(values, people["org"], groups)


@pytest.mark.parametrize("effect", ["none", "study"])
@pytest.mark.parametrize("measure", list(calibrate.MEASURES))
def test_every_data_set_gets_the_chapters_own_estimate_interval_and_df(measure, effect):
    values = calibrate.simulate(DESIGN, 6, effect, np.random.default_rng(5))[measure]
    rows = calibrate.compare(DESIGN, measure, *values)
    for i in range(6):
        one = chapter_call(measure, values[0][i], None if values[1] is None else values[1][i])
        for key in ("estimate", "low", "high", "se", "df"):
            assert rows[key][i] == pytest.approx(one[key], rel=1e-9, abs=1e-12), (measure, key, i)
        keys = ("estimate", "low", "high")
        assert calibrate.verdicts({k: rows[k][i:i + 1] for k in keys}, "higher")[0] == verdict.verdict(one)["verdict"]
        # Chapter 9's robustness row: the same Welch interval on the organisations' own values.
        assert ("organisation_level" in rows) == (measure != "current") == ("organisation_level" in one)
        if measure != "current":
            welch = rows["organisation_level"]
            for key in ("estimate", "low", "high", "se", "df", "p_value"):
                assert welch[key][i] == pytest.approx(one["organisation_level"][key], rel=1e-9, abs=1e-12), (measure, key, i)


def test_true_effects_agree_with_a_large_simulation_of_the_model():
    truth = calibrate.true_effects(DESIGN)
    rng = np.random.default_rng(1)
    values = calibrate.simulate(DESIGN, 4000, "study", rng)
    micro_users = DESIGN.users["micro"]
    gain = values["H1"][0]
    simulated = np.nanmean(gain[:, micro_users]) - np.nanmean(gain[:, ~micro_users])
    assert simulated == pytest.approx(truth["H1"], abs=0.02)
    both, price = values["H2"]
    ratio = lambda part: np.nansum(both[:, part]) / np.nansum(price[:, part])  # noqa: E731
    assert ratio(micro_users) - ratio(~micro_users) == pytest.approx(truth["H2"], abs=0.01)
    assert truth["H3"] == pytest.approx(0.30) and truth["H4"] == pytest.approx(1.62 - 0.75)
    levels = values["current"][0]
    counts = lambda part: np.array([[(levels[:, part] == lv).sum() for lv in range(1, 5)]], dtype=float)  # noqa: E731
    delta = stats.cliffs_delta(counts(micro_users), counts(~micro_users), lower_is_better=True)[0]
    assert delta == pytest.approx(truth["current"], abs=0.01)
    # The organisations' own means (chapter 9's robustness row): H2 is each organisation's gain over its own price.
    org_truth = calibrate.true_organisation_effects(DESIGN)
    assert {m: org_truth[m] for m in ("H1", "H3", "H4")} == {m: truth[m] for m in ("H1", "H3", "H4")}
    onehot, micro_orgs = DESIGN.users["onehot"], DESIGN.micro_org
    with np.errstate(invalid="ignore"):
        own = (np.where(np.isnan(both), 0, both) @ onehot) / (np.where(np.isnan(price), 0, price) @ onehot)
    assert np.nanmean(own[:, micro_orgs]) - np.nanmean(own[:, ~micro_orgs]) == pytest.approx(org_truth["H2"], abs=0.01)
    assert abs(org_truth["H2"] - truth["H2"]) > 0.002  # a different question, so a different true value
    # Under no effect there is nothing to find: the model's groups are alike.
    null = calibrate.simulate(DESIGN, 4000, "none", rng)["H1"][0]
    assert np.nanmean(null[:, micro_users]) - np.nanmean(null[:, ~micro_users]) == pytest.approx(0, abs=0.02)


def test_holm_adjusted_p_values_match_statsmodels_row_by_row():
    p = np.random.default_rng(3).uniform(0, 0.1, (8, 4))  # few rows: multipletests collects garbage at each call
    p[0] = [0.01, 0.01, 0.04, 0.2]  # ties and a large one
    ours = verdict.holm_adjusted(p)
    for row, adjusted in zip(p, ours):
        assert adjusted == pytest.approx(multipletests(row, method="holm")[1], rel=1e-12)


def test_a_t_p_value_below_five_percent_exactly_when_the_interval_excludes_zero():
    r = calibrate.compare(DESIGN, "H4", *calibrate.simulate(DESIGN, 300, "study", np.random.default_rng(8))["H4"])
    excludes = (r["low"] > 0) | (r["high"] < 0)
    assert excludes.any() and not excludes.all()
    assert np.array_equal(verdict.t_p_value(r["estimate"], r["se"], r["df"]) < 0.05, excludes)


def test_the_command_writes_the_same_bytes_for_a_seed_and_reports_rates_with_mc_errors(tmp_path):
    out = [tmp_path / name for name in ("a.json", "b.json", "c.json")]
    for path, seed in zip(out, (7, 7, 8)):
        calibrate.main(["--datasets", "120", "--effect-datasets", "60", "--ordinal-datasets", "20", "--seed", str(seed), "--out", str(path)])
    assert out[0].read_bytes() == out[1].read_bytes() and out[0].read_bytes() != out[2].read_bytes()
    result = json.loads(out[0].read_text(encoding="utf-8"))
    assert result["settings"] == {"datasets": 120, "effect_datasets": 60, "ordinal_datasets": 20, "seed": 7, "level": 0.95}
    for measure in calibrate.MEASURES:
        row = result["measures"][measure]
        false, cover = row["false_verdicts"], row["coverage"]
        assert false["datasets"] == 120 and cover["datasets"] == 60
        assert false["rate"] == pytest.approx(false["count"] / 120, abs=1e-6)
        assert false["mc_se"] == pytest.approx(np.sqrt(false["rate"] * (1 - false["rate"]) / 120), abs=1e-6)
    for measure in calibrate.FAMILY:
        welch = result["measures"][measure]["organisation_level"]
        assert welch["false_verdicts"]["datasets"] == 120 and welch["coverage"]["datasets"] == 60
    ordinal = result["ordinal"]
    assert ordinal["false_verdicts"]["datasets"] + ordinal["not_estimable"] == 20
    family = result["family"]
    assert family["organisation_level"]["count"] >= max(result["measures"][h]["organisation_level"]["false_verdicts"]["count"]
                                                        for h in calibrate.FAMILY)
    # Holm can only remove false verdicts, and a family has a false verdict whenever one member has.
    assert family["holm"]["count"] <= family["unadjusted"]["count"]
    assert family["unadjusted"]["count"] >= max(result["measures"][h]["false_verdicts"]["count"] for h in calibrate.FAMILY)


def test_the_command_refuses_no_data_sets(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        calibrate.main(["--datasets", "0", "--out", str(tmp_path / "x.json")])
    assert stopped.value.code != 0 and "--datasets" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()
