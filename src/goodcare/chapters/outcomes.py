"""Chapter 6 (Outcomes at a lower cost): ASCOT levels and gain, hourly rates, value for money."""

import pandas as pd
from plotnine import (
    aes, coord_flip, facet_wrap, geom_col, geom_pointrange, ggplot, labs, position_stack, scale_fill_manual,
    scale_y_continuous,
)

from goodcare import stats, vocab
from goodcare.fmt import interval, number, pct, pounds
from goodcare.groups import provider_group, with_organisation
from goodcare.outputs import ChapterResult, Figure
from goodcare.theme import LEVEL_COLOURS, PROVIDER_COLOURS, theme_goodcare

GROUP_LABELS = vocab.PROVIDER_GROUP_LABELS
SITUATIONS = {"current_level": "With the service", "expected_level": "Expected without it"}
GAIN_PER_POUNDS = 10  # value for money is reported per £10 of hourly price, a readable unit


def score(level: pd.Series) -> pd.Series:
    """The unweighted ASCOT item score (Adult Social Care Survey scheme): level 1 -> 3 ... level 4 -> 0."""
    return (4 - level).astype("Float64")


def scored_outcomes(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Outcome rows with the person's organisation, provider group, hourly rate, scores and gain."""
    people = with_organisation(frames["participants"], frames["organisations"], ("size_band", "hourly_rate_gbp"))
    rows = frames["outcomes"].merge(people[["participant_id", "org_id", "group", "hourly_rate_gbp"]], on="participant_id", how="left")
    rows["score_current"] = score(rows["current_level"])
    rows["score_expected"] = score(rows["expected_level"])
    # Gain = current minus expected (DESIGN.md section 3): what the service adds, in score points.
    rows["gain"] = rows["score_current"] - rows["score_expected"]
    return rows


def level_shares(rows: pd.DataFrame) -> pd.DataFrame:
    """Share of people at each level, per domain, provider group and situation (current / expected)."""
    parts = []
    for column, situation in SITUATIONS.items():
        part = rows.dropna(subset=[column]).groupby(["domain", "group", column], observed=False).size().rename("people").reset_index()
        part = part.rename(columns={column: "level"}).assign(situation=situation)
        parts.append(part)
    long = pd.concat(parts, ignore_index=True)
    long["share"] = (long["people"] / long.groupby(["domain", "group", "situation"], observed=False)["people"].transform("sum")).round(4)
    return long.sort_values(["domain", "group", "situation", "level"]).reset_index(drop=True)


def levels_figure(long: pd.DataFrame) -> Figure:
    """Stacked bars of ASCOT levels, with the service vs expected without it, micro vs larger, by domain."""
    data = long.assign(
        row=pd.Categorical(long["group"].astype(str).map(GROUP_LABELS) + ": " + long["situation"].str.lower(),
                           [f"{GROUP_LABELS[g]}: {s.lower()}" for g in vocab.PROVIDER_GROUPS for s in SITUATIONS.values()][::-1]),
        level_label=pd.Categorical(long["level"].map(vocab.ASCOT_LEVEL_LABELS), list(vocab.ASCOT_LEVEL_LABELS.values())[::-1]),
        domain_label=long["domain"].map(vocab.ASCOT_DOMAIN_LABELS),
    )
    plot = (
        ggplot(data, aes("row", "share", fill="level_label"))
        + geom_col(position=position_stack(), width=0.7)
        + facet_wrap("domain_label", ncol=1)
        + coord_flip()
        + scale_fill_manual(values=LEVEL_COLOURS, breaks=list(vocab.ASCOT_LEVEL_LABELS.values()))
        + scale_y_continuous(labels=lambda xs: [pct(x) for x in xs])
        + labs(x="", y="Share of people")
        + theme_goodcare()
    )
    good = long[long["level"] <= 2].groupby(["domain", "group", "situation"], observed=False)["share"].sum()
    sentences = [
        f"{vocab.ASCOT_DOMAIN_LABELS[d]}: with the service, {pct(good.get((d, 'micro', SITUATIONS['current_level'])))} of people using micro-enterprises "
        f"and {pct(good.get((d, 'larger', SITUATIONS['current_level'])))} using larger providers had no needs or were in the ideal state; "
        f"expected without the service, {pct(good.get((d, 'micro', SITUATIONS['expected_level'])))} and {pct(good.get((d, 'larger', SITUATIONS['expected_level'])))}."
        for d in vocab.ASCOT_DOMAINS
    ]
    alt = "Stacked bar charts of ASCOT outcome levels, one per domain, comparing micro-enterprises with larger providers. " + " ".join(sentences)
    return Figure(plot, long, alt, height=4.2)


def gain_comparisons(rows: pd.DataFrame, seed: int, reps: int, level: float) -> dict:
    """Per domain: difference in mean gain and Cliff's delta of current level, micro minus larger."""
    out = {}
    for domain in vocab.ASCOT_DOMAINS:
        d = rows[rows["domain"] == domain]
        gain = stats.mean_difference(d["gain"].astype(float), d["org_id"], d["group"].astype(str), reps=reps, seed=seed, level=level)
        current = stats.ordinal_superiority(d["current_level"].astype(float), d["org_id"], d["group"].astype(str), reps=reps, seed=seed, level=level)
        out[domain] = {"gain": gain, "current": current}
    return out


def gain_table(comparisons: dict, level: float) -> pd.DataFrame:
    """A reader's table of mean gain by provider group and the two effect sizes per domain."""
    rows = []
    for domain, c in comparisons.items():
        g, o = c["gain"], c["current"]
        rows.append({
            "Domain": vocab.ASCOT_DOMAIN_LABELS[domain],
            "Mean gain, micro": f"{number(g['mean_first'])} (n={g['n_first']}, {g['k_first']} orgs)",
            "Mean gain, larger": f"{number(g['mean_second'])} (n={g['n_second']}, {g['k_second']} orgs)",
            "Difference in gain": interval(g["estimate"], g["low"], g["high"], level),
            "Cliff's delta, current level": interval(o["estimate"], o["low"], o["high"], level),
        })
    return pd.DataFrame(rows)


def rate_comparison(orgs: pd.DataFrame, seed: int, reps: int, level: float) -> dict:
    """Difference in mean hourly rate, micro minus larger; organisations are the unit."""
    return stats.mean_difference(orgs["hourly_rate_gbp"], orgs["org_id"], orgs["group"].astype(str), reps=reps, seed=seed, level=level)


def rates_figure(rates: dict, level: float) -> Figure:
    """Mean hourly rate with its interval per provider group (no single organisation's rate is shown)."""
    data = pd.DataFrame({
        "group": list(vocab.PROVIDER_GROUPS),
        "mean_rate": [rates["mean_first"], rates["mean_second"]],
        "organisations": [rates["k_first"], rates["k_second"]],
        "low": [rates.get("group_low_first"), rates.get("group_low_second")],
        "high": [rates.get("group_high_first"), rates.get("group_high_second")],
    })
    data["provider"] = pd.Categorical(data["group"].map(GROUP_LABELS), list(GROUP_LABELS.values()))
    plot = (
        ggplot(data, aes("provider", "mean_rate", ymin="low", ymax="high", color="provider"))
        + geom_pointrange(size=0.8, show_legend=False)
        + scale_fill_manual(values=PROVIDER_COLOURS, aesthetics=["color"])
        + scale_y_continuous(labels=lambda xs: [pounds(x) for x in xs])
        + labs(x="", y=f"Mean hourly rate ({level * 100:.0f}% interval)")
        + theme_goodcare()
    )
    alt = (
        f"Point-and-interval chart of mean hourly rates: {pounds(rates['mean_first'])} for micro-enterprises and "
        f"{pounds(rates['mean_second'])} for larger providers, a difference of {interval(rates['estimate'], rates['low'], rates['high'], level, pounds)}."
    )
    return Figure(plot, data.drop(columns="provider"), alt, height=2.8)


def value_for_money(rows: pd.DataFrame, seed: int, reps: int, level: float) -> dict:
    """Outcome gain (both domains summed) per £10 of hourly rate, micro minus larger."""
    per_person = rows.dropna(subset=["gain"]).groupby("participant_id").agg(
        gain=("gain", "sum"), domains=("domain", "nunique"), org_id=("org_id", "first"), group=("group", "first"), rate=("hourly_rate_gbp", "first")
    )
    per_person = per_person[per_person["domains"] == len(vocab.ASCOT_DOMAINS)]  # only people with both gains
    result = stats.ratio_difference(per_person["gain"].astype(float) * GAIN_PER_POUNDS, per_person["rate"], per_person["org_id"], per_person["group"].astype(str), reps=reps, seed=seed, level=level)
    return result


def analyse(frames: dict[str, pd.DataFrame], seed: int = 2015, reps: int = 2000, level: float = 0.95) -> ChapterResult:
    """Compare outcomes, prices and outcome per pound between micro-enterprises and larger providers."""
    rows = scored_outcomes(frames)
    orgs = frames["organisations"].assign(group=lambda d: provider_group(d["size_band"]))
    shares = level_shares(rows)
    comparisons = gain_comparisons(rows, seed, reps, level)
    rates = rate_comparison(orgs, seed, reps, level)
    vfm = value_for_money(rows, seed, reps, level)
    levels_table = shares.assign(
        Domain=shares["domain"].map(vocab.ASCOT_DOMAIN_LABELS), Provider=shares["group"].map(GROUP_LABELS),
        Level=shares["level"].map(vocab.ASCOT_LEVEL_LABELS), text=shares["share"].map(pct),
    ).pivot_table(index=["Domain", "Provider", "Level"], columns="situation", values="text", aggfunc="first", observed=False).reset_index()
    rate_table = pd.DataFrame({
        "Provider": [GROUP_LABELS["micro"], GROUP_LABELS["larger"], "Difference (micro minus larger)"],
        "Organisations": [rates["k_first"], rates["k_second"], ""],
        "Mean hourly rate": [pounds(rates["mean_first"]), pounds(rates["mean_second"]), interval(rates["estimate"], rates["low"], rates["high"], level, pounds)],
    })
    values = {
        "gain": comparisons,
        "rates": rates,
        "value_for_money": vfm,
        "text": {
            "occupation_gain_difference": interval(comparisons["occupation"]["gain"]["estimate"], comparisons["occupation"]["gain"]["low"], comparisons["occupation"]["gain"]["high"], level),
            "control_gain_difference": interval(comparisons["control_over_daily_life"]["gain"]["estimate"], comparisons["control_over_daily_life"]["gain"]["low"], comparisons["control_over_daily_life"]["gain"]["high"], level),
            "rate_micro": pounds(rates["mean_first"]),
            "rate_larger": pounds(rates["mean_second"]),
            "rate_difference": interval(rates["estimate"], rates["low"], rates["high"], level, pounds),
            "vfm_micro": number(vfm["ratio_first"]) if vfm.get("ratio_first") is not None else "–",
            "vfm_larger": number(vfm["ratio_second"]) if vfm.get("ratio_second") is not None else "–",
            "vfm_difference": interval(vfm["estimate"], vfm["low"], vfm["high"], level),
            "reps": f"{reps:,}",
            "per_pounds": f"£{GAIN_PER_POUNDS}",
            "level": f"{level * 100:.0f}%",
        },
    }
    return ChapterResult(
        tables={"ascot-levels": levels_table, "ascot-gain": gain_table(comparisons, level), "hourly-rates": rate_table},
        figures={"outcomes-levels": levels_figure(shares), "outcomes-rates": rates_figure(rates, level)},
        values=values,
    )
