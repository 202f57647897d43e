"""Chapter 6 (Outcomes at a lower cost): ASCOT levels and gain, hourly rates, value for money."""

import numpy as np
import pandas as pd
from plotnine import (
    aes, coord_flip, facet_wrap, geom_line, geom_point, geom_pointrange, geom_text, ggplot, labs, scale_colour_manual,
    scale_fill_manual, scale_shape_manual, scale_y_continuous,
)

from goodcare import stats, verdict, vocab
from goodcare.fmt import UNITS, interval, number, pct, pounds, unit_interval
from goodcare.groups import provider_group, with_organisation
from goodcare.ordinal import ordinal_sensitivity
from goodcare.outputs import ChapterResult, Figure, Table, about_no_one, cells, cells_at, contributors, place, value_cells
from goodcare.theme import PROVIDER_COLOURS, theme_goodcare

GROUP_LABELS = vocab.PROVIDER_GROUP_LABELS
SITUATIONS = {"current_level": "With the service", "expected_level": "Expected without it"}
BANDS = list(vocab.ASCOT_LEVEL_BAND_LABELS)
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
    # Gain = current minus expected (docs/design.md section 3): what the service adds, in score points.
    rows["gain"] = rows["score_current"] - rows["score_expected"]
    return rows


def level_shares(rows: pd.DataFrame) -> pd.DataFrame:
    """Share of people in each band of levels (vocab.ASCOT_LEVEL_BANDS), per domain, provider group and
    situation (with the service / expected without it), in scale order."""
    parts = []
    for column, situation in SITUATIONS.items():
        answered = rows.dropna(subset=[column])
        answered = answered.assign(band=pd.Categorical(answered[column].astype(int).map(vocab.ASCOT_LEVEL_BANDS), BANDS))
        part = answered.groupby(["domain", "group", "band"], observed=False).size().rename("people").reset_index()
        parts.append(part.assign(situation=situation))
    long = pd.concat(parts, ignore_index=True)
    long["share"] = (long["people"] / long.groupby(["domain", "group", "situation"], observed=False)["people"].transform("sum")).round(4)
    order = {"domain": list(vocab.ASCOT_DOMAINS), "group": list(vocab.PROVIDER_GROUPS), "situation": list(SITUATIONS.values())}
    long = long.assign(**{c: pd.Categorical(long[c].astype(str), values) for c, values in order.items()})
    return long.sort_values(["domain", "group", "situation", "band"]).reset_index(drop=True)


def levels_table(shares: pd.DataFrame) -> pd.DataFrame:
    """One row per domain, provider group and situation; one column per band of levels (scale order)."""
    shown = shares.assign(text=shares["share"].map(pct))
    wide = shown.pivot_table(index=["domain", "group", "situation"], columns="band", values="text", aggfunc="first", observed=True)
    wide = wide.reset_index()
    return pd.DataFrame({
        "Domain": wide["domain"].astype(str).map(vocab.ASCOT_DOMAIN_LABELS),
        "Provider": wide["group"].astype(str).map(GROUP_LABELS),
        "Answer": wide["situation"].astype(str),
        **{vocab.ASCOT_LEVEL_BAND_LABELS[b]: wide[b] for b in BANDS},
    })


def mean_scores(rows: pd.DataFrame) -> pd.DataFrame:
    """Mean ASCOT score (0-3) per domain, provider group and situation (with the service / expected without it)."""
    parts = []
    for column, situation in SITUATIONS.items():
        scored = rows.assign(score=score(rows[column]).astype(float)).dropna(subset=["score"])
        part = scored.groupby(["domain", "group"], observed=True).agg(people=("participant_id", "nunique"), mean_score=("score", "mean"))
        parts.append(part.reset_index().assign(situation=situation))
    long = pd.concat(parts, ignore_index=True)
    long["mean_score"] = long["mean_score"].round(4)
    return long.sort_values(["domain", "group", "situation"]).reset_index(drop=True)[["domain", "group", "situation", "people", "mean_score"]]


