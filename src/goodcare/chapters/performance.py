"""Chapter 9 (How micro-enterprise performs): the H1-H4 scorecard, verdicts from one rule."""

import pandas as pd

from goodcare.fmt import number, pct, pounds
from goodcare.outputs import ChapterResult
from goodcare.verdict import SUPPORTED, scorecard_row

UNITS = {"points": number, "share": pct, "pounds": pounds}


def comparison_at(values: dict, path: str) -> dict:
    """The comparison found at a dotted path in a chapter's values (e.g. 'gain.occupation.gain')."""
    node = values
    for key in path.split("."):
        node = node[key]
    return node


def scorecard(hypotheses: list[dict], upstream: dict[str, dict], level: float) -> pd.DataFrame:
    """One row per hypothesis: measure, micro, larger, difference with interval, verdict."""
    rows = []
    for h in hypotheses:
        comparison = comparison_at(upstream[h["chapter"]], h["measure"])
        rows.append({**scorecard_row(h, comparison, UNITS[h["unit"]], level), "chapter": h["chapter"], "method": comparison.get("method", "")})
    return pd.DataFrame(rows)


def analyse(frames: dict[str, pd.DataFrame], seed: int = 2015, reps: int = 2000, level: float = 0.95,
            upstream: dict[str, dict] | None = None, hypotheses: list[dict] | None = None) -> ChapterResult:
    """Build the scorecard from the values the other chapters published."""
    card = scorecard(hypotheses or [], upstream or {}, level)
    display = pd.DataFrame({
        "Hypothesis": card["id"] + " " + card["short"], "Measure": card["measure"],
        "Micro": card["micro"], "Larger": card["larger"],
        "Difference (micro minus larger)": card["difference"], "Verdict": card["verdict"],
    })
    counts = card["verdict"].value_counts().to_dict()
    values = {
        "hypotheses": [{k: h[k] for k in ("id", "short", "statement", "chapter")} for h in hypotheses or []],
        "scorecard": card.to_dict("records"),
        "n_supported": int(counts.get(SUPPORTED, 0)),
        "n_hypotheses": len(card),
        "verdict_counts": counts,
    }
    return ChapterResult(tables={"scorecard": display}, values=values)
