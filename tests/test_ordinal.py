"""H1's ceiling sensitivity (goodcare.ordinal and chapter 6): the ordinal model, its clustered errors, its verdict."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats
from statsmodels.miscmodels.ordinal_model import OrderedModel

from goodcare.chapters import outcomes
from goodcare.ordinal import ordinal_sensitivity


def people(shift: float, seed: int = 1, orgs: int = 20, per_org: int = 6) -> pd.DataFrame:
    """Made-up people: half the organisations micro, current score = expected + noise (+ shift for micro)."""
    rng = np.random.default_rng(seed)
    org = np.repeat(np.arange(orgs), per_org)
    micro = org < orgs // 2
    expected = rng.integers(0, 3, org.size)
    latent = expected + rng.normal(0, 0.5, orgs)[org] + rng.normal(0, 0.8, org.size) + shift * micro
    current = np.clip(np.round(latent), 0, 3)
    return pd.DataFrame({"current": current, "expected": expected, "org": [f"O{o}" for o in org],
                         "group": np.where(micro, "micro", "larger")})


def test_a_clear_advantage_gives_a_positive_log_odds_whose_interval_excludes_zero():
    d = people(shift=1.5)
    r = ordinal_sensitivity(d["current"], d["expected"], d["org"], d["group"])
    assert r["estimate"] > 0 and r["low"] > 0 and r["odds_ratio"] == pytest.approx(np.exp(r["estimate"]))
    assert (r["n"], r["k"], r["df"]) == (120, 20, 19.0)
    # The groups swapped: the same model, the sign turned.
    swapped = ordinal_sensitivity(d["current"], d["expected"], d["org"], d["group"], first="larger", second="micro")
    assert swapped["estimate"] == pytest.approx(-r["estimate"], rel=1e-4)


def test_the_interval_is_t_with_organisations_minus_one_df_on_the_clustered_se():
    d = people(shift=0.0, seed=4)
    r = ordinal_sensitivity(d["current"], d["expected"], d["org"], d["group"])
    exog = np.column_stack([(d["group"] == "micro").astype(float), d["expected"].astype(float)])
    y = pd.Categorical(d["current"], ordered=True).codes
    clustered = OrderedModel(y, exog, distr="logit").fit(method="bfgs", disp=False, cov_type="cluster",
                                                          cov_kwds={"groups": pd.factorize(d["org"])[0]})
    plain = OrderedModel(y, exog, distr="logit").fit(method="bfgs", disp=False)
    assert r["se"] == pytest.approx(clustered.bse[0], rel=1e-6) and r["se"] != pytest.approx(plain.bse[0], rel=1e-3)
    half = scipy_stats.t.ppf(0.975, 19) * r["se"]
    assert (r["low"], r["high"]) == (pytest.approx(r["estimate"] - half), pytest.approx(r["estimate"] + half))


def test_people_without_both_scores_are_left_out_and_too_little_data_is_not_estimable():
    d = people(shift=0.5)
    d.loc[:9, "expected"] = np.nan
    assert ordinal_sensitivity(d["current"], d["expected"], d["org"], d["group"])["n"] == 110
    # Everyone at one expected score: the expected score's coefficient cannot be estimated (a singular matrix).
    flat = d.assign(expected=1.0)
    flat_fit = ordinal_sensitivity(flat["current"], flat["expected"], flat["org"], flat["group"])
    assert flat_fit["estimate"] is None and flat_fit["note"]
    one_group = d[d["group"] == "micro"]
    r = ordinal_sensitivity(one_group["current"], one_group["expected"], one_group["org"], one_group["group"])
    assert r["estimate"] is None and r["low"] is None and "too few" in r["note"]


def test_chapter_6_says_whether_the_gain_verdict_survives():
    check = {"estimate": 1.2, "odds_ratio_text": "3.32 (95% CI 1.10 to 10.0)", "verdict": "supported",
             "gain_verdict": "no clear difference", "survives": False}
    assert "does not survive" in outcomes.ceiling_sentence(check)
    assert "survives the ceiling." in outcomes.ceiling_sentence({**check, "gain_verdict": "supported", "survives": True})
    assert "unchecked" in outcomes.ceiling_sentence({"estimate": None, "note": "too few people"})
    # The chapter's own check: the verdict on the gain and on the model by the one rule, the odds ratio from the model.
    d = people(shift=1.5).rename(columns={"current": "score_current", "expected": "score_expected", "org": "org_id"})
    gain = {"estimate": 0.1, "low": -0.2, "high": 0.4}
    r = outcomes.ceiling_sensitivity(d.assign(domain="occupation"), gain, 0.95)
    assert (r["verdict"], r["gain_verdict"], r["survives"]) == ("supported", "no clear difference", False)
    assert r["odds_ratio_text"].startswith(f"{np.exp(r['estimate']):.2f} (95% CI {np.exp(r['low']):.2f}")
