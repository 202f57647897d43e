"""Chapter 5 (What it means to be micro): organisations by size band, governance, service type; staffing."""

import pandas as pd
from plotnine import aes, coord_flip, facet_wrap, geom_col, ggplot, labs, scale_fill_manual, scale_y_continuous

from goodcare import vocab
from goodcare.fmt import number, pct
from goodcare.groups import ordered_bands, provider_group
from goodcare.outputs import ChapterResult, Figure
from goodcare.theme import PROVIDER_COLOURS, theme_goodcare

GROUP_LABELS = vocab.PROVIDER_GROUP_LABELS


def by_band(orgs: pd.DataFrame) -> pd.DataFrame:
    """Organisations per size band with their median staff (FTE); no minimum or maximum is shown."""
    bands = orgs.assign(band=ordered_bands(orgs["size_band"]))
    table = bands.groupby("band", observed=False).agg(organisations=("org_id", "size"), median_fte=("fte_staff", "median"))
    return table.reset_index()


def shares_by_group(orgs: pd.DataFrame, column: str, order: tuple) -> pd.DataFrame:
    """Count and share of organisations in each category of `column`, within each provider group."""
    counts = pd.crosstab(pd.Categorical(orgs[column], order), orgs["group"], dropna=False)
    counts = counts.reindex(columns=list(vocab.PROVIDER_GROUPS), fill_value=0)
    long = counts.reset_index(names=column).melt(id_vars=column, var_name="group", value_name="organisations")
    totals = long.groupby("group")["organisations"].transform("sum")
    long["share"] = (long["organisations"] / totals.where(totals > 0)).round(4)
    return long


def wide_counts(long: pd.DataFrame, column: str, labels: dict) -> pd.DataFrame:
    """A reader's table: one row per category, 'n (share)' for micro and larger providers."""
    cell = long.assign(text=[f"{n} ({pct(s) if s == s else '–'})" for n, s in zip(long["organisations"], long["share"])])
    wide = cell.pivot(index=column, columns="group", values="text").reindex(index=list(labels), columns=list(vocab.PROVIDER_GROUPS))
    wide.index = [labels[k] for k in wide.index]
    return wide.reset_index(names=column.replace("_", " ").capitalize()).rename(columns=GROUP_LABELS)


def governance_figure(long: pd.DataFrame) -> Figure:
    """Bars of the share of organisations in each governance form, micro beside larger providers."""
    data = long.assign(
        label=pd.Categorical(long["governance"].map(vocab.GOVERNANCE_LABELS), list(vocab.GOVERNANCE_LABELS.values())[::-1]),
        provider=pd.Categorical(long["group"].map(GROUP_LABELS), list(GROUP_LABELS.values())),
    )
    plot = (
        ggplot(data, aes("label", "share", fill="provider"))
        + geom_col(width=0.7, show_legend=False)
        + facet_wrap("provider")
        + coord_flip()
        + scale_fill_manual(values=PROVIDER_COLOURS)
        + scale_y_continuous(labels=lambda xs: [pct(x) for x in xs])
        + labs(x="", y="Share of organisations in the group")
        + theme_goodcare()
    )
    top = {g: long[long["group"] == g].sort_values(["share", "governance"], ascending=[False, True]).iloc[0] for g in vocab.PROVIDER_GROUPS}
    alt = (
        "Two bar charts of the share of organisations in each governance form. "
        + " ".join(
            f"Among {GROUP_LABELS[g].lower()}s the most common form is {vocab.GOVERNANCE_LABELS[t['governance']].lower()} ({pct(t['share'])})."
            for g, t in top.items()
        )
    )
    return Figure(plot, long[["governance", "group", "organisations", "share"]], alt, height=3.2)


def analyse(frames: dict[str, pd.DataFrame], seed: int = 0, reps: int = 0, level: float = 0.95) -> ChapterResult:
    """Profile the organisations: size bands, staffing, governance and services, micro vs larger."""
    orgs = frames["organisations"].assign(group=lambda d: provider_group(d["size_band"]))
    bands = by_band(orgs)
    governance = shares_by_group(orgs, "governance", vocab.GOVERNANCE)
    services = shares_by_group(orgs, "service_type", vocab.SERVICE_TYPES)
    band_table = pd.DataFrame({
        "Size band": bands["band"].map(vocab.SIZE_BAND_LABELS),
        "Organisations": bands["organisations"],
        "Median staff (FTE)": [number(x, 1) if x == x else "–" for x in bands["median_fte"]],
    })
    median_fte = orgs.groupby("group", observed=False)["fte_staff"].median()
    micro_gov = governance[governance["group"] == "micro"].set_index("governance")["share"]
    values = {
        "n_by_band": dict(zip(bands["band"].astype(str), bands["organisations"].astype(int))),
        "median_fte_micro": number(median_fte.get("micro"), 1),
        "median_fte_larger": number(median_fte.get("larger"), 1),
        "micro_max_fte": number(vocab.MICRO_MAX_FTE, 0),
        "pct_micro_sole_or_partnership": pct(micro_gov.get("sole_trader", 0) + micro_gov.get("partnership", 0)),
        "n_governance_forms_micro": int((micro_gov > 0).sum()),
        "service_share": {f"{r.group}_{r.service_type}": pct(r.share) for r in services.itertuples()},
    }
    return ChapterResult(
        tables={
            "organisations-by-band": band_table,
            "governance": wide_counts(governance, "governance", vocab.GOVERNANCE_LABELS),
            "service-type": wide_counts(services, "service_type", vocab.SERVICE_TYPE_LABELS),
        },
        figures={"micro-governance": governance_figure(governance)},
        values=values,
    )
