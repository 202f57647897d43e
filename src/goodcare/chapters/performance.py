"""Chapter 9 (How micro-enterprise performs): the H1-H4 scorecard, verdicts from one rule.

The scorecard reads the comparisons other chapters published (after their disclosure gate), so a measure
may arrive suppressed: its row then says so and gets no verdict. Its cells are recomputed here from the
validated tables with the upstream chapters' own definitions of who stands behind each measure, so the
scorecard passes this chapter's gate on the same contributors as the chapter it quotes.
"""

import pandas as pd

from goodcare import vocab
from goodcare.fmt import number, pct, pounds
from goodcare.groups import provider_group
from goodcare.outputs import ChapterResult, Table, about_no_one, cells, contributors, is_suppressed, key_of, value_cells
from goodcare.verdict import SUPPORTED, scorecard_row

UNITS = {"points": number, "share": pct, "pounds": pounds}
NOT_PUBLISHED = "not published (disclosure control)"
# The fields of a comparison the scorecard reads; any of them may be a "suppressed (...)" string upstream.
READ = ("estimate", "low", "high", "mean_first", "mean_second", "share_first", "share_second", "ratio_first", "ratio_second")
COLUMNS = {"micro": "Micro", "larger": "Larger"}
DIFFERENCE = "Difference (micro minus larger)"
LABELS = 2  # Hypothesis and Measure label the rows (the measure's name may hold a digit, as in "per £10")
# A scorecard row in the values: what the data say (suppressed with the measure) and what names it (config
# and settings: about no one, so a row keeps its name and chapter when its numbers are suppressed).
DATA_LEAVES = ("micro", "larger", "difference", "verdict", "words")
LABEL_LEAVES = ("id", "short", "measure", "chapter", "method")


def comparison_at(values: dict, path: str):
    """The comparison found at a dotted path in a chapter's values (e.g. 'gain.occupation.gain')."""
    node = values
    for key in path.split("."):
        node = node[key]
    return node


def suppression(comparison) -> str | None:
    """The upstream marker if the comparison, or a field the scorecard reads from it, was suppressed."""
    if is_suppressed(comparison):
        return comparison
    return next((comparison[k] for k in READ if is_suppressed(comparison.get(k))), None)


def shown(comparison: dict, names: tuple, unit) -> str:
    """A group's value as published upstream: formatted, or the upstream marker if it was suppressed."""
    value = next((comparison[n] for n in names if n in comparison), None)
    return value if is_suppressed(value) else unit(value)


def unpublished_row(h: dict, comparison, marker: str) -> dict:
    """A scorecard row whose measure did not pass disclosure control upstream: no arithmetic, no verdict."""
    parts = comparison if isinstance(comparison, dict) else {}
    pick = lambda *names: next((parts[n] for n in names if is_suppressed(parts.get(n))), marker)  # noqa: E731
    return {"id": h["id"], "short": h["short"], "measure": h.get("measure_label", ""),
            "micro": pick("mean_first", "share_first", "ratio_first"), "larger": pick("mean_second", "share_second", "ratio_second"),
            "difference": pick("estimate", "low", "high"), "verdict": NOT_PUBLISHED,
            "words": f"Its measure was {marker}, so no verdict is given."}


def scorecard(hypotheses: list[dict], upstream: dict[str, dict], level: float) -> pd.DataFrame:
    """One row per hypothesis: measure, micro, larger, difference with interval, verdict."""
    rows = []
    for h in hypotheses:
        comparison = comparison_at(upstream[h["chapter"]], h["measure"])
        marker = suppression(comparison)
        row = unpublished_row(h, comparison, marker) if marker else scorecard_row(h, comparison, UNITS[h["unit"]], level)
        method = comparison.get("method", "") if isinstance(comparison, dict) else ""
        rows.append({**row, "chapter": h["chapter"], "method": method})
    return pd.DataFrame(rows, columns=["id", "short", "measure", "micro", "larger", "difference", "verdict", "words", "chapter", "method"])


# ---- who stands behind each measure, recomputed from the validated tables ----

