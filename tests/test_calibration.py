"""The simulation of the study's design under no effect: the default interval's false-verdict rate, the
design it simulates, its rate arithmetic and its determinism."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from goodcare import calibration

DATA = Path(__file__).resolve().parents[1] / "data"


def test_the_default_design_is_the_bundled_data_s():
    assert calibration.sizes_from_data(DATA) == calibration.STUDY_SIZES
    assert {g: len(calibration.STUDY_SIZES["users"][g]) for g in calibration.GROUPS} == {"micro": 17, "larger": 10}


def test_latent_values_have_the_intra_cluster_correlation_asked_for():
    rng = np.random.default_rng(0)
    sizes = {"micro": [3] * 3000, "larger": [3] * 2000}
    (z,), clusters, groups = calibration.latent(sizes, 0.3, rng)
    assert z.std() == pytest.approx(1, abs=0.02) and (groups == "micro").sum() == 9000
    # Covariance of two people of one organisation = the organisation's share of the variance.
    pairs = z.reshape(-1, 3)
    assert np.mean(pairs[:, 0] * pairs[:, 1]) == pytest.approx(0.3, abs=0.03)
    # Categories come out in the shares asked for.
    cats = calibration.categories(z, calibration.GAIN_SHARES)
    assert np.bincount(cats.astype(int)) / cats.size == pytest.approx(calibration.GAIN_SHARES, abs=0.01)


def test_rate_has_its_binomial_standard_error_and_wilson_interval():
    r = calibration.rate(5, 100)
    assert (r["rate"], r["mc_se"]) == (0.05, pytest.approx(np.sqrt(0.05 * 0.95 / 100), abs=1e-6))
    assert (r["wilson_low"], r["wilson_high"]) == (pytest.approx(0.02154, abs=1e-4), pytest.approx(0.11175, abs=1e-4))
    assert calibration.rate(0, 0)["rate"] is None


def test_the_default_interval_s_false_verdict_rate_is_near_5_percent():
    """Every measure at ICC 0.15, 300 null data sets each (1,500 in all, fixed seed). If the true rate is 5%, the
    pooled rate has a binomial SE of 0.56 points, so +-2 points is 3.5 SE (a calibrated method fails this for
    about 1 seed in 2,000); one measure's 300 has an SE of 1.26 points, and is held under 5% + 3.5 SE = 9.4%.
    The old bootstrap's 7-9% would usually fail the pooled bound."""
    result = calibration.run(sims=300, bootstrap_sims=0, bootstrap_reps=0, seed=7, sizes=calibration.STUDY_SIZES, iccs=(0.15,))
    pooled, = result["pooled"]
    assert pooled["method"] == "cr2" and pooled["sims"] == 1500
    assert abs(pooled["rate"] - 0.05) <= 0.02, pooled
    for row in result["results"]:
        assert row["no_interval"] == 0 and row["rate"] <= 0.05 + 3.5 * np.sqrt(0.05 * 0.95 / 300), row


def test_the_bootstrap_arm_judges_the_same_data_sets(tmp_path):
    result = calibration.run(sims=6, bootstrap_sims=3, bootstrap_reps=200, seed=1, sizes=calibration.STUDY_SIZES,
                             iccs=(0.3,), measures=("gain_per_price",))
    cr2, boot = result["results"]
    assert (cr2["method"], cr2["sims"], boot["method"], boot["sims"]) == ("cr2", 6, "bootstrap", 3)
    assert result["settings"]["bootstrap_reps"] == 200 and result["design"]["organisations"] == {"micro": 17, "larger": 10}
    # Data set i is the same for both methods: the same estimate.
    sizes = calibration.STUDY_SIZES
    runs = [calibration.null_comparison("gain_per_price", sizes, 0.3, np.random.default_rng(5), method, 200, 9)
            for method in ("cr2", "bootstrap")]
    assert runs[0]["estimate"] == runs[1]["estimate"] and runs[0]["method"] != runs[1]["method"]


def test_same_arguments_give_byte_identical_json_without_timestamps(tmp_path):
    args = ["--sims", "8", "--bootstrap-sims", "2", "--bootstrap-reps", "100", "--seed", "3"]
    outputs = []
    for name in ("a.json", "b.json"):
        calibration.main([*args, "--out", str(tmp_path / name)])
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1] and outputs[0].endswith(b"\n")
    text = outputs[0].decode()
    assert "time" not in text and "date" not in text and str(tmp_path) not in text
    result = json.loads(text)
    assert len(result["results"]) == len(calibration.MEASURES) * len(calibration.ICCS) * 2
    # Taking the sizes from a data folder (the bundled one) gives the same bytes as the built-in design.
    calibration.main([*args, "--data", str(DATA), "--out", str(tmp_path / "c.json")])
    assert (tmp_path / "c.json").read_bytes() == outputs[0]
    calibration.main([*args[:-1], "4", "--out", str(tmp_path / "d.json")])
    assert (tmp_path / "d.json").read_bytes() != outputs[0]


def test_sizes_follow_a_data_folder(tmp_path):
    orgs = pd.DataFrame({"org_id": ["A", "B", "C"], "size_band": ["micro", "micro", "large"]})
    people = pd.DataFrame({"org_id": ["A", "A", "B", "C", "C", "C", "A"],
                           "role": ["person_using_services"] * 2 + ["person_using_services"] + ["person_using_services"] * 2 + ["carer", "owner_manager"]})
    orgs.to_csv(tmp_path / "organisations.csv", index=False)
    people.to_csv(tmp_path / "participants.csv", index=False)
    assert calibration.sizes_from_data(tmp_path) == {"users": {"micro": [1, 2], "larger": [2]},
                                                     "interviewees": {"micro": [1], "larger": []}}
