"""Merge rare categories with their neighbours until every cell of a comparison can be published."""

import pandas as pd


def merge_rare(counts: pd.DataFrame, minimum: int) -> list[list[str]]:
    """Families of categories (rows of `counts`, in their order) such that no group (column) has a count
    between zero and `minimum` in any family: each rare family joins the smaller of its neighbours.

    Categories nobody is in are left out; zeros are published as they are (they identify no one). With one
    family left the merging stops, whatever its counts: the gate then decides on it.
    """
    families = [[c] for c in counts.index if counts.loc[c].sum() > 0]
    total = lambda f: counts.loc[f].sum(axis=0)  # noqa: E731 (counts per group of a family)
    while len(families) > 1:
        rare = [i for i, f in enumerate(families) if ((total(f) > 0) & (total(f) < minimum)).any()]
        if not rare:
            break
        i = min(rare, key=lambda j: (total(families[j]).sum(), j))  # the smallest rare family first
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(families)]
        j = min(neighbours, key=lambda n: (total(families[n]).sum(), n))
        low, high = sorted((i, j))
        families[low:high + 1] = [families[low] + families[high]]
    return families


def family_label(family: list[str], labels: dict) -> str:
    """A family's label in words: 'Sole trader', 'Sole trader or partnership', 'A, B or C' (first in capitals)."""
    words = [labels[c] if i == 0 else labels[c].lower() for i, c in enumerate(family)]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def family_id(family: list[str]) -> str:
    """A family's identifier: its categories joined with '+' (stable, readable in keys and CSVs)."""
    return "+".join(family)