def organisations(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Organisations with their provider group."""
    return frames["organisations"].assign(group=lambda d: provider_group(d["size_band"]))


def outcomes_contributors(measure: str, frames: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, str]:
    """Chapter 6's contributors of a gain, current-level, value-for-money or rate comparison, and their unit."""
    from goodcare.chapters import outcomes

    w = outcomes.who(outcomes.scored_outcomes(frames), organisations(frames))
    parts = measure.split(".")
    if len(parts) == 3 and parts[0] == "gain" and parts[2] in ("gain", "current"):
        stats = w[parts[2]]
        return stats[stats["domain"] == parts[1]], "people"
    if measure in ("value_for_money", "rates"):
        return (w["vfm"], "people") if measure == "value_for_money" else (w["orgs"], "organisations")
    raise ValueError(f"no contributors are defined for outcomes measure '{measure}'")


def personalisation_contributors(measure: str, frames: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, str]:
    """Chapter 7's contributors of an item comparison: the people who answered the item, per group."""
    from goodcare.chapters import personalisation

    rows = personalisation.answers(frames)
    item = measure.removeprefix("comparisons.")
    if not measure.startswith("comparisons.") or item not in rows.columns:
        raise ValueError(f"no contributors are defined for personalisation measure '{measure}'")
    return contributors(rows.dropna(subset=[item]), ["group"]), "people"


def innovation_contributors(measure: str, frames: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, str]:
    """Chapter 8's contributors of the per-interviewee comparison: the owners, managers and staff interviewed."""
    from goodcare.chapters import innovation

    if measure != "comparison":
        raise ValueError(f"no contributors are defined for innovation measure '{measure}'")
    staff = innovation.per_interviewee(frames, innovation.innovation_segments(frames))
    return contributors(staff, ["group"]), "people"


CONTRIBUTORS = {"outcomes": outcomes_contributors, "personalisation": personalisation_contributors, "innovation": innovation_contributors}


def measure_contributors(h: dict, frames: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, str]:
    """Both groups' contributors behind a hypothesis's measure (a group with nobody gets a zero row), keyed by
    the measure, so two hypotheses on one measure share a key and different measures never do."""
    if h["chapter"] not in CONTRIBUTORS:
        raise ValueError(f"hypothesis {h['id']}: no contributors are defined for chapter '{h['chapter']}'")
    stats, unit = CONTRIBUTORS[h["chapter"]](h["measure"], frames)
    stats = stats.assign(group=stats["group"].astype(str)).set_index("group")[["people", "organisations", "top1", "top2"]]
    stats = stats.reindex(list(vocab.PROVIDER_GROUPS), fill_value=0).reset_index()
    # The groups compared are different people; the measure does not split them (it names what is compared).
    stats = stats.assign(measure=f"{h['chapter']}.{h['measure']}")
    return stats.assign(key=key_of(stats, ["group", "measure"], repeated=("measure",))), unit


def group_statistic(comparison) -> str:
    """What a group's own value is: a share, a ratio or a mean."""
    keys = comparison if isinstance(comparison, dict) else {}
    return "share" if "share_first" in keys else "ratio" if "ratio_first" in keys else "mean"


def row_cells(i: int, stats: pd.DataFrame, unit: str, statistic: str) -> pd.DataFrame:
    """Cells of scorecard row i: each group's value by its contributors; difference and verdict by both groups'."""
    spot = lambda part, column, stat: part.assign(row=i, column=column, statistic=stat, unit=unit)  # noqa: E731
    return cells(
        *(spot(stats[stats["group"] == g], column, statistic) for g, column in COLUMNS.items()),
        spot(stats, DIFFERENCE, "difference"),
        spot(stats, "Verdict", "difference"),  # a verdict tells the side of the interval, so it falls with the difference
    )


def scorecard_cells(hypotheses: list[dict], upstream: dict[str, dict], card: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cells of the scorecard table and of the chapter's values."""
    table, values, judged = [], [], []
    for i, h in enumerate(hypotheses):
        stats, unit = measure_contributors(h, frames)
        table.append(row_cells(i, stats, unit, group_statistic(comparison_at(upstream[h["chapter"]], h["measure"]))))
        values += [value_cells(stats, f"scorecard.{i}.{leaf}", "difference", unit=unit) for leaf in DATA_LEAVES]
        values.append(about_no_one(*(f"scorecard.{i}.{leaf}" for leaf in LABEL_LEAVES)))
        if card["verdict"].iloc[i] != NOT_PUBLISHED:
            judged.append(stats.assign(unit=unit))
    # The verdict counts are made of every verdict drawn from data; a "not published" verdict is not.
    counts = (cells(*(value_cells(s, p, "difference", unit=s["unit"].iloc[0]) for s in judged for p in ("n_supported", "verdict_counts")))
              if judged else about_no_one("n_supported", "verdict_counts"))
    empty = pd.DataFrame(columns=["row"])
    return (cells(*table) if table else cells(empty),
            cells(*values, counts, about_no_one("hypotheses", "n_hypotheses")))


def analyse(frames: dict[str, pd.DataFrame], seed: int = 2015, reps: int = 2000, level: float = 0.95,
            upstream: dict[str, dict] | None = None, hypotheses: list[dict] | None = None) -> ChapterResult:
    """Build the scorecard from the values the other chapters published, described by their contributors."""
    hypotheses, upstream = hypotheses or [], upstream or {}
    card = scorecard(hypotheses, upstream, level)
    display = pd.DataFrame({
        "Hypothesis": card["id"] + " " + card["short"], "Measure": card["measure"],
        COLUMNS["micro"]: card["micro"], COLUMNS["larger"]: card["larger"],
        DIFFERENCE: card["difference"], "Verdict": card["verdict"],
    })
    counts = card["verdict"].value_counts().sort_index().to_dict()
    values = {
        "hypotheses": [{k: h[k] for k in ("id", "short", "statement", "chapter")} for h in hypotheses],
        "scorecard": card.to_dict("records"),
        "n_supported": int(counts.get(SUPPORTED, 0)),
        "n_hypotheses": len(card),
        "verdict_counts": counts,
    }
    table_cells, values_cells = scorecard_cells(hypotheses, upstream, card, frames)
    return ChapterResult(tables={"scorecard": Table(display, table_cells, labels=LABELS)}, values=values, value_cells=values_cells)
