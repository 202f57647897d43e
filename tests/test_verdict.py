"""The verdict rule at its boundaries: interval touching zero, wide interval, missing data, direction."""

import pytest

from goodcare.verdict import CONTRADICTED, SUPPORTED, UNCLEAR, UNKNOWN, verdict


@pytest.mark.parametrize(
    "estimate,low,high,better,expected",
    [
        (0.5, 0.1, 0.9, "higher", SUPPORTED),
        (0.5, 0.0, 0.9, "higher", UNCLEAR),  # touching zero is not enough
        (0.5, 1e-9, 0.9, "higher", SUPPORTED),
        (0.2, -3.0, 3.4, "higher", UNCLEAR),  # wide interval
        (-0.5, -0.9, -0.1, "higher", CONTRADICTED),  # micro-enterprises did worse
        (-0.5, -0.9, 0.0, "higher", UNCLEAR),
        (-1.8, -3.0, -0.8, "lower", SUPPORTED),  # a lower price is better
        (1.8, 0.8, 3.0, "lower", CONTRADICTED),
        (None, None, None, "higher", UNKNOWN),
        (0.4, None, None, "higher", UNKNOWN),
    ],
)
def test_verdict_boundaries(estimate, low, high, better, expected):
    assert verdict({"estimate": estimate, "low": low, "high": high}, better)["verdict"] == expected


def test_unclear_verdict_says_which_way_it_leans():
    assert "favours larger providers" in verdict({"estimate": -0.1, "low": -0.5, "high": 0.3})["words"]
    assert "favours micro-enterprises" in verdict({"estimate": 0.1, "low": -0.5, "high": 0.3})["words"]


def test_holm_verdicts_adjust_for_the_family_and_keep_the_one_rule_s_sides():
    from scipy.stats import t as t_dist

    from goodcare.verdict import CONTRADICTED, SUPPORTED, UNCLEAR, UNKNOWN, holm_verdicts

    def with_p(p, sign=1, df=20.0):
        """A comparison whose two-sided t p-value is p (se 1, so the estimate is the t statistic)."""
        return {"estimate": sign * float(t_dist.ppf(1 - p / 2, df)), "se": 1.0, "df": df}

    family = [with_p(0.01), with_p(0.04), with_p(0.03, sign=-1), "suppressed (fewer than 10 people)"]
    # Unadjusted, the first three intervals all exclude zero; Holm over the three judged: 0.01 x 3 = 0.03 < 0.05
    # is kept, then 0.03 x 2 = 0.06 stops the step-down, so the other two become no clear difference.
    assert holm_verdicts(family, ["higher"] * 4) == [SUPPORTED, UNCLEAR, UNCLEAR, UNKNOWN]
    # Alone in its family, the negative one is contradicted (higher is better) or supported (lower is better).
    assert holm_verdicts([with_p(0.03, sign=-1)], ["higher"]) == [CONTRADICTED]
    assert holm_verdicts([with_p(0.03, sign=-1)], ["lower"]) == [SUPPORTED]
    # Either side of the boundary: two at 2.6% adjust to 5.2% (not below 5%), two at 2.4% to 4.8%.
    assert holm_verdicts([with_p(0.026), with_p(0.026)], ["higher"] * 2) == [UNCLEAR, UNCLEAR]
    assert holm_verdicts([with_p(0.024), with_p(0.024)], ["higher"] * 2) == [SUPPORTED, SUPPORTED]
