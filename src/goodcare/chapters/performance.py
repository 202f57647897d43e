"""Chapter 9 (How micro-enterprise performs): the H1-H4 scorecard, verdicts from one rule.

The scorecard reads the comparisons other chapters published (after their disclosure gate), so a measure
may arrive suppressed: its row then says so and gets no verdict. Its cells are the value cells the upstream
chapters staged for their own gates (results/analysis/<chapter>/values.cells.csv), so the scorecard passes
this chapter's gate on the same contributors as the chapter it quotes, and a new measure is a config change.
"""

import pandas as pd

from goodcare import vocab
from goodcare.fmt import UNITS, unit_interval
from goodcare.outputs import CONTRIBUTION_COLUMNS, VALUE_COLUMNS, ChapterResult, Table, about_no_one, cells, cells_at, is_suppressed, key_of, parse_key, value_cells
from goodcare.verdict import SUPPORTED, UNKNOWN, holm_verdicts, scorecard_row, verdict

NOT_PUBLISHED = "not published (disclosure control)"
# The fields of a comparison the scorecard reads; any of them may be a "suppressed (...)" string upstream.
READ = ("estimate", "low", "high", "mean_first", "mean_second", "share_first", "share_second", "ratio_first", "ratio_second")
COLUMNS = {"micro": "Micro", "larger": "Larger"}
DIFFERENCE = "Difference (micro minus larger)"
LABELS = 2  # Hypothesis and Measure label the rows (the measure's name may hold a digit, as in "per £10")
# A scorecard row in the values: what the data say (suppressed with the measure) and what names it (config
# and settings: about no one, so a row keeps its name and chapter when its numbers are suppressed).
DATA_LEAVES = ("micro", "larger", "difference", "verdict", "holm_verdict", "words", "org_micro", "org_larger", "org_difference",
               "org_verdict", "org_agrees")
HOLM = "Holm-adjusted verdict"
# The robustness table: the same hypotheses compared on organisation means (Welch), each organisation counted once.
ORG_COLUMNS = {"micro": "Micro, organisation mean", "larger": "Larger, organisation mean"}
ORG_DIFFERENCE = "Difference of organisation means (Welch)"
ORG_VERDICT = "Verdict on organisation means"
AGREES = "Same verdict as the scorecard"
LABEL_LEAVES = ("id", "short", "measure", "chapter", "method", "unit")


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


def unpublished_row(h: dict, comparison, marker: str) -> dict:
    """A scorecard row whose measure did not pass disclosure control upstream: no arithmetic, no verdict."""
    parts = comparison if isinstance(comparison, dict) else {}
    pick = lambda *names: next((parts[n] for n in names if is_suppressed(parts.get(n))), marker)  # noqa: E731
    return {"id": h["id"], "short": h["short"], "measure": h.get("measure_label", ""),
            "micro": pick("mean_first", "share_first", "ratio_first"), "larger": pick("mean_second", "share_second", "ratio_second"),
            "difference": pick("estimate", "low", "high"), "verdict": NOT_PUBLISHED,
            "words": f"Its measure was {marker}, so no verdict is given."}


def organisation_row(h: dict, comparison, row: dict, level: float) -> dict:
    """The robustness columns of a scorecard row: the same measure on organisation means (Welch), by the same rule."""
    if row["verdict"] == NOT_PUBLISHED:
        return {"org_micro": row["micro"], "org_larger": row["larger"], "org_difference": row["difference"],
                "org_verdict": NOT_PUBLISHED, "org_agrees": "–"}
    unit, welch = UNITS[h["unit"]], comparison.get("organisation_level")
    if not isinstance(welch, dict):
        return {"org_micro": "–", "org_larger": "–", "org_difference": "not estimable", "org_verdict": UNKNOWN, "org_agrees": "–"}
    judged = verdict(welch, h.get("better", "higher"), unit, level)["verdict"]
    return {"org_micro": unit.value(welch.get("mean_first")), "org_larger": unit.value(welch.get("mean_second")),
            "org_difference": unit_interval(welch.get("estimate"), welch.get("low"), welch.get("high"), level, unit),
            "org_verdict": judged, "org_agrees": "yes" if judged == row["verdict"] else "no"}


