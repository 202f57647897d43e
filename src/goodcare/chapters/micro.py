"""Chapter 5 (What it means to be micro): organisations by size band, governance, service type; staffing."""

import textwrap

import pandas as pd
from plotnine import aes, coord_flip, facet_wrap, geom_col, ggplot, labs, scale_fill_manual, scale_y_continuous, theme

from goodcare import vocab
from goodcare.fmt import number, pct
from goodcare.disclosure.settings import Settings
from goodcare.groups import provider_group
from goodcare.merge import family_id, family_label, merge_rare
from goodcare.outputs import ChapterResult, Figure, Table, about_no_one, cells, contributors, place, value_cells
from goodcare.theme import PROVIDER_COLOURS, theme_goodcare

GROUP_LABELS = vocab.PROVIDER_GROUP_LABELS


def by_band(orgs: pd.DataFrame, labels: dict) -> pd.DataFrame:
    """Organisations per (merged) size band with their median staff (FTE); no minimum or maximum is shown."""
    bands = orgs.assign(band=pd.Categorical(orgs["band"], list(labels)))
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


def category_cells(orgs: pd.DataFrame, column: str, order: tuple, long: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cells of an 'n (share)' table of organisations by `column` and provider group (or of its long figure data)."""
    stats = contributors(orgs, [column, "group"], unit=None)
    if long is not None:
        rows = long[[column, "group"]]
        return cells(place(stats, "count", rows, "organisations", unit="organisations"), place(stats, "share", rows, "share", unit="organisations"))
    rows, columns = pd.DataFrame({column: list(order)}), ("group", GROUP_LABELS)
    return cells(place(stats, "count", rows, columns, unit="organisations"), place(stats, "share", rows, columns, unit="organisations"))


def micro_values_cells(orgs: pd.DataFrame, service_orgs: pd.DataFrame) -> pd.DataFrame:
    """Who stands behind each in-text value of the chapter (organisations are the units throughout)."""
    micro = orgs[orgs["group"] == "micro"]
    # A share of two categories together is described by each category's cell, so it falls with either.
    sole = micro[micro["governance"].isin(["sole_trader", "partnership"])]
    return cells(
        value_cells(contributors(orgs, ["band"], unit=None), "n_by_band.{band}", "count", unit="organisations"),
        value_cells(contributors(orgs, ["group"], unit=None, value="fte_staff"), "median_fte_{group}", "median", unit="organisations"),
        value_cells(contributors(orgs, ["group"], unit=None), "n_{group}", "count", unit="organisations"),
        value_cells(contributors(sole, ["governance", "group"], unit=None), "pct_micro_sole_or_partnership", "share", unit="organisations"),
        value_cells(contributors(micro, ["group"], unit=None), "n_governance_forms_micro", "count", unit="organisations"),
        value_cells(contributors(service_orgs, ["group", "service_type"], unit=None), "service_share.{group}_{service_type}", "share", unit="organisations"),
        about_no_one("micro_max_fte", "bands_merged"),  # the definition of a micro-enterprise; the labels of merged bands
    )


def merged_categories(orgs: pd.DataFrame, column: str, order: tuple, labels: dict, within: str | None = "group") -> tuple[pd.DataFrame, dict]:
    """Organisations with the family of categories the book shows for `column`, and each family's label: rare
    categories are merged with their neighbours (merge.merge_rare) until no group of `within` (the provider
    groups; None: all organisations together) has fewer than the disclosure threshold of organisations in
    any family, so tables and figures publish whole."""
    groups = orgs[within] if within else pd.Series("all", index=orgs.index)
    counts = pd.crosstab(pd.Categorical(orgs[column], order), groups, dropna=False)
    if within == "group":
        counts = counts.reindex(columns=list(vocab.PROVIDER_GROUPS), fill_value=0)
    families = merge_rare(counts, Settings().min_organisations)
    family_of = {c: family_id(f) for f in families for c in f}
    return orgs.assign(**{column: orgs[column].map(family_of)}), {family_id(f): family_label(f, labels) for f in families}


def governance_figure(long: pd.DataFrame, labels: dict, figure_cells: pd.DataFrame | None = None) -> Figure:
    """Bars of the share of organisations in each governance family, micro beside larger providers."""
    wrapped = {k: textwrap.fill(v, 34) for k, v in labels.items()}
    data = long.assign(
        label=pd.Categorical(long["governance"].map(wrapped), list(wrapped.values())[::-1]),
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
        + theme(panel_spacing_x=0.06)  # keeps the "100%" of one panel clear of the "0%" of the next
    )
    top = {g: long[long["group"] == g].sort_values(["share", "governance"], ascending=[False, True]).iloc[0] for g in vocab.PROVIDER_GROUPS}
    alt = (
        f"Two bar charts of the share of organisations in each governance form ({len(labels)} after rare forms were merged). "
        + " ".join(
            f"Among {GROUP_LABELS[g].lower()}s the most common form is {labels[t['governance']].lower()} ({pct(t['share'])})."
            for g, t in top.items()
        )
    )
    return Figure(plot, long[["governance", "group", "organisations", "share"]], alt, height=3.2, cells=figure_cells, labels=2)


def analyse(frames: dict[str, pd.DataFrame], seed: int = 0, reps: int = 0, level: float = 0.95) -> ChapterResult:
    """Profile the organisations: size bands, staffing, governance and services, micro vs larger."""
    orgs = frames["organisations"].assign(group=lambda d: provider_group(d["size_band"]))
    # A band with too few organisations is shown with its smaller neighbour (e.g. two small providers join the medium ones).
    merged, band_labels = merged_categories(orgs, "size_band", vocab.SIZE_BANDS, vocab.SIZE_BAND_LABELS, within=None)
    band_orgs = orgs.assign(band=merged["size_band"])  # the shown band beside the organisation's own size band
    bands = by_band(band_orgs, band_labels)
    governance = shares_by_group(orgs, "governance", vocab.GOVERNANCE)
    family_orgs, family_labels = merged_categories(orgs, "governance", vocab.GOVERNANCE, vocab.GOVERNANCE_LABELS)
    family_shares = shares_by_group(family_orgs, "governance", tuple(family_labels))
    service_orgs, service_labels = merged_categories(orgs, "service_type", vocab.SERVICE_TYPES, vocab.SERVICE_TYPE_LABELS)
    service_shares = shares_by_group(service_orgs, "service_type", tuple(service_labels))
    band_stats = contributors(band_orgs, ["band"], unit=None, value="fte_staff")  # each organisation's FTE behind the medians
    band_rows = pd.DataFrame({"band": list(band_labels)})
    band_cells = cells(place(band_stats, "count", band_rows, "Organisations", unit="organisations"),
                       place(band_stats, "median", band_rows, "Median staff (FTE)", unit="organisations"))
    band_table = pd.DataFrame({
        "Size band": bands["band"].astype(str).map(band_labels),
        "Organisations": bands["organisations"],
        "Median staff (FTE)": [number(x, 1) if x == x else "–" for x in bands["median_fte"]],
    })
    median_fte = orgs.groupby("group", observed=False)["fte_staff"].median()
    micro_gov = governance[governance["group"] == "micro"].set_index("governance")["share"]
    values = {
        "n_micro": int((orgs["group"] == "micro").sum()),
        "n_larger": int((orgs["group"] == "larger").sum()),
        "n_by_band": dict(zip(bands["band"].astype(str), bands["organisations"].astype(int))),
        "bands_merged": [band_labels[b] for b in band_labels if "+" in b],
        "median_fte_micro": number(median_fte.get("micro"), 1),
        "median_fte_larger": number(median_fte.get("larger"), 1),
        "micro_max_fte": number(vocab.MICRO_MAX_FTE, 0),
        "pct_micro_sole_or_partnership": pct(micro_gov.get("sole_trader", 0) + micro_gov.get("partnership", 0)),
        "n_governance_forms_micro": int((micro_gov > 0).sum()),
        "service_share": {f"{r.group}_{r.service_type}": pct(r.share) for r in service_shares.itertuples()},
    }
    return ChapterResult(
        tables={
            "organisations-by-band": Table(band_table, band_cells),
            # Rare categories merged (as in the figure), so every count can be published.
            "governance": Table(wide_counts(family_shares, "governance", family_labels), category_cells(family_orgs, "governance", tuple(family_labels))),
            "service-type": Table(wide_counts(service_shares, "service_type", service_labels), category_cells(service_orgs, "service_type", tuple(service_labels))),
        },
        figures={"micro-governance": governance_figure(family_shares, family_labels, category_cells(family_orgs, "governance", tuple(family_labels), family_shares))},
        values=values,
        value_cells=micro_values_cells(band_orgs, service_orgs),
    )
