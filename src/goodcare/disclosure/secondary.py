"""Secondary suppression: find the additive lines among a chapter's cells and protect every suppressed one."""

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from goodcare.outputs import parse_key

ADDITIVE = ("count", "share")  # totals of these are known (sample sizes), so their lines are always closed


@dataclass(frozen=True)
class Line:
    """Cells (by key) whose values add up to a known total: members plus, if published, the margin."""

    statistic: str
    unit: str
    members: tuple
    margin: str | None


def key_from(parts: dict) -> str:
    """The key of a parsed mapping (the inverse of `parse_key`)."""
    return "|".join(f"{k}{v}" for k, v in sorted(parts.items())) or "all"


def lines(cells: pd.DataFrame) -> list[Line]:
    """Every line of a chapter's cells: per statistic and unit, the keys that differ in one (splitting) variable only.

    Counts and shares are closed lines (their totals are known); a mean or median line is closed only
    when its margin (the same statistic for the whole line) is published too.
    """
    described = cells[cells["unit"].fillna("people").ne("none") & cells["key"].notna()]
    found = []
    for (statistic, unit), part in described.groupby(["statistic", "unit"], dropna=False):
        keys = set(part["key"])
        by_vars = defaultdict(list)
        for key in sorted(keys):
            by_vars[frozenset(parse_key(key))].append(key)
        for variables, members in by_vars.items():
            for var in sorted(v for v in variables if parse_key(members[0])[v].startswith("=")):  # never across a repeated variable
                groups = defaultdict(list)
                for key in members:
                    rest = {k: v for k, v in parse_key(key).items() if k != var}
                    groups[key_from(rest)].append(key)
                for margin, group in groups.items():
                    published_margin = margin if margin in keys else None
                    if statistic in ADDITIVE or published_margin:
                        found.append(Line(statistic, str(unit), tuple(sorted(group)), published_margin))
    return found


def people_per_key(cells: pd.DataFrame) -> dict:
    """The fewest people any cell of a key stands on (a partner is chosen by it)."""
    return pd.to_numeric(cells["people"], errors="coerce").fillna(0).groupby(cells["key"]).min().to_dict()


def suppress(cells: pd.DataFrame, primary_keys: set) -> dict:
    """Keys to suppress for secondary reasons among one chapter's lines (see `close_lines`): {key: key it protects}."""
    return {k: hidden for k, (hidden, _) in close_lines(lines(cells), people_per_key(cells), primary_keys).items()}


def close_lines(all_lines: list[Line], people: dict, primary_keys: set) -> dict:
    """Keys to suppress for secondary reasons: repeat until no closed line holds exactly one suppressed key.

    The partner is the line's unsuppressed member with the fewest people (zeros last: a zero may be
    known), then the margin. Lines may come from several chapters (their keys shared where they name the
    same group), so a partner chosen in one chapter's line is hidden in every other line that holds it.
    Returns {key: (key it protects, index of the line that chose it)}.
    """
    suppressed, added = set(primary_keys), {}
    changed = True
    while changed:
        changed = False
        for index, line in enumerate(all_lines):
            keys = [*line.members, *([line.margin] if line.margin else [])]
            hidden = [k for k in keys if k in suppressed]
            if len(hidden) != 1:
                continue
            free = [k for k in line.members if k not in suppressed]
            free.sort(key=lambda k: (people.get(k, 0) == 0, people.get(k, 0), k))
            partner = free[0] if free else (line.margin if line.margin and line.margin not in suppressed else None)
            if partner is None:
                continue  # nothing left to suppress: `exposed` reports it and the gate stops
            suppressed.add(partner)
            added[partner] = (hidden[0], index)
            changed = True
    return added


def exposed(cells: pd.DataFrame, suppressed: set) -> list[tuple[Line, str]]:
    """Recompute: closed lines where one suppressed key could be recovered (total minus the others)."""
    out = []
    for line in lines(cells):
        keys = [*line.members, *([line.margin] if line.margin else [])]
        hidden = [k for k in keys if k in suppressed]
        if len(hidden) == 1 and len(keys) > 1:
            out.append((line, hidden[0]))
    return out
