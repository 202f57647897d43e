"""Chapter 8 (Innovation): what / how / who innovation codes by provider size, with a few quotes."""

import numpy as np
import pandas as pd
from plotnine import aes, facet_wrap, geom_col, geom_text, ggplot, labs, scale_fill_manual, scale_y_continuous

from goodcare import stats, vocab
from goodcare.fmt import interval, number, pct
from goodcare.groups import coded_segments, with_organisation
from goodcare.outputs import ChapterResult, Figure, Table, cells, contributors, place, value_cells
from goodcare.theme import PROVIDER_COLOURS, theme_goodcare

GROUP_LABELS = vocab.PROVIDER_GROUP_LABELS
KIND_LABELS = {"what": "What is offered", "how": "How it is offered", "who": "Who is supported"}
# The coded kinds are reported in two categories: what is offered and how it is offered together (both are
# about the service itself), and who is supported (its reach). On the bundled data only two larger providers
# were coded with "how", below the three organisations a cell needs, so reported apart the figure would be
# withheld and secondary suppression would take the micro cells with it; merged, every cell passes.
REPORTED = {"what": "service", "how": "service", "who": "who"}
REPORTED_LABELS = {"service": "What is offered or how", "who": "Who is supported"}
SHORT_LABELS = {"micro": "Micro", "larger": "Larger"}  # facets are narrow: short axis labels do not collide
INTERVIEWED_ROLES = ("owner_manager", "frontline_staff")  # innovation was asked of providers
# A few illustrations, not a sample: five people per provider group, so that (with k = 5) each group's quotes
# can keep "micro" or "larger" in their attribution instead of being withheld.
QUOTES_PER_GROUP = 5


