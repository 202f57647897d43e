"""Chapter 10 (Sustainability): funding mix, registration and quality marks, sustainability themes."""

import pandas as pd
from plotnine import aes, coord_flip, geom_col, ggplot, labs, position_stack, scale_fill_manual, scale_y_continuous

from goodcare import stats, vocab
from goodcare.fmt import pct, share_difference
from goodcare.groups import coded_people, coded_segments, provider_group
from goodcare.outputs import VALUE_COLUMNS, ChapterResult, Figure, Table, cells, cells_at, contributors, place, value_cells
from goodcare.schemas import FUNDING_COLUMNS
from goodcare.theme import CATEGORY_COLOURS, theme_goodcare

GROUP_LABELS = vocab.PROVIDER_GROUP_LABELS
FUNDING_LABELS = dict(zip(FUNDING_COLUMNS, ("Self-funders", "Personal budgets", "Local-authority contracts")))
FUNDING_COLOURS = dict(zip(FUNDING_LABELS.values(), CATEGORY_COLOURS))
FLAGS = {"cqc_registered": "Registered with the CQC", "quality_mark": "Holds a quality mark"}
# The codebook's sustainability sub-themes, as what helps a provider keep going or what puts it at risk.
THEME_SIDES = {"start_up_support": "helps", "networks": "helps", "la_partnership": "helps",
               "self_funder_reliance": "threatens", "thin_staffing": "threatens", "financial_insecurity": "threatens",
               "regulation": "threatens"}
SIDE_LABELS = {"helps": "What helps", "threatens": "What threatens", "other": "Other themes"}
DIFFERENCE = "Difference (micro minus larger)"
ORGS = "organisations"  # funding shares and registration are properties of organisations: each counts once


def funding_mix(orgs: pd.DataFrame) -> pd.DataFrame:
    """Mean share of income from each source, per provider group (each organisation counts once)."""
    means = orgs.groupby("group", observed=False)[list(FUNDING_COLUMNS)].mean() / 100
    long = means.reset_index().melt(id_vars="group", var_name="source", value_name="share")
    long["share"] = long["share"].round(4)
    return long


def organisation_stats(orgs: pd.DataFrame) -> pd.DataFrame:
    """Contributors per provider group, organisations as the unit: every organisation is behind every
    funding mean and registration share of its group (none is missing), so they all share one key."""
    return contributors(orgs, ["group"], unit=None)


def per_item(org_stats: pd.DataFrame, name: str, items) -> pd.DataFrame:
    """The group contributors repeated for each item (income source, flag): the same organisations, the same key."""
    return org_stats.merge(pd.DataFrame({name: list(items)}), how="cross")


def funding_stats(orgs: pd.DataFrame, org_stats: pd.DataFrame) -> pd.DataFrame:
    """The group contributors per income source, with each organisation's share of income from that source as
    its contribution to the source's mean (so one organisation's share cannot be read off a mean it dominates)."""
    long = orgs.melt(id_vars=["org_id", "group"], value_vars=list(FUNDING_COLUMNS), var_name="source", value_name="pct")
    values = contributors(long, ["group", "source"], unit=None, value="pct")[["group", "source", *VALUE_COLUMNS]]
    return per_item(org_stats, "source", FUNDING_COLUMNS).merge(values.astype({"group": str}), on=["group", "source"], how="left")