def scores_figure(means: pd.DataFrame, score_stats: pd.DataFrame | None = None) -> Figure:
    """Mean ASCOT score expected without the service and with it, micro vs larger, one panel per domain.

    Means, not the share at each level: with ten larger providers, several level shares fall below the
    disclosure threshold (they stay in the levels table, marked suppressed), while every mean here passes.
    """
    data = means.assign(
        provider=pd.Categorical(means["group"].map(GROUP_LABELS), list(GROUP_LABELS.values())[::-1]),
        situation_label=pd.Categorical(means["situation"], list(SITUATIONS.values())[::-1]),
        domain_label=means["domain"].map(vocab.ASCOT_DOMAIN_LABELS),
        label=means["mean_score"].map(number),
    )
    plot = (
        ggplot(data, aes("provider", "mean_score", colour="provider", shape="situation_label"))
        + geom_line(aes(group="provider"), colour="#999999")
        + geom_point(size=3)
        + geom_text(aes(label="label"), nudge_x=0.3, size=8, show_legend=False)
        + facet_wrap("domain_label", ncol=1)
        + coord_flip()
        + scale_colour_manual(values=PROVIDER_COLOURS, guide=None)
        + scale_shape_manual(values={SITUATIONS["expected_level"]: "o", SITUATIONS["current_level"]: "D"}, name="")
        + scale_y_continuous(limits=(0, 3), breaks=[0, 1, 2, 3])
        + labs(x="", y="Mean ASCOT score (0 high needs, 3 ideal state)")
        + theme_goodcare()
    )
    at_ = means.set_index(["domain", "group", "situation"])["mean_score"]
    sentences = [
        f"{vocab.ASCOT_DOMAIN_LABELS[d]}: micro-enterprises {number(at_.get((d, 'micro', SITUATIONS['expected_level'])))} expected without the service "
        f"and {number(at_.get((d, 'micro', SITUATIONS['current_level'])))} with it; larger providers "
        f"{number(at_.get((d, 'larger', SITUATIONS['expected_level'])))} and {number(at_.get((d, 'larger', SITUATIONS['current_level'])))}."
        for d in vocab.ASCOT_DOMAINS
    ]
    alt = ("Dot plot of mean ASCOT scores from 0 (high needs) to 3 (ideal state), one panel per domain, comparing the score "
           "expected without the service with the score with it, for micro-enterprises and larger providers. " + " ".join(sentences))
    rows = means[["domain", "group", "situation"]]
    figure_cells = None if score_stats is None else cells(place(score_stats, "count", rows, "people"), place(score_stats, "mean", rows, "mean_score"))
    return Figure(plot, means, alt, height=3.6, cells=figure_cells, labels=3)


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


def ceiling_sensitivity(rows: pd.DataFrame, gain: dict, level: float) -> dict:
    """H1's check against the ceiling: the ordinal model of the current occupation score given the expected one,
    its verdict by the one rule, and whether the verdict on the gain in occupation survives it."""
    d = rows[rows["domain"] == "occupation"]
    model = ordinal_sensitivity(d["score_current"], d["score_expected"], d["org_id"], d["group"].astype(str), level=level)
    on_gain, on_model = verdict.verdict(gain, "higher", UNITS["points"], level)["verdict"], verdict.verdict(model, "higher", level=level)["verdict"]
    odds = (interval(*(None if x is None else float(np.exp(x)) for x in (model["estimate"], model["low"], model["high"])), level)
            if model["estimate"] is not None else "not estimable")
    return {**model, "verdict": on_model, "gain_verdict": on_gain, "survives": on_model == on_gain, "odds_ratio_text": odds}


def ceiling_sentence(check: dict) -> str:
    """What the ceiling check says about the verdict on the gain in occupation, for the reader."""
    if check["estimate"] is None:
        return f"The ordinal model could not be fitted to these data ({check['note']}), so the verdict on the gain is unchecked."
    found = (f"Among people with the same expected level, the odds ratio of being at a better level now, micro-enterprises "
             f"against larger providers, was {check['odds_ratio_text']}; by the scorecard's rule this reads "
             f"{check['verdict']}, and the gain in occupation reads {check['gain_verdict']}.")
    if check["survives"]:
        return f"{found} The verdict survives the ceiling."
    return f"{found} The verdict on the gain does not survive the ceiling: read the outcomes hypothesis with this check beside it."


def points(c: dict, level: float) -> str:
    """A difference in ASCOT score points with its interval, for the prose: 0.22 points (95% CI ...)."""
    return unit_interval(c["estimate"], c["low"], c["high"], level, UNITS["points"])


