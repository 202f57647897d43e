"""Chapter 8 (Innovation): what / how / who innovation codes by provider size."""

import pandas as pd
from plotnine import aes, facet_wrap, geom_col, geom_text, ggplot, labs, scale_fill_manual, scale_y_continuous

from goodcare import stats, vocab
from goodcare.fmt import interval, number, pct
from goodcare.groups import with_organisation
from goodcare.outputs import ChapterResult, Figure, Table, contributors
from goodcare.theme import PROVIDER_COLOURS, theme_goodcare

GROUP_LABELS = vocab.PROVIDER_GROUP_LABELS
KIND_LABELS = {"what": "What is offered", "how": "How it is offered", "who": "Who is supported"}
SHORT_LABELS = {"micro": "Micro", "larger": "Larger"}  # facets are narrow: short axis labels do not collide
INTERVIEWED_ROLES = ("owner_manager", "frontline_staff")  # innovation was asked of providers


def innovation_segments(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Segments with an innovation code, with kind (what/how/who), organisation and provider group."""
    codes = frames["codebook"].query("theme == 'innovation'")[["code_id", "sub_theme"]].rename(columns={"sub_theme": "kind"})
    people = with_organisation(frames["participants"], frames["organisations"])
    return frames["codings"].merge(codes, on="code_id").merge(people[["participant_id", "org_id", "group", "role"]], on="participant_id")


def kinds_by_group(seg: pd.DataFrame, orgs: pd.DataFrame) -> pd.DataFrame:
    """Per kind and group: organisations with the kind (share of the group's organisations) and segments."""
    org_groups = with_organisation(orgs[["org_id"]], orgs)
    n_orgs = org_groups.groupby("group", observed=False).size()
    rows = []
    for kind in vocab.INNOVATION_KINDS:
        for group in vocab.PROVIDER_GROUPS:
            part = seg[(seg["kind"] == kind) & (seg["group"] == group)]
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


def kinds_figure(table: pd.DataFrame) -> Figure:
    """Share of organisations with each kind of innovation, micro beside larger."""
    data = table.assign(
        kind_label=pd.Categorical(table["kind"].map(KIND_LABELS), list(KIND_LABELS.values())),
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
    parts = [f"{KIND_LABELS[k].lower()}: {pct(share[(k, 'micro')])} of micro-enterprises and {pct(share[(k, 'larger')])} of larger providers"
             for k in vocab.INNOVATION_KINDS]
    alt = "Three bar charts, one per kind of innovation, of the share of organisations whose interviews were coded with it. " + "; ".join(parts) + "."
    return Figure(plot, table, alt, height=3.0)


def analyse(frames: dict[str, pd.DataFrame], seed: int = 2015, reps: int = 2000, level: float = 0.95) -> ChapterResult:
    """Compare innovation between micro-enterprises and larger providers."""
    seg = innovation_segments(frames)
    kinds = kinds_by_group(seg, frames["organisations"])
    staff = per_interviewee(frames, seg)
    comparison = stats.mean_difference(staff["segments"], staff["org_id"], staff["group"].astype(str), reps=reps, seed=seed, level=level)
    display = pd.DataFrame({
        "Kind of innovation": [KIND_LABELS[k] for k in kinds["kind"]],
        "Provider": [GROUP_LABELS[g] for g in kinds["group"]],
        "Organisations with the code": [f"{n} of {t} ({pct(s)})" for n, t, s in zip(kinds["organisations"], kinds["of_organisations"], kinds["share_of_organisations"])],
        "Share of the group's innovation segments": [pct(s) for s in kinds["share_of_segments"]],
    })
    who = contributors(seg, ["kind", "group"], unit=None)  # organisations are the unit of these cells
    cells = who.assign(row=who["kind"].map(KIND_LABELS), column=who["group"].astype(str).map(GROUP_LABELS), statistic="count").drop(columns=["kind", "group"])
    values = {
        "comparison": comparison,
        "text": {
            "per_interviewee_micro": number(comparison["mean_first"]),
            "per_interviewee_larger": number(comparison["mean_second"]),
            "per_interviewee_difference": interval(comparison["estimate"], comparison["low"], comparison["high"], level),
            **{f"{k}_{g}": pct(kinds.query("kind == @k and group == @g")["share_of_organisations"].iloc[0]) for k in vocab.INNOVATION_KINDS for g in vocab.PROVIDER_GROUPS},
        },
    }
    return ChapterResult(tables={"innovation-kinds": Table(display, cells)}, figures={"innovation-kinds": kinds_figure(kinds)}, values=values)
