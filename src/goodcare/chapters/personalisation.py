"""Chapter 7 (Personalisation): continuity, knowing the manager, flexibility, coded themes, by provider size."""

import pandas as pd
from plotnine import aes, coord_flip, geom_col, geom_errorbar, ggplot, guide_legend, guides, labs, position_dodge, scale_fill_manual, scale_y_continuous

from goodcare import stats, vocab
from goodcare.fmt import interval, number, pct
from goodcare.groups import with_organisation
from goodcare.outputs import ChapterResult, Figure, Table, contributors
from goodcare.theme import PROVIDER_COLOURS, theme_goodcare

GROUP_LABELS = vocab.PROVIDER_GROUP_LABELS
YES_NO_ITEMS = {
    "same_worker_usually": "Usually the same worker",
    "knows_manager": "Knows the manager",
    "can_change_what": "Can change what support is given",
    "can_change_when": "Can change when support is given",
}


def answers(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Experience rows with the person's organisation and provider group."""
    people = with_organisation(frames["participants"], frames["organisations"])
    return frames["experience"].merge(people[["participant_id", "org_id", "group"]], on="participant_id", how="left")


def item_comparisons(rows: pd.DataFrame, seed: int, reps: int, level: float) -> dict:
    """Each item compared, micro minus larger: shares for yes/no items, the mean for regular workers."""
    groups = rows["group"].astype(str)
    out = {item: stats.proportion_difference(rows[item], rows["org_id"], groups, reps=reps, seed=seed, level=level) for item in YES_NO_ITEMS}
    out["n_regular_workers"] = stats.mean_difference(rows["n_regular_workers"].astype("Float64"), rows["org_id"], groups, reps=reps, seed=seed, level=level)
    return out


def items_table(comparisons: dict, rows: pd.DataFrame, level: float) -> Table:
    """A reader's table of every item, and the contributors behind each cell."""
    display, cells = [], []
    for item, c in comparisons.items():
        is_share = item in YES_NO_ITEMS
        label = YES_NO_ITEMS.get(item, "Number of regular workers (mean)")
        unit = pct if is_share else number
        first, second = (c["share_first"], c["share_second"]) if is_share else (c["mean_first"], c["mean_second"])
        display.append({"Measure": label, GROUP_LABELS["micro"]: unit(first), GROUP_LABELS["larger"]: unit(second),
                        "Difference (micro minus larger)": interval(c["estimate"], c["low"], c["high"], level, unit)})
        answered = rows.dropna(subset=[item])
        for group, column in (("micro", GROUP_LABELS["micro"]), ("larger", GROUP_LABELS["larger"])):
            who = contributors(answered[answered["group"] == group].assign(cell=label), ["cell"])
            cells += [{"row": label, "column": column, "statistic": "share" if is_share else "mean", **r} for r in who.drop(columns="cell").to_dict("records")]
    return Table(pd.DataFrame(display), pd.DataFrame(cells))


def items_figure(comparisons: dict, level: float) -> Figure:
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
    return Figure(plot, data, alt, height=3.2)


def theme_table(frames: dict[str, pd.DataFrame]) -> Table:
    """Coded personalisation segments by sub-theme: share of each group's segments, and people coded."""
    codes = frames["codebook"].query("theme == 'personalisation'")[["code_id", "sub_theme"]]
    people = with_organisation(frames["participants"], frames["organisations"])
    seg = frames["codings"].merge(codes, on="code_id").merge(people[["participant_id", "org_id", "group"]], on="participant_id")
    counts = seg.groupby(["sub_theme", "group"], observed=False).size().unstack(fill_value=0).reindex(columns=list(vocab.PROVIDER_GROUPS), fill_value=0)
    shares = counts / counts.sum().where(counts.sum() > 0)
    display = pd.DataFrame({"Sub-theme": [s.replace("_", " ").capitalize() for s in counts.index]})
    for group in vocab.PROVIDER_GROUPS:
        display[GROUP_LABELS[group]] = [f"{n} ({pct(s) if s == s else '–'})" for n, s in zip(counts[group], shares[group])]
    who = contributors(seg, ["sub_theme", "group"])
    who["row"] = who["sub_theme"].str.replace("_", " ").str.capitalize()
    who["column"] = who["group"].astype(str).map(GROUP_LABELS)
    cells = who.drop(columns=["sub_theme", "group"]).assign(statistic="count")
    return Table(display, cells[["row", "column", "statistic", "people", "organisations", "top1", "top2"]])


def analyse(frames: dict[str, pd.DataFrame], seed: int = 2015, reps: int = 2000, level: float = 0.95) -> ChapterResult:
    """Compare how personalised support is in micro-enterprises and larger providers."""
    rows = answers(frames)
    comparisons = item_comparisons(rows, seed, reps, level)
    text = {item: interval(c["estimate"], c["low"], c["high"], level, pct if item in YES_NO_ITEMS else number) for item, c in comparisons.items()}
    text.update({f"{item}_micro": pct(comparisons[item]["share_first"]) for item in YES_NO_ITEMS})
    text.update({f"{item}_larger": pct(comparisons[item]["share_second"]) for item in YES_NO_ITEMS})
    text["workers_micro"] = number(comparisons["n_regular_workers"]["mean_first"], 1)
    text["workers_larger"] = number(comparisons["n_regular_workers"]["mean_second"], 1)
    return ChapterResult(
        tables={"personalisation-items": items_table(comparisons, rows, level), "personalisation-themes": theme_table(frames)},
        figures={"personalisation-items": items_figure(comparisons, level)},
        values={"comparisons": comparisons, "text": text, "n_people": int(rows["participant_id"].nunique())},
    )
