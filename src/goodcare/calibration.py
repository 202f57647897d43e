"""Simulated false-verdict rates of the comparisons' intervals at the study's design, under no effect."""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import ndtri

from goodcare import stats

LEVEL = 0.95
ICCS = (0.05, 0.15, 0.30)
GROUPS = ("micro", "larger")
# The study's design as in the bundled data (data/participants.csv): 17 micro-enterprises and 10 larger providers,
# 3 people using services in each; owners, managers and staff interviewed: 1 or 2 per organisation.
STUDY_SIZES = {
    "users": {"micro": [3] * 17, "larger": [3] * 10},
    "interviewees": {"micro": [1] * 14 + [2] * 3, "larger": [1] * 5 + [2] * 5},
}
INTERVIEWED = ("owner_manager", "frontline_staff")
# Shares of each answer under no effect, alike in both groups (close to the bundled data's).
GAIN_SHARES = (0.25, 0.35, 0.25, 0.15)  # occupation gain of 0, 1, 2, 3 points
LEVEL_SHARES = (0.30, 0.35, 0.25, 0.10)  # current ASCOT level 1 (ideal) .. 4 (high needs)
YES_SHARE = 0.75
MEAN_COUNT = 0.9  # innovation codes per interview
PRICE_MEAN, PRICE_SD = 14.5, 1.7  # hourly price (GBP), one per organisation
MEASURES = {
    "score_gain": "gain in a 0-3 point score (mean difference)",
    "yes_no_share": "share answering yes (proportion difference)",
    "gain_per_price": "gain in two 0-3 scores per GBP 10 of organisation-level hourly price (ratio of sums)",
    "count_per_interviewee": "codes per interviewee, Poisson with a latent cluster effect (mean difference)",
    "ordinal_level": "current level 1-4 (Cliff's delta)",
}
METHODS = {"cr2": "CR2 standard error, Bell-McCaffrey df (default)", "bootstrap": "cluster bootstrap, percentile interval (before)"}


def sizes_from_data(data_dir: Path) -> dict:
    """People using services and interviewees per organisation, by provider group, from a data folder."""
    orgs = pd.read_csv(Path(data_dir) / "organisations.csv", usecols=["org_id", "size_band"])
    people = pd.read_csv(Path(data_dir) / "participants.csv", usecols=["org_id", "role"])
    return sizes_from_frames(orgs, people)


def sizes_from_frames(orgs: pd.DataFrame, people: pd.DataFrame) -> dict:
    """People using services and interviewees per organisation, by provider group (the design to simulate)."""
    orgs = orgs[["org_id", "size_band"]].copy()
    people = people[["org_id", "role"]].merge(orgs, on="org_id")
    people["group"] = np.where(people["size_band"] == "micro", "micro", "larger")
    orgs["group"] = np.where(orgs["size_band"] == "micro", "micro", "larger")
    out = {}
    for name, roles in (("users", ("person_using_services",)), ("interviewees", INTERVIEWED)):
        counts = people[people["role"].isin(roles)].groupby("org_id").size()
        per_org = orgs.assign(n=orgs["org_id"].map(counts).fillna(0).astype(int))
        # Sorted, so a design is the same list whatever order the organisations come in (the draws follow it).
        out[name] = {g: sorted(int(n) for n in per_org.loc[(per_org["group"] == g) & (per_org["n"] > 0), "n"]) for g in GROUPS}
    return out


