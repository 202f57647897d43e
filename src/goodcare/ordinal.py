"""H1's ceiling sensitivity: an ordinal logit of the current score given the expected one, errors clustered by organisation.

The gain (current minus expected score) can be at most 3 minus the expected score, so a group whose people
would do better without the service has less room to gain. Among people with the same expected score, this
model asks whether those supported by micro-enterprises are at a better level now: its log odds ratio does not
depend on room to gain. statsmodels' OrderedModel fits it; the sandwich is clustered by organisation (CR1,
statsmodels' small-sample factor) and the interval uses t with (organisations - 1) degrees of freedom: with
normal quantiles it gave 6.6% false verdicts in 1,000 null data sets of the study's design, with t 4.9% (a
one-off run); goodcare.calibrate measures it in every build (chapter 4).
"""

import functools
import warnings

import numpy as np
import pandas as pd

from goodcare import cr2

METHOD = ("ordinal logit of the current score on provider group and the expected score; cluster-robust (CR1) errors, "
          "t with organisations - 1 degrees of freedom")


@functools.cache
def _logit_ordered_model():
    """statsmodels' OrderedModel with the logistic cdf computed as scipy.special.expit."""
    from scipy.special import expit
    from statsmodels.miscmodels.ordinal_model import OrderedModel  # imported here: only chapter 6 and the calibration fit it

    class LogitOrderedModel(OrderedModel):
        """OrderedModel(distr="logit") whose cdf skips scipy.stats' per-call argument checks: scipy's logistic cdf
        is expit, so every number is the same, but those checks were 70% of a fit (the calibration's 1,000 fits)."""

        def cdf(self, x):
            return expit(x)

    return LogitOrderedModel


def _not_estimable(result: dict, note: str) -> dict:
    return {**result, "estimate": None, "low": None, "high": None, "se": None, "df": None, "odds_ratio": None, "note": note}


def ordinal_sensitivity(current_score, expected_score, clusters, groups, *, first="micro", second="larger", level=0.95) -> dict:
    """Log odds of a better current score for the first group against the second, at the same expected score."""
    frame = pd.DataFrame({"y": pd.to_numeric(pd.Series(current_score).reset_index(drop=True), errors="coerce"),
                          "x": pd.to_numeric(pd.Series(expected_score).reset_index(drop=True), errors="coerce"),
                          "c": pd.Series(clusters).reset_index(drop=True), "g": pd.Series(groups).reset_index(drop=True).astype(str)})
    frame = frame.dropna(subset=["y", "x", "c"])
    frame = frame[frame["g"].isin([first, second])]
    k = int(frame["c"].nunique())
    result = {"n": int(len(frame)), "k": k, "level": float(level), "method": METHOD}
    if min((frame["g"] == name).sum() for name in (first, second)) == 0 or frame["y"].nunique() < 2 or k < 3:
        return _not_estimable(result, "too few people, organisations or levels to fit the model")
    # The scores are ordered categories; the model needs them as consecutive codes 0..J-1.
    y = pd.Categorical(frame["y"], ordered=True).codes
    exog = np.column_stack([(frame["g"] == first).to_numpy(dtype=float), frame["x"].to_numpy(dtype=float)])
    with warnings.catch_warnings():
        # A failed fit is reported below from its own flags; statsmodels' convergence and overflow warnings add nothing.
        warnings.simplefilter("ignore")
        try:
            fit = _logit_ordered_model()(y, exog, distr="logit").fit(method="bfgs", disp=False, maxiter=500, cov_type="cluster",
                                                             cov_kwds={"groups": pd.factorize(frame["c"])[0]})
        except (np.linalg.LinAlgError, ValueError):
            # A singular information matrix: a level or the expected score separates the groups (tiny or degenerate data).
            return _not_estimable(result, "the model cannot be fitted (a level or the expected score separates the groups)")
    estimate, se = float(fit.params[0]), float(fit.bse[0])
    if not (fit.mle_retvals.get("converged", False) and np.isfinite(estimate) and np.isfinite(se) and se > 0):
        return _not_estimable(result, "the model did not converge (a level may be reached by one group only)")
    df = float(k - 1)
    low, high = cr2.t_interval(estimate, se ** 2, df, level)
    return {**result, "estimate": estimate, "low": float(low), "high": float(high), "se": se, "df": df,
            "odds_ratio": float(np.exp(estimate)), "note": None}
