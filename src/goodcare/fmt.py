"""Number formats used everywhere in the book: pounds, whole percentages, intervals."""

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


def bound(x: float, unit=number) -> str:
    """An interval bound; one rounded to zero but not zero gets more digits, so its side of zero shows."""
    text = unit(x)
    if x != 0 and text.lstrip(MINUS + "-£").strip("0.%") == "":
        text = signed(f"{x * 100:.1f}%") if unit is pct else signed(f"{x:.3f}") if unit is number else text
    return text


def interval(estimate: float | None, low: float | None, high: float | None, level: float = 0.95, unit=number) -> str:
    """An estimate with its interval: 12% (95% CI 4% to 20%)."""
    if estimate is None:
        return "not estimable"
    if low is None or high is None:
        return f"{unit(estimate)} (no interval)"
    return f"{unit(estimate)} ({level * 100:.0f}% CI {bound(low, unit)} to {bound(high, unit)})"
