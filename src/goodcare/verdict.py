"""The one rule that turns an effect and its interval into a verdict, worded to the evidence."""

import numpy as np
from scipy.special import stdtr

from goodcare.fmt import UNITS, Unit, span, unit_interval

SUPPORTED = "supported"
CONTRADICTED = "contradicted"
UNCLEAR = "no clear difference"
UNKNOWN = "not estimable"


def verdict(comparison: dict, better: str = "higher", unit: Unit = UNITS["number"], level: float = 0.95) -> dict:
    """Verdict on 'micro-enterprises do better' from a comparison (estimate, low, high: micro minus larger).

    Supported only if the whole interval lies on the side the hypothesis predicts (an interval touching
    zero is not enough); contradicted if it lies wholly on the other side; otherwise no clear difference.
    The words give the interval itself, so that a reader sees what the data are consistent with.
    """
    est, low, high = (comparison.get(k) for k in ("estimate", "low", "high"))
    if est is None:
        return {"verdict": UNKNOWN, "words": "The data are not enough to estimate this comparison."}
    if low is None or high is None:
        return {"verdict": UNKNOWN, "words": "There is no interval for this comparison, so it cannot be judged."}
    runs = span(low, high, level, unit.difference, unit.word)
    sign = 1 if better == "higher" else -1
    lo, hi = sorted((sign * low, sign * high))
    if lo > 0:
        return {"verdict": SUPPORTED, "words": f"Micro-enterprises did better: {runs}, so the data are consistent only "
                                               "with micro-enterprises doing better."}
    if hi < 0:
        return {"verdict": CONTRADICTED, "words": f"Micro-enterprises did worse: {runs}, so the data are consistent only "
                                                  "with larger providers doing better."}
    leaning = "micro-enterprises" if sign * est > 0 else "larger providers" if sign * est < 0 else "neither group"
    return {"verdict": UNCLEAR, "words": f"The estimate favours {leaning}, but {runs}, so the data are consistent with no difference."}


def scorecard_row(hypothesis: dict, comparison: dict, unit: Unit = UNITS["number"], level: float = 0.95) -> dict:
    """One scorecard row: hypothesis, measure, micro, larger, difference with interval, verdict."""
    v = verdict(comparison, hypothesis.get("better", "higher"), unit, level)
    first = comparison.get("mean_first", comparison.get("share_first", comparison.get("ratio_first")))
    second = comparison.get("mean_second", comparison.get("share_second", comparison.get("ratio_second")))
    return {
        "id": hypothesis["id"], "short": hypothesis["short"], "measure": hypothesis.get("measure_label", ""),
        "micro": unit.value(first), "larger": unit.value(second),
        "difference": unit_interval(comparison.get("estimate"), comparison.get("low"), comparison.get("high"), level, unit),
        "verdict": v["verdict"], "words": v["words"],
    }


def t_p_value(estimate, se, df):
    """Two-sided p-value of estimate / se on t(df): below 1 - level exactly when the t interval excludes zero."""
    return 2 * stdtr(df, -np.abs(np.asarray(estimate, dtype=float) / np.asarray(se, dtype=float)))


def holm_adjusted(p_values):
    """Holm's step-down adjusted p-values along the last axis (rows may be data sets; statsmodels' multipletests
    gives the same, one family per call, but collects garbage at every call, 0.1 s each)."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p, axis=-1, kind="stable")
    ranked = np.take_along_axis(p, order, axis=-1)
    m = p.shape[-1]
    adjusted = np.minimum(1.0, np.maximum.accumulate(ranked * (m - np.arange(m)), axis=-1))
    out = np.empty_like(adjusted)
    np.put_along_axis(out, order, adjusted, axis=-1)
    return out


def holm_verdicts(comparisons: list, betters: list[str], level: float = 0.95) -> list[str]:
    """Holm-adjusted verdicts of a family of comparisons: the one rule's words, with each p-value adjusted for
    the family (a comparison without estimate, standard error or df is not estimable and not in the family)."""
    usable = [isinstance(c, dict) and all(isinstance(c.get(k), (int, float)) and not isinstance(c.get(k), bool)
                                          for k in ("estimate", "se", "df")) and c["se"] > 0 for c in comparisons]
    judged = [c for c, ok in zip(comparisons, usable) if ok]
    adjusted = iter(holm_adjusted([t_p_value(c["estimate"], c["se"], c["df"]) for c in judged]) if judged else [])
    out = []
    for c, ok, better in zip(comparisons, usable, betters):
        if not ok:
            out.append(UNKNOWN)
            continue
        p, sign = float(next(adjusted)), 1 if better == "higher" else -1
        out.append(UNCLEAR if p >= 1 - level else SUPPORTED if sign * c["estimate"] > 0 else CONTRADICTED)
    return out
