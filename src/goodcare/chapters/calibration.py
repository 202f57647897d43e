"""The intervals' own check (chapter 4): false-verdict rates under no effect, simulated at the study's design."""

import pandas as pd

from goodcare import calibration
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


def analyse(frames: dict[str, pd.DataFrame], seed: int = 2015, reps: int = 0, level: float = 0.95,
            calibration_settings: dict | None = None) -> ChapterResult:
    """Simulate the study's design (its own cluster sizes) under no effect and report each method's false-verdict rate."""
    settings = {"sims": 400, "bootstrap_sims": 100, "bootstrap_replicates": 1000, **(calibration_settings or {})}
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
                design="this data set's" if own_design else "the study's (this data set has too many organisations to simulate)")
    # Simulated data sets stand for no one: every number here is a property of the method at this design
    # (the only link to the study is the number of people per organisation, which chapter 4 publishes).
    return ChapterResult(
        tables={"false-verdicts": Table(rates_table(per, every), about_no_one(*METHOD_COLUMNS.values(), where="column"))},
        values={"simulation": result, "text": text},
        value_cells=about_no_one("simulation", "text"),
    )