def scorecard(hypotheses: list[dict], upstream: dict[str, dict], level: float) -> pd.DataFrame:
    """One row per hypothesis: measure, micro, larger, difference with interval, verdict."""
    rows = []
    for h in hypotheses:
        comparison = comparison_at(upstream[h["chapter"]], h["measure"])
        marker = suppression(comparison)
        row = unpublished_row(h, comparison, marker) if marker else scorecard_row(h, comparison, UNITS[h["unit"]], level)
        method = comparison.get("method", "") if isinstance(comparison, dict) else ""
        rows.append({**row, **organisation_row(h, comparison, row, level), "chapter": h["chapter"], "method": method, "unit": h["unit"]})
    # The four hypotheses are one family: Holm's step-down over the published comparisons, beside each verdict.
    published = [None if r["verdict"] == NOT_PUBLISHED else comparison_at(upstream[h["chapter"]], h["measure"]) for h, r in zip(hypotheses, rows)]
    for row, holm in zip(rows, holm_verdicts(published, [h.get("better", "higher") for h in hypotheses], level)):
        row["holm_verdict"] = NOT_PUBLISHED if row["verdict"] == NOT_PUBLISHED else holm
    return pd.DataFrame(rows, columns=["id", "short", "measure", "micro", "larger", "difference", "verdict", "holm_verdict", "words",
                                       "org_micro", "org_larger", "org_difference", "org_verdict", "org_agrees", "chapter", "method", "unit"])


# ---- who stands behind each measure: the cells the upstream chapter staged for its own gate ----