def latent(sizes: dict, icc: float, rng: np.random.Generator, domains: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Standard-normal person values (one row per domain) with intra-cluster correlation icc, sharing one
    organisation effect across domains; the people's organisation codes and groups."""
    per_org = np.concatenate([sizes[g] for g in GROUPS])
    clusters = np.repeat(np.arange(per_org.size), per_org)
    groups = np.repeat(np.repeat(GROUPS, [len(sizes[g]) for g in GROUPS]), per_org)
    organisation = np.sqrt(icc) * rng.standard_normal(per_org.size)[clusters]
    return organisation + np.sqrt(1 - icc) * rng.standard_normal((domains, clusters.size)), clusters, groups


def categories(value: np.ndarray, shares) -> np.ndarray:
    """0, 1, ... by cutting a standard-normal value at the quantiles that give each category its share."""
    return np.searchsorted(ndtri(np.cumsum(shares)[:-1]), value).astype(float)


def null_comparison(measure: str, sizes: dict, icc: float, rng: np.random.Generator, method: str, reps: int, seed: int) -> dict:
    """One data set of a measure with no difference between the groups, compared by the compendium's own function."""
    kw = {"method": method, "reps": reps, "seed": seed, "level": LEVEL}
    if measure == "count_per_interviewee":
        (z,), c, g = latent(sizes["interviewees"], icc, rng)
        counts = rng.poisson(MEAN_COUNT * np.exp(z - 0.5))  # E exp(z - 1/2) = 1: the mean count is MEAN_COUNT
        return stats.mean_difference(counts.astype(float), c, g, **kw)
    if measure == "gain_per_price":
        z, c, g = latent(sizes["users"], icc, rng, domains=2)
        gain = categories(z, GAIN_SHARES).sum(axis=0)
        price = (PRICE_MEAN + PRICE_SD * rng.standard_normal(c.max() + 1))[c]
        return stats.ratio_difference(10 * gain, price, c, g, **kw)
    (z,), c, g = latent(sizes["users"], icc, rng)
    if measure == "score_gain":
        return stats.mean_difference(categories(z, GAIN_SHARES), c, g, **kw)
    if measure == "yes_no_share":
        return stats.proportion_difference(z > ndtri(1 - YES_SHARE), c, g, **kw)
    if measure == "ordinal_level":
        return stats.ordinal_superiority(categories(z, LEVEL_SHARES) + 1, c, g, **kw)
    raise ValueError(f"unknown measure {measure!r}")


def rate(false_verdicts: int, judged: int) -> dict:
    """A false-verdict rate with its Monte Carlo standard error and 95% Wilson interval."""
    if judged == 0:
        return {"rate": None, "mc_se": None, "wilson_low": None, "wilson_high": None}
    p, z = false_verdicts / judged, float(ndtri(0.975))
    centre, half = (p + z * z / (2 * judged)), z * np.sqrt(p * (1 - p) / judged + z * z / (4 * judged * judged))
    scale = 1 + z * z / judged
    return {"rate": round(p, 6), "mc_se": round(float(np.sqrt(p * (1 - p) / judged)), 6),
            "wilson_low": round(float((centre - half) / scale), 6), "wilson_high": round(float((centre + half) / scale), 6)}


def false_verdict_rate(measure: str, icc: float, method: str, sims: int, reps: int, sizes: dict, seed: int) -> dict:
    """Share of null data sets whose interval excludes zero (a verdict of supported or contradicted)."""
    # One stream per measure and ICC, the same for both methods: the methods judge the same data sets.
    rng = np.random.default_rng([seed, list(MEASURES).index(measure), int(round(icc * 1000))])
    below = above = none = 0
    for _ in range(sims):
        result = null_comparison(measure, sizes, icc, rng, method, reps, int(rng.integers(2**31)))
        if result["low"] is None:
            none += 1
        below += result["low"] is not None and result["high"] < 0
        above += result["low"] is not None and result["low"] > 0
    return {"measure": measure, "icc": icc, "method": method, "sims": sims, "no_interval": none,
            "excludes_zero_below": int(below), "excludes_zero_above": int(above), **rate(below + above, sims - none)}


def run(sims: int, bootstrap_sims: int, bootstrap_reps: int, seed: int, sizes: dict, iccs=ICCS, measures=tuple(MEASURES)) -> dict:
    """Every measure x ICC x method; the bootstrap arm on the first bootstrap_sims of the same data sets."""
    rows = [false_verdict_rate(m, icc, method, n, bootstrap_reps if method == "bootstrap" else 0, sizes, seed)
            for m in measures for icc in iccs for method, n in (("cr2", sims), ("bootstrap", bootstrap_sims)) if n > 0]
    return {
        "about": "False-verdict rate (95% interval excludes zero) of each comparison under no effect, at the study's design.",
        "nominal": round(1 - LEVEL, 6),
        "design": {"organisations": {g: len(sizes["users"][g]) for g in GROUPS}, "sizes": sizes,
                   "icc": "intra-cluster correlation of the latent normal value behind each measure"},
        "settings": {"sims": sims, "bootstrap_sims": bootstrap_sims, "bootstrap_reps": bootstrap_reps, "seed": seed,
                     "iccs": list(iccs), "level": LEVEL},
        "measures": {m: MEASURES[m] for m in measures},
        "methods": METHODS,
        "results": rows,
        "pooled": [pooled(rows, method) for method in METHODS if any(r["method"] == method for r in rows)],
    }


def pooled(rows: list[dict], method: str) -> dict:
    """One method's false-verdict rate over every measure and ICC together."""
    mine = [r for r in rows if r["method"] == method]
    judged = sum(r["sims"] - r["no_interval"] for r in mine)
    false = sum(r["excludes_zero_below"] + r["excludes_zero_above"] for r in mine)
    return {"method": method, "sims": sum(r["sims"] for r in mine), "false_verdicts": false, **rate(false, judged)}


def write(result: dict, path: Path) -> None:
    """Sorted keys, fixed indentation, newline at the end: the same arguments give the same bytes."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(result, indent=2, sort_keys=True, allow_nan=False) + "\n", encoding="utf-8")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m goodcare.calibration", description=__doc__)
    parser.add_argument("--sims", type=int, default=1000, help="null data sets per measure and ICC (CR2 arm)")
    parser.add_argument("--bootstrap-sims", type=int, default=200, help="of those, how many the bootstrap arm judges too")
    parser.add_argument("--bootstrap-reps", type=int, default=2000, help="bootstrap replicates per interval (as the chapters)")
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--data", type=Path, help="data folder to take cluster sizes from (default: the study's design)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    sizes = sizes_from_data(args.data) if args.data else STUDY_SIZES
    write(run(args.sims, args.bootstrap_sims, args.bootstrap_reps, args.seed, sizes), args.out)
    print(f"calibration: {args.out} in {time.perf_counter() - start:.1f} s", file=sys.stderr)  # not in the JSON


if __name__ == "__main__":
    main()