def funding_figure(mix: pd.DataFrame, source_stats: pd.DataFrame | None = None) -> Figure:
    """Stacked bars of the funding mix, micro beside larger."""
    data = mix.assign(
        provider=pd.Categorical(mix["group"].astype(str).map(GROUP_LABELS), list(GROUP_LABELS.values())[::-1]),
        source_label=pd.Categorical(mix["source"].map(FUNDING_LABELS), list(FUNDING_LABELS.values())[::-1]),
    )
    plot = (
        ggplot(data, aes("provider", "share", fill="source_label"))
        + geom_col(position=position_stack(), width=0.6, colour="#333333", size=0.3)
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
    # The figure compares the two provider groups only (never size bands or single organisations), so each
    # bar stands on every organisation of its group and passes the three-organisation rule on the bundled data.
    figure_cells = None if source_stats is None else place(source_stats, "mean", mix[["group", "source"]], "share", unit=ORGS)
    return Figure(plot, mix, alt, height=2.6, cells=figure_cells, labels=2)


def funding_table(mix: pd.DataFrame, source_stats: pd.DataFrame) -> Table:
    """A reader's table of the funding mix: one row per source, one column per provider group."""
    display = mix.assign(Source=mix["source"].map(FUNDING_LABELS), text=mix["share"].map(pct), Provider=mix["group"].astype(str).map(GROUP_LABELS))
    display = display.pivot(index="Source", columns="Provider", values="text").reindex(list(FUNDING_LABELS.values())).reset_index()
    display = display[["Source", *[GROUP_LABELS[g] for g in vocab.PROVIDER_GROUPS]]]
    display.columns.name = None
    rows = pd.DataFrame({"source": list(FUNDING_COLUMNS)})
    return Table(display, place(source_stats, "mean", rows, ("group", GROUP_LABELS), unit=ORGS))


def regulation_table(orgs: pd.DataFrame, org_stats: pd.DataFrame, seed: int, reps: int, level: float) -> tuple[Table, dict]:
    """Share of organisations registered with the CQC and holding a quality mark, per group."""
    rows, comparisons = [], {}
    for flag, label in FLAGS.items():
        c = stats.proportion_difference(orgs[flag], orgs["org_id"], orgs["group"].astype(str), reps=reps, seed=seed, level=level)
        comparisons[flag] = c
        rows.append({"Measure": label, GROUP_LABELS["micro"]: pct(c["share_first"]), GROUP_LABELS["larger"]: pct(c["share_second"]),
                     DIFFERENCE: share_difference(c["estimate"], c["low"], c["high"], level)})
    flags = pd.DataFrame({"flag": list(FLAGS)})
    described = cells(place(per_item(org_stats, "flag", FLAGS), "share", flags, ("group", GROUP_LABELS), unit=ORGS),
                      *(cells_at(org_stats, i, DIFFERENCE, "difference", unit=ORGS) for i in range(len(FLAGS))))
    return Table(pd.DataFrame(rows), described), comparisons


def theme_segments(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Segments coded with a sustainability theme, with the theme's label, organisation and provider group."""
    return coded_segments(frames, "sustainability", code_columns=("sub_theme", "label"))


def side(sub_theme: str) -> str:
    """Whether a sustainability sub-theme is about what helps or what threatens (a sub-theme not listed: other)."""
    return THEME_SIDES.get(sub_theme, "other")


def themes_table(frames: dict[str, pd.DataFrame]) -> Table:
    """Sustainability themes grouped into what helps providers keep going and what puts them at risk, all
    providers together: the people whose interviews were coded with a group's themes, and their organisations.

    Per theme, or per provider size, every count rests on fewer than ten people at the study's size and would
    be suppressed; grouped and over all providers they can be published. One person can talk about both,
    so the two groups' counts do not add up (the group is marked as not splitting people).
    """
    codebook = frames["codebook"].query("theme == 'sustainability'")
    side_of = codebook["sub_theme"].map(side)
    sides = ["helps", "threatens"] + (["other"] if side_of.eq("other").any() else [])
    seg = theme_segments(frames)
    counts, described = coded_people(seg.assign(side=seg["sub_theme"].map(side)), "side", sides)
    display = pd.DataFrame({
        "Themes": [SIDE_LABELS[side] for side in sides],
        "Coded as": ["; ".join(sorted(codebook.loc[side_of == side, "label"])) for side in sides],
    }).join(counts)
    return Table(display, described, labels=2)


def values_cells(org_stats: pd.DataFrame, source_stats: pd.DataFrame) -> pd.DataFrame:
    """Who stands behind each value: both groups' organisations behind a comparison, one group's behind its own value;
    the self-funded means and their difference also by each organisation's self-funded share."""
    micro, larger = (org_stats[org_stats["group"] == g] for g in vocab.PROVIDER_GROUPS)
    self_funded = source_stats[source_stats["source"] == "funding_self_pct"].drop(columns="source")
    self_micro, self_larger = (self_funded[self_funded["group"] == g] for g in vocab.PROVIDER_GROUPS)
    text = {"self_micro": (self_micro, "mean"), "self_larger": (self_larger, "mean"), "self_difference": (self_funded, "difference"),
            "cqc_micro": (micro, "share"), "cqc_larger": (larger, "share"), "mark_micro": (micro, "share"), "mark_larger": (larger, "share")}
    return cells(
        value_cells(self_funded, "self_funded", "difference", unit=ORGS),
        *(value_cells(org_stats, f"regulation.{flag}", "difference", unit=ORGS) for flag in FLAGS),
        *(value_cells(who, f"text.{name}", statistic, unit=ORGS) for name, (who, statistic) in text.items()),
    )


def analyse(frames: dict[str, pd.DataFrame], seed: int = 2015, reps: int = 2000, level: float = 0.95) -> ChapterResult:
    """Describe how providers of each size are funded and regulated, and what sustains them."""
    orgs = frames["organisations"].assign(group=lambda d: provider_group(d["size_band"]))
    org_stats = organisation_stats(orgs)
    source_stats = funding_stats(orgs, org_stats)
    mix = funding_mix(orgs)
    self_funded = stats.mean_difference(orgs["funding_self_pct"] / 100, orgs["org_id"], orgs["group"].astype(str), reps=reps, seed=seed, level=level)
    regulation, flags = regulation_table(orgs, org_stats, seed, reps, level)
    values = {
        "self_funded": self_funded, "regulation": flags,
        "text": {
            "self_micro": pct(self_funded["mean_first"]), "self_larger": pct(self_funded["mean_second"]),
            "self_difference": share_difference(self_funded["estimate"], self_funded["low"], self_funded["high"], level),
            "cqc_micro": pct(flags["cqc_registered"]["share_first"]), "cqc_larger": pct(flags["cqc_registered"]["share_second"]),
            "mark_micro": pct(flags["quality_mark"]["share_first"]), "mark_larger": pct(flags["quality_mark"]["share_second"]),
        },
    }
    return ChapterResult(
        tables={"funding-mix": funding_table(mix, source_stats), "regulation": regulation, "sustainability-themes": themes_table(frames)},
        figures={"sustainability-funding": funding_figure(mix, source_stats)},
        values=values,
        value_cells=values_cells(org_stats, source_stats),
    )
