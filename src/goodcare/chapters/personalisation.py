"""Chapter 7 (Personalisation): continuity, knowing the manager, flexibility, coded themes, by provider size."""

import pandas as pd
from plotnine import aes, coord_flip, geom_col, geom_errorbar, ggplot, guide_legend, guides, labs, position_dodge, scale_fill_manual, scale_y_continuous

from goodcare import stats, vocab
from goodcare.fmt import interval, number, pct, share_difference
from goodcare.groups import coded_segments, with_organisation
from goodcare.outputs import ChapterResult, Figure, Table, cells, contributors, place, value_cells
from goodcare.theme import PROVIDER_COLOURS, theme_goodcare

GROUP_LABELS = vocab.PROVIDER_GROUP_LABELS
YES_NO_ITEMS = {
    "same_worker_usually": "Usually the same worker",
    "knows_manager": "Knows the manager",
    "can_change_what": "Can change what support is given",
    "can_change_when": "Can change when support is given",
}
WORKERS = "n_regular_workers"
WORKERS_LABEL = "Number of regular workers (mean)"
# Coded sub-themes are reported in two merged themes. On the bundled data no sub-theme reaches ten people
# using larger providers (between four and nine each), so every larger-provider cell, and by secondary
# suppression its micro partner, would be suppressed; merged, each theme has enough people in both groups.
# Continuity and access to the manager are about knowing the people who support you; autonomy, choice and
# flexibility are about having a say. A sub-theme not listed here is reported on its own.
THEMES = {
    "continuity": "relationships", "access_to_manager": "relationships",
    "autonomy": "choice_and_control", "choice": "choice_and_control", "flexibility": "choice_and_control",
}
THEME_LABELS = {
    "relationships": "Relationships (continuity, access to the manager)",
    "choice_and_control": "Choice and control (autonomy, choice, flexibility)",
}