def rate_comparison(orgs: pd.DataFrame, seed: int, reps: int, level: float) -> dict:
    """Difference in mean hourly rate, micro minus larger; organisations are the unit."""
    return stats.mean_difference(orgs["hourly_rate_gbp"], orgs["org_id"], orgs["group"].astype(str), reps=reps, seed=seed, level=level)


def rates_figure(rates: dict, level: float, org_stats: pd.DataFrame | None = None) -> Figure:
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
    data = data.drop(columns="provider")
    rows = data[["group"]]
    figure_cells = None if org_stats is None else cells(*(
        place(org_stats, statistic, rows, column, unit="organisations")
        for column, statistic in (("mean_rate", "mean"), ("organisations", "count"), ("low", "mean"), ("high", "mean"))
    ))
    return Figure(plot, data, alt, height=2.8, cells=figure_cells)


def value_for_money(rows: pd.DataFrame, seed: int, reps: int, level: float) -> dict:
    """Outcome gain (both domains summed) per £10 of hourly rate, micro minus larger."""
    per_person = rows.dropna(subset=["gain"]).groupby("participant_id").agg(
        gain=("gain", "sum"), domains=("domain", "nunique"), org_id=("org_id", "first"), group=("group", "first"), rate=("hourly_rate_gbp", "first")
    )
    per_person = per_person[per_person["domains"] == len(vocab.ASCOT_DOMAINS)]  # only people with both gains
    result = stats.ratio_difference(per_person["gain"].astype(float) * GAIN_PER_POUNDS, per_person["rate"], per_person["org_id"], per_person["group"].astype(str), reps=reps, seed=seed, level=level)
    return result


def who(rows: pd.DataFrame, orgs: pd.DataFrame) -> dict:
    """Contributors behind the chapter's numbers: people at each level, people behind each gain and current
    level, people behind value for money, and organisations behind the rates."""
    answers = pd.concat([
        rows.dropna(subset=[column])[["participant_id", "org_id", "domain", "group"]].assign(
            situation=situation, band=rows[column].dropna().astype(int).map(vocab.ASCOT_LEVEL_BANDS))
        for column, situation in SITUATIONS.items()
    ])
    gains = rows.dropna(subset=["gain"])
    both = gains[gains.groupby("participant_id")["domain"].transform("nunique") == len(vocab.ASCOT_DOMAINS)]
    return {
        # The same person answers both domains, with and without the service: those cells do not add up.
        # Each group's band shares add up to one, so the gate's line runs across bands. Across provider groups
        # shares have different denominators and no published total: group is marked as not adding up.
        "levels": contributors(answers, ["domain", "group", "situation", "band"], repeated=("domain", "situation", "group")),
        "scores": contributors(answers, ["domain", "group", "situation"], repeated=("domain", "situation")),
        "gain": contributors(gains, ["domain", "group"], repeated=("domain",)),
        "current": contributors(rows.dropna(subset=["current_level"]), ["domain", "group"], repeated=("domain",)),
        "vfm": contributors(both, ["group"]),
        "orgs": contributors(orgs, ["group"], unit=None, value="hourly_rate_gbp"),  # each organisation's rate behind the means
    }


