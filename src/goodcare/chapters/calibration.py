"""The intervals' own check (chapter 4): false verdicts and coverage of the verdicts' measures, simulated at the study's design."""

import pandas as pd

from goodcare import calibrate, calibration
from goodcare.fmt import pct
from goodcare.outputs import ChapterResult, Table, about_no_one

MAX_SIMULATED = 200  # organisations
METHOD_COLUMNS = {"cr2": "CR2, Bell-McCaffrey (this report)", "bootstrap": "Cluster bootstrap, percentile (before)"}
MEASURE_LABELS = {
    "score_gain": "Gain in a 0-3 point score",
    "yes_no_share": "Share answering yes",
    "gain_per_price": "Gain per £10 of hourly price",
    "count_per_interviewee": "Codes per interviewee",
    "ordinal_level": "Ordinal level (Cliff's delta)",
}


def rate_text(false: int, judged: int) -> str:
    """A simulated rate with its 95% Wilson interval: 4.8% (4.5% to 5.2%)."""
    r = calibration.rate(false, judged)
    if r["rate"] is None:
        return "–"
    one = lambda x: f"{x * 100:.1f}%"  # noqa: E731 (one decimal: the rates differ by tenths of a point)
    return f"{one(r['rate'])} ({one(r['wilson_low'])} to {one(r['wilson_high'])})"


