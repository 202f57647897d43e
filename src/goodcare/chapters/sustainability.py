"""Chapter 10 (Sustainability): funding mix, registration and quality marks, sustainability themes."""

import pandas as pd
from plotnine import aes, coord_flip, geom_col, ggplot, labs, position_stack, scale_fill_manual, scale_y_continuous

from goodcare import stats, vocab
from goodcare.fmt import interval, pct
from goodcare.groups import provider_group, with_organisation
from goodcare.outputs import ChapterResult, Figure, Table, contributors
from goodcare.schemas import FUNDING_COLUMNS
from goodcare.theme import OKABE_ITO, theme_goodcare

GROUP_LABELS = vocab.PROVIDER_GROUP_LABELS
FUNDING_LABELS = dict(zip(FUNDING_COLUMNS, ("Self-funders", "Personal budgets", "Local-authority contracts")))
FUNDING_COLOURS = dict(zip(FUNDING_LABELS.values(), (OKABE_ITO["blue"], OKABE_ITO["green"], OKABE_ITO["orange"])))
FLAGS = {"cqc_registered": "Registered with the CQC", "quality_mark": "Holds a quality mark"}


def funding_mix(orgs: pd.DataFrame) -> pd.DataFrame:
    """Mean share of income from each source, per provider group (each organisation counts once)."""
    means = orgs.groupby("group", observed=False)[list(FUNDING_COLUMNS)].mean() / 100
    long = means.reset_index().melt(id_vars="group", var_name="source", value_name="share")
    long["share"] = long["share"].round(4)
    return long


def funding_figure(mix: pd.DataFrame) -> Figure:
    """Stacked bars of the funding mix, micro beside larger."""
    data = mix.assign(
        provider=pd.Categorical(mix["group"].astype(str).map(GROUP_LABELS), list(GROUP_LABELS.values())[::-1]),
        source_label=pd.Categorical(mix["source"].map(FUNDING_LABELS), list(FUNDING_LABELS.values())[::-1]),
    )
    plot = (
        ggplot(data, aes("provider", "share", fill="source_label"))
        + geom_col(position=position_stack(), width=0.6)
        + coord_flip()
        + scale_fill_manual(values=FUNDING_COLOURS, breaks=list(FUNDING_LABELS.values()))
        + scale_y_continuous(labels=lambda xs: [pct(x) for x in xs])
        + labs(x="", y="Mean share of income")
        + theme_goodcare()
    )
    get = lambda g, s: pct(mix[(mix["group"] == g) & (mix["source"] == s)]["share"].iloc[0])  # noqa: E731
    alt = ("Stacked bar chart of where income comes from, by provider size. Micro-enterprises: "
           + ", ".join(f"{FUNDING_LABELS[s].lower()} {get('micro', s)}" for s in FUNDING_COLUMNS)
           + ". Larger providers: " + ", ".join(f"{FUNDING_LABELS[s].lower()} {get('larger', s)}" for s in FUNDING_COLUMNS) + ".")
    return Figure(plot, mix, alt, height=2.6)


def regulation_table(orgs: pd.DataFrame, seed: int, reps: int, level: float) -> tuple[Table, dict]:
    """Share of organisations registered with the CQC and holding a quality mark, per group."""
    rows, comparisons = [], {}
    for flag, label in FLAGS.items():
        c = stats.proportion_difference(orgs[flag], orgs["org_id"], orgs["group"].astype(str), reps=reps, seed=seed, level=level)
        comparisons[flag] = c
        rows.append({"Measure": label, GROUP_LABELS["micro"]: pct(c["share_first"]), GROUP_LABELS["larger"]: pct(c["share_second"]),
                     "Difference (micro minus larger)": interval(c["estimate"], c["low"], c["high"], level, pct)})
    who = contributors(orgs.assign(cell="all"), ["cell", "group"], unit=None)
    cells = pd.concat([who.assign(row=label) for label in FLAGS.values()], ignore_index=True)
    cells = cells.assign(column=cells["group"].astype(str).map(GROUP_LABELS), statistic="share").drop(columns=["cell", "group"])
    return Table(pd.DataFrame(rows), cells), comparisons


def themes_table(frames: dict[str, pd.DataFrame]) -> Table:
    """Sustainability segments by sub-theme and provider group (enablers and vulnerabilities)."""
    codes = frames["codebook"].query("theme == 'sustainability'")[["code_id", "sub_theme", "label"]]
    people = with_organisation(frames["participants"], frames["organisations"])
    seg = frames["codings"].merge(codes, on="code_id").merge(people[["participant_id", "org_id", "group"]], on="participant_id")
    counts = seg.groupby(["label", "group"], observed=False).size().unstack(fill_value=0).reindex(columns=list(vocab.PROVIDER_GROUPS), fill_value=0)
    orgs_with = seg.groupby(["label", "group"], observed=False)["org_id"].nunique().unstack(fill_value=0).reindex(columns=list(vocab.PROVIDER_GROUPS), fill_value=0)
    display = pd.DataFrame({"Theme": counts.index})
    for g in vocab.PROVIDER_GROUPS:
        display[f"{GROUP_LABELS[g]}: segments (organisations)"] = [f"{n} ({k})" for n, k in zip(counts[g], orgs_with[g])]
    who = contributors(seg, ["label", "group"])
    cells = who.assign(row=who["label"], column=who["group"].astype(str).map(lambda g: f"{GROUP_LABELS[g]}: segments (organisations)"), statistic="count")
    return Table(display, cells.drop(columns=["label", "group"]))


def analyse(frames: dict[str, pd.DataFrame], seed: int = 2015, reps: int = 2000, level: float = 0.95) -> ChapterResult:
    """Describe how providers of each size are funded and regulated, and what sustains them."""
    orgs = frames["organisations"].assign(group=lambda d: provider_group(d["size_band"]))
    mix = funding_mix(orgs)
    self_funded = stats.mean_difference(orgs["funding_self_pct"] / 100, orgs["org_id"], orgs["group"].astype(str), reps=reps, seed=seed, level=level)
    regulation, flags = regulation_table(orgs, seed, reps, level)
    mix_display = mix.assign(Source=mix["source"].map(FUNDING_LABELS), text=mix["share"].map(pct), Provider=mix["group"].astype(str).map(GROUP_LABELS))
    mix_display = mix_display.pivot(index="Source", columns="Provider", values="text").reindex(list(FUNDING_LABELS.values())).reset_index()
    mix_display = mix_display[["Source", *[GROUP_LABELS[g] for g in vocab.PROVIDER_GROUPS]]]
    mix_display.columns.name = None
    values = {
        "self_funded": self_funded, "regulation": flags,
        "text": {
            "self_micro": pct(self_funded["mean_first"]), "self_larger": pct(self_funded["mean_second"]),
            "self_difference": interval(self_funded["estimate"], self_funded["low"], self_funded["high"], level, pct),
            "cqc_micro": pct(flags["cqc_registered"]["share_first"]), "cqc_larger": pct(flags["cqc_registered"]["share_second"]),
            "mark_micro": pct(flags["quality_mark"]["share_first"]), "mark_larger": pct(flags["quality_mark"]["share_second"]),
        },
    }
    return ChapterResult(
        tables={"funding-mix": mix_display, "regulation": regulation, "sustainability-themes": themes_table(frames)},
        figures={"sustainability-funding": funding_figure(mix)},
        values=values,
    )