def outcome_cells(w: dict, levels: pd.DataFrame) -> dict:
    """The cells of the chapter's three tables and its values."""
    inverse = {k: {v: c for c, v in labels.items()} for k, labels in
               (("domain", vocab.ASCOT_DOMAIN_LABELS), ("group", GROUP_LABELS))}
    level_rows = pd.DataFrame({
        "domain": levels["Domain"].map(inverse["domain"]), "group": levels["Provider"].map(inverse["group"]),
        "situation": levels["Answer"],
    })
    domains = pd.DataFrame({"domain": list(vocab.ASCOT_DOMAINS)})
    gain, current, orgs, vfm = w["gain"], w["current"], w["orgs"], w["vfm"]
    gain_cells = [place(gain, "difference", domains, "Difference in gain"), place(current, "effect", domains, "Cliff's delta, current level")]
    for group, column in (("micro", "Mean gain, micro"), ("larger", "Mean gain, larger")):
        mine = gain[gain["group"] == group]
        gain_cells += [place(mine, "mean", domains, column), place(mine, "count", domains, column)]
    groups = pd.DataFrame({"group": list(vocab.PROVIDER_GROUPS)})
    by_domain = {d: gain[gain["domain"] == d] for d in vocab.ASCOT_DOMAINS}
    text = {"occupation_gain_difference": by_domain["occupation"], "control_gain_difference": by_domain["control_over_daily_life"],
            "rate_micro": orgs[orgs["group"] == "micro"], "rate_larger": orgs[orgs["group"] == "larger"], "rate_difference": orgs,
            "vfm_micro": vfm[vfm["group"] == "micro"], "vfm_larger": vfm[vfm["group"] == "larger"], "vfm_difference": vfm}
    return {
        "levels": place(w["levels"], "share", level_rows, ("band", vocab.ASCOT_LEVEL_BAND_LABELS)),
        "gain": cells(*gain_cells),
        "rates": cells(place(orgs, "count", groups, "Organisations", unit="organisations"),
                       place(orgs, "mean", groups, "Mean hourly rate", unit="organisations"),
                       cells_at(orgs, 2, "Mean hourly rate", "difference", unit="organisations")),
        "values": cells(
            value_cells(gain, "gain.{domain}.gain", "difference"),
            value_cells(current, "gain.{domain}.current", "effect"),
            # The ordinal model is fitted to the people behind the gain in occupation (both levels known).
            value_cells(by_domain["occupation"], "ceiling_sensitivity", "difference"),
            value_cells(by_domain["occupation"], "text.ceiling_sentence", "difference"),
            value_cells(orgs, "rates", "difference", unit="organisations"),
            value_cells(vfm, "value_for_money", "ratio"),
            *(value_cells(stats, f"text.{name}", "mean" if name.startswith("rate_") else "difference",
                          unit="organisations" if name.startswith("rate") else "people") for name, stats in text.items()),
            about_no_one("text.per_pounds", "text.level"),
        ),
    }


def analyse(frames: dict[str, pd.DataFrame], seed: int = 2015, reps: int = 2000, level: float = 0.95) -> ChapterResult:
    """Compare outcomes, prices and outcome per pound between micro-enterprises and larger providers."""
    rows = scored_outcomes(frames)
    orgs = frames["organisations"].assign(group=lambda d: provider_group(d["size_band"]))
    shares = level_shares(rows)
    comparisons = gain_comparisons(rows, seed, reps, level)
    rates = rate_comparison(orgs, seed, reps, level)
    vfm = value_for_money(rows, seed, reps, level)
    levels = levels_table(shares)
    rate_table = pd.DataFrame({
        "Provider": [GROUP_LABELS["micro"], GROUP_LABELS["larger"], "Difference (micro minus larger)"],
        "Organisations": [rates["k_first"], rates["k_second"], ""],
        "Mean hourly rate": [pounds(rates["mean_first"]), pounds(rates["mean_second"]), interval(rates["estimate"], rates["low"], rates["high"], level, pounds)],
    })
    ceiling = ceiling_sensitivity(rows, comparisons["occupation"]["gain"], level)
    values = {
        "gain": comparisons,
        "ceiling_sensitivity": ceiling,
        "rates": rates,
        "value_for_money": vfm,
        "text": {
            "ceiling_sentence": ceiling_sentence(ceiling),
            "occupation_gain_difference": points(comparisons["occupation"]["gain"], level),
            "control_gain_difference": points(comparisons["control_over_daily_life"]["gain"], level),
            "rate_micro": pounds(rates["mean_first"]),
            "rate_larger": pounds(rates["mean_second"]),
            "rate_difference": interval(rates["estimate"], rates["low"], rates["high"], level, pounds),
            "vfm_micro": number(vfm["ratio_first"]) if vfm.get("ratio_first") is not None else "–",
            "vfm_larger": number(vfm["ratio_second"]) if vfm.get("ratio_second") is not None else "–",
            "vfm_difference": points(vfm, level),
            "per_pounds": f"£{GAIN_PER_POUNDS}",
            "level": f"{level * 100:.0f}%",
        },
    }
    w = who(rows, orgs)
    described = outcome_cells(w, levels)
    return ChapterResult(
        tables={
            "ascot-levels": Table(levels, described["levels"], labels=3),
            "ascot-gain": Table(gain_table(comparisons, level), described["gain"]),
            "hourly-rates": Table(rate_table, described["rates"]),
        },
        figures={"outcomes-scores": scores_figure(mean_scores(rows), w["scores"]), "outcomes-rates": rates_figure(rates, level, w["orgs"])},
        values=values,
        value_cells=described["values"],
    )