def covering(cells_frame: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The value cells that describe a measure: at its path or above it (a cell covers its whole subtree),
    else below it (a measure that is a subtree of several described values)."""
    paths = cells_frame["path"].fillna("").astype(str)
    at_or_above = cells_frame[(paths == measure) | paths.map(lambda p: bool(p) and measure.startswith(p + "."))]
    return at_or_above if len(at_or_above) else cells_frame[paths.str.startswith(measure + ".")]


def group_of(key) -> str | None:
    """The provider group named in a cell key ("domain~occupation|group=micro" -> "micro")."""
    group = parse_key(key).get("group")
    return group[1:] if group else None


def measure_contributors(h: dict, upstream_cells: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, str]:
    """Both groups' contributors behind a hypothesis's measure, read from the cells its chapter staged for its
    own gate (so the scorecard is judged on exactly the contributors the chapter was), keyed by the measure so
    two hypotheses on one measure share a key and different measures never do. Where several cells describe
    one group, the one with the fewest people stands for it (the strictest); a group nobody describes gets zeros."""
    staged = upstream_cells.get(h["chapter"])
    found = pd.DataFrame() if staged is None else covering(staged, h["measure"])
    found = found.assign(group=found["key"].map(group_of)) if len(found) else found
    if not len(found) or found["group"].isna().all():
        raise ValueError(f"hypothesis {h['id']}: chapter '{h['chapter']}' describes no cells for measure '{h['measure']}'")
    units = set(found["unit"].fillna("people"))
    unit = "people" if "people" in units else units.pop()
    found = found.dropna(subset=["group"]).astype({"people": float}).sort_values(["group", "people"]).drop_duplicates("group")
    # A magnitude's contributions (a mean rate) come along, so the scorecard meets the same value rules.
    stats = found.reindex(columns=["group", *CONTRIBUTION_COLUMNS, *VALUE_COLUMNS]).set_index("group").astype(float)
    stats = stats.reindex(list(vocab.PROVIDER_GROUPS)).fillna({c: 0 for c in CONTRIBUTION_COLUMNS}).reset_index()
    # The groups compared are different people; the measure does not split them (it names what is compared).
    stats = stats.assign(measure=f"{h['chapter']}.{h['measure']}")
    return stats.assign(key=key_of(stats, ["group", "measure"], repeated=("measure",))), unit


def group_statistic(comparison) -> str:
    """What a group's own value is: a share, a ratio or a mean."""
    keys = comparison if isinstance(comparison, dict) else {}
    return "share" if "share_first" in keys else "ratio" if "ratio_first" in keys else "mean"


def row_cells(i: int, stats: pd.DataFrame, unit: str, statistic: str) -> pd.DataFrame:
    """Cells of scorecard row i: each group's value by its contributors; difference and verdict by both groups'."""
    return cells(
        *(cells_at(stats[stats["group"] == g], i, column, statistic, unit) for g, column in COLUMNS.items()),
        cells_at(stats, i, DIFFERENCE, "difference", unit),
        cells_at(stats, i, "Verdict", "difference", unit),  # a verdict tells the side of the interval, so it falls with the difference
        cells_at(stats, i, HOLM, "difference", unit),
    )


def robustness_cells(i: int, stats: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Cells of robustness row i: each group's organisation mean by its contributors; the rest by both groups'."""
    return cells(
        *(cells_at(stats[stats["group"] == g], i, column, "mean", unit) for g, column in ORG_COLUMNS.items()),
        *(cells_at(stats, i, column, "difference", unit) for column in (ORG_DIFFERENCE, ORG_VERDICT, AGREES)),
    )


def scorecard_cells(hypotheses: list[dict], upstream: dict[str, dict], card: pd.DataFrame,
                    upstream_cells: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The cells of the scorecard table, of the robustness table and of the chapter's values."""
    table, robust, values, judged = [], [], [], []
    for i, h in enumerate(hypotheses):
        stats, unit = measure_contributors(h, upstream_cells)
        table.append(row_cells(i, stats, unit, group_statistic(comparison_at(upstream[h["chapter"]], h["measure"]))))
        robust.append(robustness_cells(i, stats, unit))
        values += [value_cells(stats, f"scorecard.{i}.{leaf}", "difference", unit=unit) for leaf in DATA_LEAVES]
        values.append(about_no_one(*(f"scorecard.{i}.{leaf}" for leaf in LABEL_LEAVES)))
        if card["verdict"].iloc[i] != NOT_PUBLISHED:
            judged.append(stats.assign(unit=unit))
    # The verdict counts are made of every verdict drawn from data; a "not published" verdict is not.
    counts = (cells(*(value_cells(s, p, "difference", unit=s["unit"].iloc[0]) for s in judged for p in ("n_supported", "verdict_counts")))
              if judged else about_no_one("n_supported", "verdict_counts"))
    empty = pd.DataFrame(columns=["row"])
    return (cells(*table) if table else cells(empty), cells(*robust) if robust else cells(empty),
            cells(*values, counts, about_no_one("hypotheses", "n_hypotheses")))


def analyse(frames: dict[str, pd.DataFrame], seed: int = 2015, reps: int = 2000, level: float = 0.95,
            upstream: dict[str, dict] | None = None, hypotheses: list[dict] | None = None,
            upstream_cells: dict[str, pd.DataFrame] | None = None) -> ChapterResult:
    """Build the scorecard from the values the other chapters published, described by their contributors."""
    hypotheses, upstream, upstream_cells = hypotheses or [], upstream or {}, upstream_cells or {}
    card = scorecard(hypotheses, upstream, level)
    display = pd.DataFrame({
        "Hypothesis": card["id"] + " " + card["short"], "Measure": card["measure"],
        COLUMNS["micro"]: card["micro"], COLUMNS["larger"]: card["larger"],
        DIFFERENCE: card["difference"], "Verdict": card["verdict"], HOLM: card["holm_verdict"],
    })
    robustness = pd.DataFrame({
        "Hypothesis": card["id"] + " " + card["short"], ORG_COLUMNS["micro"]: card["org_micro"], ORG_COLUMNS["larger"]: card["org_larger"],
        ORG_DIFFERENCE: card["org_difference"], ORG_VERDICT: card["org_verdict"], AGREES: card["org_agrees"],
    })
    counts = card["verdict"].value_counts().sort_index().to_dict()
    values = {
        "hypotheses": [{k: h[k] for k in ("id", "short", "statement", "chapter")} for h in hypotheses],
        "scorecard": card.to_dict("records"),
        "n_supported": int(counts.get(SUPPORTED, 0)),
        "n_hypotheses": len(card),
        "verdict_counts": counts,
    }
    table_cells, robust_cells, values_cells = scorecard_cells(hypotheses, upstream, card, upstream_cells)
    return ChapterResult(tables={"scorecard": Table(display, table_cells, labels=LABELS), "robustness": Table(robustness, robust_cells)},
                         values=values, value_cells=values_cells)