def totals(result: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """False verdicts and data sets judged (with an interval), per measure and method (the ICCs pooled) and per method."""
    rows = pd.DataFrame(result["results"])
    rows["judged"] = rows["sims"] - rows["no_interval"]
    rows["false"] = rows["excludes_zero_below"] + rows["excludes_zero_above"]
    return rows.groupby(["measure", "method"])[["false", "judged"]].sum(), rows.groupby("method")[["false", "judged"]].sum()


def rates_table(per: pd.DataFrame, every: pd.DataFrame) -> pd.DataFrame:
    """One row per measure and one for all measures together; one column per method."""
    measures = [m for m in calibration.MEASURES if m in set(per.index.get_level_values("measure"))]
    table = []
    for measure in measures + ["all"]:
        line = {"Measure": MEASURE_LABELS.get(measure, "All measures together")}
        for method, column in METHOD_COLUMNS.items():
            source, key = (every, method) if measure == "all" else (per, (measure, method))
            line[column] = rate_text(*source.loc[key, ["false", "judged"]].astype(int)) if key in source.index else "–"
        table.append(line)
    return pd.DataFrame(table)


STUDY_LABELS = {
    "H1": "H1: gain in the occupation score",
    "H2": "H2: ASCOT gain per £10 of hourly price",
    "H3": "H3: usually the same worker",
    "H4": "H4: innovation codes per interviewee",
    "current": "Current occupation level (Cliff's delta; chapter 6)",
}
STUDY_COLUMNS = ("Measure", "False verdicts, no effect", "Coverage of the true effect", "On target")


def one_decimal(share: float) -> str:
    """A share as a percentage with one decimal: 93.5%."""
    return f"{share * 100:.1f}%"


def mc_text(r: dict) -> str:
    """A simulated share with its Monte-Carlo standard error: 4.7% ± 0.5."""
    return f"{r['rate'] * 100:.1f}% ± {r['mc_se'] * 100:.1f}"


def study_table(study: dict) -> pd.DataFrame:
    """One row per measure of the calibration study (goodcare.calibrate): false verdicts and coverage, MC errors."""
    rows = [{"Measure": STUDY_LABELS[m], "False verdicts, no effect": mc_text(r["false_verdicts"]),
             "Coverage of the true effect": mc_text(r["coverage"]), "On target": "yes" if study["on_target"][m] else "no"}
            for m, r in study["measures"].items()]
    family = study["family"]
    rows += [{"Measure": "H1-H4, at least one false verdict", "False verdicts, no effect": mc_text(family["unadjusted"]),
              "Coverage of the true effect": "–", "On target": "–"},
             {"Measure": "H1-H4 Holm-adjusted, at least one false verdict", "False verdicts, no effect": mc_text(family["holm"]),
              "Coverage of the true effect": "–", "On target": "yes" if family["holm"]["rate"] <= study["target"]["rate_high"] else "no"}]
    # Chapter 9's robustness row (Welch on organisation means) and chapter 6's ordinal check of H1.
    welch_on = study.get("on_target_organisation_level", {})
    rows += [{"Measure": f"{h}, organisation means (Welch; chapter 9)", "False verdicts, no effect": mc_text(r["false_verdicts"]),
              "Coverage of the true effect": mc_text(r["coverage"]) if "coverage" in r else "–", "On target": "yes" if welch_on.get(h) else "no"}
             for h, r in ((h, study["measures"][h].get("organisation_level")) for h in calibrate.FAMILY) if r]
    ordinal = study.get("ordinal") or {}
    if ordinal.get("false_verdicts"):
        r, target = ordinal["false_verdicts"], study["target"]
        rows.append({"Measure": "H1, current given expected level (ordinal logit; chapter 6)", "False verdicts, no effect": mc_text(r),
                     "Coverage of the true effect": "–", "On target": "yes" if target["rate_low"] <= r["rate"] <= target["rate_high"] else "no"})
    return pd.DataFrame(rows, columns=list(STUDY_COLUMNS))


def robustness_sentence(study: dict) -> str:
    """How the two checks beside the verdicts (Welch on organisation means, the ordinal model) are calibrated."""
    welch = [study["measures"][h].get("organisation_level") for h in calibrate.FAMILY]
    if not all(welch):
        return ""
    rates = [w["false_verdicts"]["rate"] for w in welch]
    on = study.get("on_target_organisation_level", {})
    text = (f"The comparison of organisation means beside each verdict (Welch's t interval, each organisation counted "
            f"once) gives false verdicts in {one_decimal(min(rates))} to {one_decimal(max(rates))} of data sets "
            + ("and meets both targets for all four hypotheses" if all(on.get(h) for h in calibrate.FAMILY) else "and misses a target for "
               + ", ".join(h for h in calibrate.FAMILY if not on.get(h)))
            + f"; at least one of its four verdicts is false in {mc_text(study['family']['organisation_level'])}.")
    ordinal = study.get("ordinal") or {}
    if ordinal.get("false_verdicts"):
        text += (f" The ordinal check of H1 against the ceiling, fitted to the first {ordinal['false_verdicts']['datasets']:,} data sets with "
                 f"no effect, gives a false verdict in {mc_text(ordinal['false_verdicts'])} of them.")
    return text


def study_text(study: dict) -> dict:
    """The study's numbers the chapter's prose uses."""
    target, measures = study["target"], study["measures"]
    off = [m for m, ok in study["on_target"].items() if not ok]
    short = {m: max(0.0, target["coverage_min"] - measures[m]["coverage"]["rate"]) for m in off}
    return {
        "study_datasets": f"{study['settings']['datasets']:,}", "study_effect_datasets": f"{study['settings']['effect_datasets']:,}",
        "target_low": one_decimal(target["rate_low"]), "target_high": one_decimal(target["rate_high"]),
        "coverage_min": one_decimal(target["coverage_min"]),
        "family_unadjusted": mc_text(study["family"]["unadjusted"]), "family_holm": mc_text(study["family"]["holm"]),
        "hypotheses_sentence": hypotheses_sentence(study),
        "cliffs_sentence": cliffs_sentence(study, off, short),
        "robustness_sentence": robustness_sentence(study),
    }


def hypotheses_sentence(study: dict) -> str:
    """What the study says about the four verdicts, for the reader."""
    on = [h for h in calibrate.FAMILY if study["on_target"][h]]
    if len(on) == len(calibrate.FAMILY):
        return ("The measures of all four hypotheses meet both targets, so each verdict in the scorecard is about as "
                "likely to be wrong as its interval's confidence level says.")
    off = ", ".join(h for h in calibrate.FAMILY if h not in on)
    return (f"The measures of {off} miss a target, so their verdicts are less certain than their intervals' confidence "
            "level says; the others meet both.")


def cliffs_sentence(study: dict, off: list[str], short: dict) -> str:
    """How far Cliff's delta's interval is from the targets, for the reader."""
    r = study["measures"]["current"]
    rates = (f"its false verdicts run at {mc_text(r['false_verdicts'])} and its intervals contain the true value in "
             f"{mc_text(r['coverage'])} of data sets")
    if "current" not in off:
        return f"Cliff's delta of the current level meets both targets: {rates}."
    if short["current"] > 0:
        return (f"Cliff's delta of the current level is {short['current'] * 100:.1f} points short of the coverage target: "
                f"{rates}, so read its intervals as slightly too narrow.")
    return f"Cliff's delta of the current level misses the false-verdict target: {rates}."


def analyse(frames: dict[str, pd.DataFrame], seed: int = 2015, reps: int = 0, level: float = 0.95,
            calibration_settings: dict | None = None, upstream: dict | None = None) -> ChapterResult:
    """Simulate the study's design (its own cluster sizes) under no effect and report each method's false-verdict rate,
    beside the verdicts' calibration study (rule calibrate, or run here when it is not given)."""
    settings = {"sims": 400, "bootstrap_sims": 100, "bootstrap_replicates": 1000, "datasets": 2000, "effect_datasets": 1000,
                "ordinal_datasets": 1000, **(calibration_settings or {})}
    study = (upstream or {}).get("calibrate") or calibrate.run(settings["datasets"], seed, settings["effect_datasets"],
                                                               ordinal_datasets=settings["ordinal_datasets"])
    # The check matters where organisations are few; a scaled-up data set (benchmarks) would make the simulation
    # as large as the data. Beyond MAX_SIMULATED organisations the study's own design is simulated instead.
    own_design = len(frames["organisations"]) <= MAX_SIMULATED
    sizes = calibration.sizes_from_frames(frames["organisations"], frames["participants"]) if own_design else calibration.STUDY_SIZES
    result = calibration.run(settings["sims"], settings["bootstrap_sims"], settings["bootstrap_replicates"], seed, sizes)
    per, every = totals(result)
    text = {f"rate_{m}": rate_text(*every.loc[m, ["false", "judged"]].astype(int)) for m in every.index}
    text.update(nominal=pct(result["nominal"]), sims=f"{settings['sims']:,}", bootstrap_sims=f"{settings['bootstrap_sims']:,}",
                iccs=", ".join(f"{icc:.2f}" for icc in result["settings"]["iccs"]),
                micro=str(result["design"]["organisations"]["micro"]), larger=str(result["design"]["organisations"]["larger"]),
                design="this data set's" if own_design else "the study's (this data set has too many organisations to simulate)",
                **study_text(study))
    # Simulated data sets stand for no one: every number here is a property of the method at this design
    # (the only link to the study is the number of people per organisation, which chapter 4 publishes).
    return ChapterResult(
        tables={"false-verdicts": Table(rates_table(per, every), about_no_one(*METHOD_COLUMNS.values(), where="column")),
                "verdict-calibration": Table(study_table(study), about_no_one(*STUDY_COLUMNS[1:], where="column"))},
        values={"simulation": result, "study": study, "text": text},
        value_cells=about_no_one("simulation", "study", "text"),
    )