def answers(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Experience rows with the person's organisation and provider group."""
    people = with_organisation(frames["participants"], frames["organisations"])
    return frames["experience"].merge(people[["participant_id", "org_id", "group"]], on="participant_id", how="left")


def item_comparisons(rows: pd.DataFrame, seed: int, reps: int, level: float) -> dict:
    """Each item compared, micro minus larger: shares for yes/no items, the mean for regular workers."""
    groups = rows["group"].astype(str)
    out = {item: stats.proportion_difference(rows[item], rows["org_id"], groups, reps=reps, seed=seed, level=level) for item in YES_NO_ITEMS}
    out[WORKERS] = stats.mean_difference(rows[WORKERS].astype("Float64"), rows["org_id"], groups, reps=reps, seed=seed, level=level)
    return out


def workers(mean: float | None) -> str:
    """A mean number of regular workers, one decimal, the same in the table and the prose."""
    return number(mean, 1)


def difference(item: str, c: dict, level: float) -> str:
    """An item's difference, micro minus larger: percentage points for a yes/no share, workers for the count."""
    if item in YES_NO_ITEMS:
        return share_difference(c["estimate"], c["low"], c["high"], level)
    return interval(c["estimate"], c["low"], c["high"], level, workers)


def item_contributors(rows: pd.DataFrame) -> pd.DataFrame:
    """Per item and provider group, the people who answered it (the contributors of every number about it)."""
    answered = pd.concat([rows.dropna(subset=[item]).assign(item=item) for item in [*YES_NO_ITEMS, WORKERS]], ignore_index=True)
    # The same person answers every item, so items do not split people and their cells never add up.
    return contributors(answered, ["item", "group"], repeated=("item",))


def items_table(comparisons: dict, who: pd.DataFrame, level: float) -> Table:
    """A reader's table of every item, and the contributors behind each cell."""
    display = []
    for item, c in comparisons.items():
        is_share = item in YES_NO_ITEMS
        first, second = (pct(c["share_first"]), pct(c["share_second"])) if is_share else (workers(c["mean_first"]), workers(c["mean_second"]))
        display.append({"Measure": YES_NO_ITEMS.get(item, WORKERS_LABEL), GROUP_LABELS["micro"]: first, GROUP_LABELS["larger"]: second,
                        "Difference (micro minus larger)": difference(item, c, level)})
    parts = []
    for row, item in enumerate(comparisons):
        mine = who[who["item"] == item]
        statistic = "share" if item in YES_NO_ITEMS else "mean"
        parts.append(place(mine, statistic, pd.DataFrame({"item": [item]}), ("group", GROUP_LABELS)).assign(row=row))
        # The difference is made of both groups' answers, so it is described by both groups' cells.
        parts.append(place(mine, "difference", pd.DataFrame({"item": [item]}), "Difference (micro minus larger)").assign(row=row))
    return Table(pd.DataFrame(display), cells(*parts))


def items_figure(comparisons: dict, level: float, who: pd.DataFrame | None = None) -> Figure:
    """Share answering yes to each item, micro beside larger, with each group's interval."""
    records = []
    for item in YES_NO_ITEMS:
        c = comparisons[item]
        for group, side in (("micro", "first"), ("larger", "second")):
            records.append({"item": item, "group": group, "share": c[f"share_{side}"], "low": c.get(f"group_low_{side}"), "high": c.get(f"group_high_{side}")})
    data = pd.DataFrame(records)
    plot_data = data.assign(
        label=pd.Categorical(data["item"].map(YES_NO_ITEMS), list(YES_NO_ITEMS.values())[::-1]),
        provider=pd.Categorical(data["group"].map(GROUP_LABELS), list(GROUP_LABELS.values())[::-1]),
    )
    dodge = position_dodge(width=0.8)
    plot = (
        ggplot(plot_data, aes("label", "share", fill="provider"))
        + geom_col(position=dodge, width=0.75)
        + geom_errorbar(aes(ymin="low", ymax="high"), position=dodge, width=0.3, color="#333333")
        + coord_flip()
        + scale_fill_manual(values=PROVIDER_COLOURS)
        + scale_y_continuous(labels=lambda xs: [pct(x) for x in xs], limits=(0, 1))
        + guides(fill=guide_legend(reverse=True))
        + labs(x="", y=f"Share answering yes ({level * 100:.0f}% interval)")
        + theme_goodcare()
    )
    parts = [f"{label.lower()}: {pct(comparisons[item]['share_first'])} with micro-enterprises, {pct(comparisons[item]['share_second'])} with larger providers"
             for item, label in YES_NO_ITEMS.items()]
    alt = "Bar chart of four personalisation items, share of people answering yes by provider size. " + "; ".join(parts) + "."
    rows = data[["item", "group"]]
    # A group's interval bounds are shares of the same people as the share itself.
    figure_cells = None if who is None else cells(*(place(who, "share", rows, column) for column in ("share", "low", "high")))
    return Figure(plot, data, alt, height=3.2, cells=figure_cells, labels=2)


def theme_segments(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Personalisation segments with their merged theme, the speaker's organisation and provider group."""
    seg = coded_segments(frames, "personalisation")
    return seg.assign(theme=seg["sub_theme"].map(lambda t: THEMES.get(t, t)))


def theme_label(theme: str) -> str:
    """A merged theme's label, or an unlisted sub-theme's name in words."""
    return THEME_LABELS.get(theme, theme.replace("_", " ").capitalize())


def theme_table(seg: pd.DataFrame) -> Table:
    """Coded personalisation segments by merged theme: number and share of each group's segments."""
    order = [t for t in THEME_LABELS if t in set(seg["theme"])] + sorted(set(seg["theme"]) - set(THEME_LABELS))
    counts = seg.groupby(["theme", "group"], observed=False).size().unstack(fill_value=0).reindex(index=order, columns=list(vocab.PROVIDER_GROUPS), fill_value=0)
    shares = counts / counts.sum().where(counts.sum() > 0)
    display = pd.DataFrame({"Theme": [theme_label(t) for t in counts.index]})
    for group in vocab.PROVIDER_GROUPS:
        display[GROUP_LABELS[group]] = [f"{n} ({pct(s) if s == s else '–'})" for n, s in zip(counts[group], shares[group])]
    # Segments are people's accounts of their own support, so a count of them is a statistic of the people
    # whose segments they are (unit people). A segment has one code, so themes split segments: not repeated.
    who = contributors(seg, ["theme", "group"])
    rows, columns = pd.DataFrame({"theme": list(counts.index)}), ("group", GROUP_LABELS)
    return Table(display, cells(place(who, "count", rows, columns), place(who, "share", rows, columns)))


def values_cells(who: pd.DataFrame, everyone: pd.DataFrame) -> pd.DataFrame:
    """Cells of the chapter's values: each comparison by both groups, each group's figure by its own cells."""
    groups = {g: who[who["group"] == g] for g in vocab.PROVIDER_GROUPS}
    workers = who[who["item"] == WORKERS]
    return cells(
        value_cells(who, "comparisons.{item}", "difference"),
        value_cells(who, "text.{item}", "difference"),
        *(value_cells(groups[g][groups[g]["item"] != WORKERS], f"text.{{item}}_{g}", "share") for g in vocab.PROVIDER_GROUPS),
        *(value_cells(workers[workers["group"] == g], f"text.workers_{g}", "mean") for g in vocab.PROVIDER_GROUPS),
        value_cells(everyone, "n_people", "count"),
    )


def analyse(frames: dict[str, pd.DataFrame], seed: int = 2015, reps: int = 2000, level: float = 0.95) -> ChapterResult:
    """Compare how personalised support is in micro-enterprises and larger providers."""
    rows = answers(frames)
    comparisons = item_comparisons(rows, seed, reps, level)
    text = {item: difference(item, c, level) for item, c in comparisons.items()}
    text.update({f"{item}_micro": pct(comparisons[item]["share_first"]) for item in YES_NO_ITEMS})
    text.update({f"{item}_larger": pct(comparisons[item]["share_second"]) for item in YES_NO_ITEMS})
    text["workers_micro"] = workers(comparisons[WORKERS]["mean_first"])
    text["workers_larger"] = workers(comparisons[WORKERS]["mean_second"])
    who = item_contributors(rows)
    return ChapterResult(
        tables={"personalisation-items": items_table(comparisons, who, level), "personalisation-themes": theme_table(theme_segments(frames))},
        figures={"personalisation-items": items_figure(comparisons, level, who)},
        values={"comparisons": comparisons, "text": text, "n_people": int(rows["participant_id"].nunique())},
        value_cells=values_cells(who, contributors(rows, [])),
    )
