"""Appendices: the interview schedule and adapted ASCOT tool (from instruments/), innovation codes (codebook)."""

import pandas as pd

from goodcare import vocab
from goodcare.groups import coded_segments
from goodcare.outputs import ChapterResult, Table, about_no_one, cells, contributors, place

KIND_ORDER = {kind: i for i, kind in enumerate(vocab.INNOVATION_KINDS)}
COUNTS = ("Segments", "Organisations")
LABELS = 4  # Code, Kind, Label and Definition: the code list itself, published whatever happens to the counts


def innovation_codes(frames: dict[str, pd.DataFrame]) -> Table:
    """Every innovation code with its kind, definition and how often it was applied (segments, organisations).

    Both counts of a code stand on the people whose segments carry it. Codes are not merged: the appendix
    exists to list each code with its definition, so a code applied by too few people keeps its row and the
    gate suppresses its counts (on the bundled data, every code has fewer than ten people). The kind is part
    of each key, so the gate also protects a code that chapter 8's counts by kind would otherwise give away.
    """
    codes = frames["codebook"].query("theme == 'innovation'").copy()
    seg = coded_segments(frames, "innovation", people_columns=("org_id",))
    counts = seg.groupby("code_id").agg(segments=("segment_id", "size"), organisations=("org_id", "nunique"))
    codes = codes.join(counts, on="code_id").fillna({"segments": 0, "organisations": 0})
    codes = codes.sort_values(["sub_theme", "code_id"], key=lambda s: s.map(KIND_ORDER) if s.name == "sub_theme" else s)
    display = pd.DataFrame({
        "Code": codes["code_id"], "Kind": codes["sub_theme"], "Label": codes["label"], "Definition": codes["definition"],
        "Segments": codes["segments"].astype(int), "Organisations": codes["organisations"].astype(int),
    }).reset_index(drop=True)
    who = contributors(seg, ["sub_theme", "code_id"])
    rows = display[["Kind", "Code"]].rename(columns={"Kind": "sub_theme", "Code": "code_id"})
    return Table(display, cells(*(place(who, "count", rows, column) for column in COUNTS)), labels=LABELS)


def analyse(frames: dict[str, pd.DataFrame], seed: int = 0, reps: int = 0, level: float = 0.95, instruments: dict | None = None) -> ChapterResult:
    """The appendices' content: instruments as structured values, the innovation codes as a table."""
    instruments = instruments or {}
    return ChapterResult(
        tables={"innovation-codes": innovation_codes(frames)},
        values={"interview_schedule": instruments.get("interview_schedule", {}), "ascot": instruments.get("ascot_adapted", {})},
        # The instruments are the study's questionnaires and scales (item numbers, level numbers): about no one.
        value_cells=about_no_one("interview_schedule", "ascot"),
    )
