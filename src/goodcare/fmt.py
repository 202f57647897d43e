"""Number formats used everywhere in the book: pounds, whole percentages, percentage points, intervals."""

from dataclasses import dataclass
from typing import Callable

MINUS = "\u2212"  # a true minus sign reads better than a hyphen in print


def signed(text: str) -> str:
    """Replace a leading hyphen with a minus sign."""
    return MINUS + text[1:] if text.startswith("-") else text


def number(x: float | None, digits: int = 2) -> str:
    """A number with fixed decimals, or an en dash when missing."""
    return "\u2013" if x is None else signed(f"{x:.{digits}f}")


def pounds(x: float | None) -> str:
    """Pounds with two decimals: £12.50."""
    return "\u2013" if x is None else signed(f"£{x:.2f}".replace("£-", "-£"))


def pct(share: float | None) -> str:
    """A share (0-1) as a whole percentage: 12%."""
    return "\u2013" if share is None else signed(f"{share * 100:.0f}%")


def count_pct(n: int, total: int) -> str:
    """A count with its share of the total: 12 (40%)."""
    return f"{n} ({pct(n / total)})" if total else f"{n}"


def pp(share_difference: float | None) -> str:
    """A difference of two shares (0-1) in whole percentage points, as a number: 13 (the word follows it)."""
    return "\u2013" if share_difference is None else signed(f"{share_difference * 100:.0f}")


def bound(x: float, unit=number) -> str:
    """An interval bound; one rounded to zero but not zero gets more digits, so its side of zero shows."""
    text = unit(x)
    if x != 0 and text.lstrip(MINUS + "-£").strip("0.%") == "":
        more = {pct: lambda v: f"{v * 100:.1f}%", pp: lambda v: f"{v * 100:.1f}", number: lambda v: f"{v:.3f}"}
        text = signed(more[unit](x)) if unit in more else text
    return text


def interval(estimate: float | None, low: float | None, high: float | None, level: float = 0.95, unit=number, word: str = "") -> str:
    """An estimate with its interval: 0.22 points (95% CI −0.11 to 0.57); `word` names the unit after the estimate."""
    if estimate is None:
        return "not estimable"
    if low is None or high is None:
        return f"{unit(estimate)}{word} (no interval)"
    return f"{unit(estimate)}{word} ({level * 100:.0f}% CI {bound(low, unit)} to {bound(high, unit)})"


def span(low: float, high: float, level: float = 0.95, unit=number, word: str = "") -> str:
    """An interval in words: the 95% interval runs from −0.11 to 0.57 points."""
    return f"the {level * 100:.0f}% interval runs from {bound(low, unit)} to {bound(high, unit)}{word}"


@dataclass(frozen=True)
class Unit:
    """How one kind of measure is written: a group's value, a difference (and its bounds), the word after it."""

    value: Callable
    difference: Callable
    word: str = ""
    value_word: str = ""  # after a group's own value, where its format does not say the unit (1.29 points)


# The units a hypothesis's measure may have (config `unit`), and plain numbers.
UNITS = {
    "points": Unit(number, number, " points", " points"),
    "share": Unit(pct, pp, " percentage points"),
    "pounds": Unit(pounds, pounds),
    "number": Unit(number, number),
}


def unit_interval(estimate: float | None, low: float | None, high: float | None, level: float, unit: Unit) -> str:
    """A difference with its interval, written in a unit: 0.22 points (95% CI ...), 13 percentage points (...)."""
    return interval(estimate, low, high, level, unit.difference, unit.word)


def share_difference(estimate: float | None, low: float | None, high: float | None, level: float = 0.95) -> str:
    """A difference of two shares with its interval, in percentage points: 13 percentage points (95% CI −2 to 29)."""
    return unit_interval(estimate, low, high, level, UNITS["share"])
