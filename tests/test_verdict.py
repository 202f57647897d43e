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
