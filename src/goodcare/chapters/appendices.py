"""Appendices: the interview schedule and adapted ASCOT tool (from instruments/), innovation codes (codebook)."""

import pandas as pd

from goodcare import vocab
from goodcare.chapters.innovation import KIND_LABELS, REPORTED, REPORTED_LABELS
from goodcare.groups import coded_people, coded_segments
from goodcare.outputs import ChapterResult, Table, about_no_one

KIND_ORDER = {kind: i for i, kind in enumerate(vocab.INNOVATION_KINDS)}


def code_list(frames: dict[str, pd.DataFrame]) -> Table:
    """Every innovation code with its kind, label and definition (the codebook itself, no counts)."""
    codes = frames["codebook"].query("theme == 'innovation'")
    codes = codes.sort_values(["sub_theme", "code_id"], key=lambda s: s.map(KIND_ORDER) if s.name == "sub_theme" else s)
    display = pd.DataFrame({"Code": codes["code_id"], "Kind": codes["sub_theme"].map(lambda k: KIND_LABELS.get(k, k)),
                            "Label": codes["label"], "Definition": codes["definition"]}).reset_index(drop=True)
    return Table(display, about_no_one("Code", where="column"), labels=4)


def kind_frequencies(frames: dict[str, pd.DataFrame]) -> Table:
    """How often the innovation codes were applied, by reported kind, all providers together: the people whose
    interviews were coded with a kind and their organisations.

    Per code (fewer than ten people each on the study's design) or per kind and provider size, the counts
    would be suppressed; grouped as chapter 8 reports them (what is offered or how, who is supported) and
    over all providers, they rest on enough people. One person can be coded with both kinds, so the kinds'
    counts do not add up (the kind is marked as not splitting people).
    """
    seg = coded_segments(frames, "innovation", people_columns=("org_id",))
    seg = seg.assign(reported=seg["sub_theme"].map(REPORTED))
    codes = frames["codebook"].query("theme == 'innovation'").assign(reported=lambda d: d["sub_theme"].map(REPORTED))
    kinds = list(REPORTED_LABELS)
    counts, described = coded_people(seg, "reported", kinds)
    display = pd.DataFrame({
        "Kind of innovation": [REPORTED_LABELS[k] for k in kinds],
        "Codes": [", ".join(sorted(codes.loc[codes["reported"] == k, "code_id"])) for k in kinds],
    }).join(counts)
    return Table(display, described, labels=2)


def analyse(frames: dict[str, pd.DataFrame], seed: int = 0, reps: int = 0, level: float = 0.95, instruments: dict | None = None) -> ChapterResult:
    """The appendices' content: instruments as structured values, the innovation codes and how often each kind was applied."""
    instruments = instruments or {}
    return ChapterResult(
        tables={"innovation-codes": code_list(frames), "innovation-frequencies": kind_frequencies(frames)},
        values={"interview_schedule": instruments.get("interview_schedule", {}), "ascot": instruments.get("ascot_adapted", {})},
        # The instruments are the study's questionnaires and scales (item numbers, level numbers): about no one.
        value_cells=about_no_one("interview_schedule", "ascot"),
    )