def innovation_segments(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Segments with an innovation code, with kind (what/how/who), reported kind, organisation and provider group."""
    seg = coded_segments(frames, "innovation", people_columns=("org_id", "group", "role")).rename(columns={"sub_theme": "kind"})
    return seg.assign(reported=seg["kind"].map(REPORTED))


def kinds_by_group(seg: pd.DataFrame, orgs: pd.DataFrame) -> pd.DataFrame:
    """Per reported kind and group: organisations with it (share of the group's organisations) and segments."""
    org_groups = with_organisation(orgs[["org_id"]], orgs)
    n_orgs = org_groups.groupby("group", observed=False).size()
    rows = []
    for kind in REPORTED_LABELS:
        for group in vocab.PROVIDER_GROUPS:
            part = seg[(seg["reported"] == kind) & (seg["group"] == group)]
            total = int(n_orgs.get(group, 0))
            rows.append({"kind": kind, "group": group, "organisations": int(part["org_id"].nunique()), "of_organisations": total,
                         "share_of_organisations": round(part["org_id"].nunique() / total, 4) if total else None,
                         "segments": int(len(part)),
                         "share_of_segments": round(len(part) / max(1, int((seg["group"] == group).sum())), 4)})
    return pd.DataFrame(rows)


def per_interviewee(frames: dict[str, pd.DataFrame], seg: pd.DataFrame) -> pd.DataFrame:
    """Innovation segments per owner, manager or staff member interviewed (zero for those with none)."""
    people = with_organisation(frames["participants"], frames["organisations"])
    staff = people[people["role"].isin(INTERVIEWED_ROLES)][["participant_id", "org_id", "group"]]
    counts = seg.groupby("participant_id").size().rename("segments")
    return staff.merge(counts, on="participant_id", how="left").fillna({"segments": 0})


def who_counts(seg: pd.DataFrame, orgs: pd.DataFrame, staff: pd.DataFrame) -> dict:
    """Contributors: organisations with each reported kind, organisations per group, interviewees per group."""
    # An innovation code describes an organisation's practice (what it offers, how, to whom), whoever in
    # its interviews described it, so the counts of organisations coded with a kind and the share of a
    # group's innovation segments are statistics of organisations (unit organisations; each counts once).
    # A segment has one code, so the reported kinds split segments (not repeated); for the counts of
    # organisations, where one organisation can have both kinds, treating them as adding up is conservative.
    return {
        "kinds": contributors(seg.rename(columns={"reported": "kind", "kind": "code_kind"}), ["kind", "group"], unit=None),
        "orgs": contributors(with_organisation(orgs[["org_id"]], orgs), ["group"], unit=None),
        # The mean per interviewee is a statistic of the people interviewed (those with none count too).
        "staff": contributors(staff, ["group"]),
    }


def kinds_table(kinds: pd.DataFrame, w: dict) -> Table:
    """A reader's table of organisations with each reported kind and the share of each group's segments."""
    display = pd.DataFrame({
        "Kind of innovation": [REPORTED_LABELS[k] for k in kinds["kind"]],
        "Provider": [GROUP_LABELS[g] for g in kinds["group"]],
        "Organisations with the code": [f"{n} of {t} ({pct(s)})" for n, t, s in zip(kinds["organisations"], kinds["of_organisations"], kinds["share_of_organisations"])],
        "Share of the group's innovation segments": [pct(s) for s in kinds["share_of_segments"]],
    })
    rows, column = kinds[["kind", "group"]], "Organisations with the code"
    return Table(display, cells(
        place(w["kinds"], "count", rows, column, unit="organisations"),
        place(w["orgs"], "count", kinds[["group"]], column, unit="organisations"),  # "of t": the group's organisations
        place(w["kinds"], "share", rows, column, unit="organisations"),
        place(w["kinds"], "share", rows, "Share of the group's innovation segments", unit="organisations"),
    ), labels=2)


def kinds_figure(table: pd.DataFrame, who: pd.DataFrame | None = None) -> Figure:
    """Share of organisations with each reported kind of innovation, micro beside larger."""
    data = table.assign(
        kind_label=pd.Categorical(table["kind"].map(REPORTED_LABELS), list(REPORTED_LABELS.values())),
        provider=pd.Categorical(table["group"].map(SHORT_LABELS), list(SHORT_LABELS.values())),
        text=[pct(s) for s in table["share_of_organisations"]],
    )
    plot = (
        ggplot(data, aes("provider", "share_of_organisations", fill="provider"))
        + geom_col(width=0.7, show_legend=False)
        + geom_text(aes(label="text"), va="bottom", nudge_y=0.02, size=8)
        + facet_wrap("kind_label")
        + scale_fill_manual(values=dict(zip(SHORT_LABELS.values(), PROVIDER_COLOURS.values())))
        + scale_y_continuous(labels=lambda xs: [pct(x) for x in xs], limits=(0, 1.1), breaks=[0, 0.25, 0.5, 0.75, 1])
        + labs(x="", y="Share of organisations with the code")
        + theme_goodcare()
    )
    share = table.set_index(["kind", "group"])["share_of_organisations"]
    parts = [f"{REPORTED_LABELS[k].lower()}: {pct(share[(k, 'micro')])} of micro-enterprises and {pct(share[(k, 'larger')])} of larger providers"
             for k in REPORTED_LABELS]
    alt = "Two bar charts, one per kind of innovation, of the share of organisations whose interviews were coded with it. " + "; ".join(parts) + "."
    # Only what is drawn is published beside the figure: the count and share of organisations with the kind.
    data = table[["kind", "group", "organisations", "share_of_organisations"]]
    rows = data[["kind", "group"]]
    figure_cells = None if who is None else cells(place(who, "count", rows, "organisations", unit="organisations"),
                                                  place(who, "share", rows, "share_of_organisations", unit="organisations"))
    return Figure(plot, data, alt, height=3.0, cells=figure_cells, labels=2)


def quotes(seg: pd.DataFrame, seed: int) -> pd.DataFrame:
    """A few illustrative quotes from owners, managers and staff (innovation was asked of providers, about
    their own organisation): per provider group, QUOTES_PER_GROUP people, one passage each, the kinds taken
    in turn, in a seeded random order (never the lowest ids, which would all come from the first organisations).
    """
    said = seg[seg["excerpt"].notna() & seg["excerpt"].astype(str).str.strip().ne("") & seg["role"].isin(INTERVIEWED_ROLES)]
    # One passage can be coded twice (or said in the same words twice): readers see each passage once.
    said = said.sort_values("segment_id").drop_duplicates("excerpt")
    said = said.assign(draw=np.random.default_rng(seed).random(len(said))).sort_values("draw")
    kind_order = {k: i for i, k in enumerate(vocab.INNOVATION_KINDS)}
    picked = []
    for group in vocab.PROVIDER_GROUPS:
        mine = said[said["group"] == group].drop_duplicates("participant_id")  # one passage per person
        mine = mine.assign(turn=mine.groupby("kind").cumcount(), order=mine["kind"].map(kind_order))
        picked.append(mine.sort_values(["turn", "order", "draw"]).head(QUOTES_PER_GROUP))
    chosen = pd.concat(picked).assign(order=lambda d: d["kind"].map(kind_order)).sort_values(["order", "group", "segment_id"])
    return chosen[["segment_id", "kind"]].reset_index(drop=True)


def values_cells(w: dict) -> pd.DataFrame:
    """Cells of the chapter's values: the comparison by both groups' interviewees, shares by their organisations."""
    staff = w["staff"]
    return cells(
        value_cells(staff, "comparison", "difference"),
        value_cells(staff, "text.per_interviewee_{group}", "mean"),
        value_cells(staff, "text.per_interviewee_difference", "difference"),
        value_cells(w["kinds"], "text.{kind}_{group}", "share", unit="organisations"),
    )


def analyse(frames: dict[str, pd.DataFrame], seed: int = 2015, reps: int = 2000, level: float = 0.95) -> ChapterResult:
    """Compare innovation between micro-enterprises and larger providers."""
    seg = innovation_segments(frames)
    kinds = kinds_by_group(seg, frames["organisations"])
    staff = per_interviewee(frames, seg)
    w = who_counts(seg, frames["organisations"], staff)
    comparison = stats.mean_difference(staff["segments"], staff["org_id"], staff["group"].astype(str), reps=reps, seed=seed, level=level)
    share = kinds.set_index(["kind", "group"])["share_of_organisations"]
    values = {
        "comparison": comparison,
        "text": {
            "per_interviewee_micro": number(comparison["mean_first"]),
            "per_interviewee_larger": number(comparison["mean_second"]),
            "per_interviewee_difference": interval(comparison["estimate"], comparison["low"], comparison["high"], level),
            **{f"{k}_{g}": pct(share[(k, g)]) for k in REPORTED_LABELS for g in vocab.PROVIDER_GROUPS},
        },
    }
    return ChapterResult(
        tables={"innovation-kinds": kinds_table(kinds, w)},
        figures={"innovation-kinds": kinds_figure(kinds, w["kinds"])},
        values=values,
        value_cells=values_cells(w),
        quotes=quotes(seg, seed),
    )
