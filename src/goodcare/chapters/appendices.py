"""Appendices: the interview schedule and adapted ASCOT tool (from instruments/), innovation codes (codebook)."""

import pandas as pd

from goodcare import vocab
from goodcare.groups import with_organisation
from goodcare.outputs import ChapterResult, Table, contributors

KIND_ORDER = {kind: i for i, kind in enumerate(vocab.INNOVATION_KINDS)}


def innovation_codes(frames: dict[str, pd.DataFrame]) -> Table:
    """Every innovation code with its kind, definition and how often it was applied (segments, organisations)."""
    codes = frames["codebook"].query("theme == 'innovation'").copy()
    people = with_organisation(frames["participants"], frames["organisations"])
    seg = frames["codings"].merge(people[["participant_id", "org_id"]], on="participant_id")
    seg = seg[seg["code_id"].isin(codes["code_id"])]
    counts = seg.groupby("code_id").agg(segments=("segment_id", "size"), organisations=("org_id", "nunique"))
    codes = codes.join(counts, on="code_id").fillna({"segments": 0, "organisations": 0})
    codes = codes.sort_values(["sub_theme", "code_id"], key=lambda s: s.map(KIND_ORDER) if s.name == "sub_theme" else s)
    display = pd.DataFrame({
        "Code": codes["code_id"], "Kind": codes["sub_theme"], "Label": codes["label"], "Definition": codes["definition"],
        "Segments": codes["segments"].astype(int), "Organisations": codes["organisations"].astype(int),
    })
    who = contributors(seg, ["code_id"])
    cells = pd.concat([who.assign(column=c) for c in ("Segments", "Organisations")], ignore_index=True)
    cells = cells.rename(columns={"code_id": "row"}).assign(statistic="count")
    return Table(display, cells)


def analyse(frames: dict[str, pd.DataFrame], seed: int = 0, reps: int = 0, level: float = 0.95, instruments: dict | None = None) -> ChapterResult:
    """The appendices' content: instruments as structured values, the innovation codes as a table."""
    instruments = instruments or {}
    return ChapterResult(
        tables={"innovation-codes": innovation_codes(frames)},
        values={"interview_schedule": instruments.get("interview_schedule", {}), "ascot": instruments.get("ascot_adapted", {})},
    )
