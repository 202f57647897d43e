"""The verdicts' own calibration: the generator's model at the study's design, judged with the chapters' code.

Each simulated data set follows goodcare.generate's model of the outcomes (H1, H2), experience (H3) and
codings (H4) at the study's fixed design (17 micro-enterprises, 10 larger providers; 3 people using services
each; the bundled data's interviewees per organisation), under `--effect none` (the false-verdict rate) or the
built-in effect (coverage of the true effect, computed exactly from the model). The design is fixed, so the
data sets go through as rows of arrays: the organisations' totals are one matrix product, and the effect,
its CR2 interval and the verdict come from the very functions the chapters call (goodcare.stats' score and
CR2 functions, goodcare.cr2, goodcare.verdict), elementwise over data sets. tests/test_calibrate.py checks
each row against the chapters' own stats.* call on the same data set.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy import integrate
from scipy.special import ndtr

from goodcare import calibration, ordinal, stats, verdict

LEVEL = 0.95
FAMILY_ALPHA = 1 - LEVEL
TARGET = {"rate_low": 0.035, "rate_high": 0.065, "coverage_min": 0.935}
GROUPS = ("micro", "larger")
# The generator's model (goodcare.generate: outcomes, experience, codings, organisations' prices).
ORG_SD, PERSON_SD, CENTRE = 0.35, 0.8, 2.3
BOOST = {"control_over_daily_life": 0.25, "occupation": 0.6}
EXPECTED_STEP = np.array([0, 1, 1, 2, 2, 3])  # expected level = current + one of these, capped at 4
MISSING = {"expected": 0.05, "yes_no": 0.04}
SAME_WORKER = {"micro": 0.85, "larger": 0.55}
PRICE = {"micro": (14.5, 1.2), "larger": (14.5, 2.0)}
PRICE_SHIFT, PRICE_RANGE = -0.8, (9.5, 24.0)
INNOVATION = {"micro": (3.0 + 0.6) * 0.45, "larger": 3.0 * 0.25}  # innovation segments per interviewee (Poisson)
PER_POUNDS = 10
MEASURES = {
    "H1": "Gain in the occupation score (points; mean difference)",
    "H2": "ASCOT gain (both domains) per £10 of hourly price (ratio of sums)",
    "H3": "Usually supported by the same worker (share; proportion difference)",
    "H4": "Innovation codes per interviewee (mean difference)",
    "current": "Current occupation level (Cliff's delta)",
}
FAMILY = ("H1", "H2", "H3", "H4")
BETTER = {"H1": "higher", "H2": "higher", "H3": "higher", "H4": "higher", "current": "higher"}


class Design:
    """The study's fixed design: who belongs to which organisation and group (built once, used for every data set)."""

    def __init__(self, sizes: dict = calibration.STUDY_SIZES):
        self.sizes = sizes
        self.k = {g: len(sizes["users"][g]) for g in GROUPS}
        self.micro_org = np.repeat([True, False], [self.k["micro"], self.k["larger"]])
        self.users = self._people(sizes["users"])
        self.staff = self._people(sizes["interviewees"])

    def _people(self, per_group: dict) -> dict:
        per_org = np.concatenate([per_group[g] for g in GROUPS])
        org = np.repeat(np.arange(per_org.size), per_org)
        # people x organisations indicator: one matrix product gives every data set's organisation totals.
        return {"org": org, "micro": self.micro_org[org], "onehot": (org[:, None] == np.arange(per_org.size)).astype(float)}


def _levels(latent: np.ndarray) -> np.ndarray:
    """Current ASCOT level from the latent value, as the generator rounds and caps it."""
    return np.clip(np.round(CENTRE - latent), 1, 4)


def simulate(design: Design, n: int, effect: str, rng: np.random.Generator) -> dict:
    """n data sets (rows) of every measure's per-person values (NaN: missing), under effect 'none' or 'study'."""
    study = effect == "study"
    u, s = design.users, design.staff
    org = rng.normal(0, ORG_SD, (n, design.micro_org.size))
    gains, current, expected_occupation = {}, None, None
    for domain, boost in BOOST.items():
        latent = org[:, u["org"]] + rng.normal(0, PERSON_SD, (n, u["org"].size)) + boost * u["micro"] * study
        level = _levels(latent)
        expected = np.clip(level + rng.choice(EXPECTED_STEP, level.shape), 1, 4)
        expected[rng.random(level.shape) < MISSING["expected"]] = np.nan
        gains[domain] = expected - level  # score current minus score expected, scores being 4 - level
        if domain == "occupation":
            current, expected_occupation = level, expected
    # Prices are the organisations': their mean and spread differ by group, shifted down for micro in the study.
    mean = np.where(design.micro_org, PRICE["micro"][0] + PRICE_SHIFT * study, PRICE["larger"][0])
    sd = np.where(design.micro_org, PRICE["micro"][1], PRICE["larger"][1])
    price = np.round(np.clip(rng.normal(mean, sd, (n, design.micro_org.size)), *PRICE_RANGE), 2)
    p_yes = np.where(u["micro"] & study, SAME_WORKER["micro"], SAME_WORKER["larger"])
    yes = (rng.random((n, u["org"].size)) < p_yes).astype(float)
    yes[rng.random(yes.shape) < MISSING["yes_no"]] = np.nan
    codes = rng.poisson(np.where(s["micro"] & study, INNOVATION["micro"], INNOVATION["larger"]), (n, s["org"].size)).astype(float)
    both = gains["occupation"] + gains["control_over_daily_life"]  # NaN unless both gains are known
    return {"H1": (gains["occupation"], None), "H2": (PER_POUNDS * both, np.where(np.isnan(both), np.nan, price[:, u["org"]])),
            "H3": (yes, None), "H4": (codes, None), "current": (current, None),
            "ordinal": (4 - current, 4 - expected_occupation)}  # H1's sensitivity: current and expected scores


def _totals(values: np.ndarray, onehot: np.ndarray, columns: list[np.ndarray]) -> np.ndarray:
    """Data sets x organisations x (columns..., people) sums over the people with a value."""
    known = ~np.isnan(values)
    sums = [np.where(known, c, 0.0) @ onehot for c in columns]
    return np.stack(sums + [known.astype(float) @ onehot], axis=-1)


def compare(design: Design, measure: str, values: np.ndarray, denominators: np.ndarray | None) -> dict:
    """Every data set's estimate, CR2 interval, standard error and df for one measure, by the chapters' functions."""
    people = design.staff if measure == "H4" else design.users
    micro = design.micro_org
    if measure == "current":
        # The chapter's Cliff's delta of the current level (lower is better), from per-level counts.
        columns = [(values == level).astype(float) for level in range(1, 5)]
        totals = _totals(values, people["onehot"], columns)
        first, second = totals[:, micro], totals[:, ~micro]
        estimate = stats.cliffs_delta(first.sum(axis=1)[:, :-1], second.sum(axis=1)[:, :-1], lower_is_better=True)
        scores, sizes, bounds = stats.placement_scores(first, second), stats.people_sizes, (-1.0, 1.0)
        atanh = True  # the chapter's Cliff's delta interval is made on the atanh scale
    else:
        columns = [values] if denominators is None else [values, denominators]
        totals = _totals(values, people["onehot"], columns)
        first, second = totals[:, micro], totals[:, ~micro]
        ratio = denominators is not None
        sums = lambda t: t.sum(axis=1)[:, [0, 1 if ratio else -1]]  # noqa: E731 (numerator and denominator sums)
        estimate = stats._ratio(sums(first)) - stats._ratio(sums(second))
        score = stats.ratio_scores if ratio else stats.mean_scores
        scores, sizes = (score(first), score(second)), stats.denominator_sizes if ratio else stats.people_sizes
        bounds, atanh = (-1.0, 1.0) if measure == "H3" else None, False
    pieces = [stats.cr2.group_pieces(s, sizes(t)) for s, t in zip(scores, (first, second))]
    low, high, variance, df = stats.cr2_contrast(estimate, *pieces, LEVEL, atanh)
    if bounds is not None:
        low, high = np.maximum(low, bounds[0]), np.minimum(high, bounds[1])
    out = {"estimate": estimate, "low": low, "high": high, "se": np.sqrt(variance), "df": df}
    if measure != "current":
        # Chapter 9's robustness row: Welch on each organisation's own value (NaN where nobody has a value).
        with np.errstate(divide="ignore", invalid="ignore"):
            own = lambda t: t[..., 0] / t[..., 1 if ratio else -1]  # noqa: E731
            welch = stats.organisation_welch(own(first), own(second), LEVEL)
        if bounds is not None:
            welch["low"], welch["high"] = np.maximum(welch["low"], bounds[0]), np.minimum(welch["high"], bounds[1])
        out["organisation_level"] = welch
    return out


def verdicts(result: dict, better: str) -> np.ndarray:
    """Each data set's verdict by goodcare.verdict's one rule."""
    keys = ("estimate", "low", "high")
    return np.array([verdict.verdict(dict(zip(keys, map(float, row))), better)["verdict"]
                     for row in zip(*(result[k] for k in keys))])


def wrong(result: dict, better: str) -> np.ndarray:
    """Each data set: whether its verdict is supported or contradicted (false when there is no effect)."""
    return np.isin(verdicts(result, better), [verdict.SUPPORTED, verdict.CONTRADICTED])


def holm(results: dict) -> np.ndarray:
    """Data sets x hypotheses: rejected after Holm's step-down over the family (two-sided CR2 t p-values)."""
    p = np.column_stack([verdict.t_p_value(results[h]["estimate"], results[h]["se"], results[h]["df"]) for h in FAMILY])
    return verdict.holm_adjusted(p) <= FAMILY_ALPHA


def level_shares(boost: float) -> np.ndarray:
    """P(current level = 1), ..., P(level = 4) in the model, for a latent shift of `boost`."""
    # Level round(2.3 - latent), capped to 1..4: level >= l exactly when latent <= 2.3 - l + 0.5.
    at_least = ndtr((CENTRE - np.array([3.5, 2.5, 1.5]) - boost) / np.hypot(ORG_SD, PERSON_SD))  # P(level >= 4), P(>= 3), P(>= 2)
    return np.diff(np.concatenate([[0.0], at_least, [1.0]]))[::-1]


def mean_gain(boost: float) -> float:
    """The model's mean gain in one domain (expected level minus current, capped at 4) for a latent shift of `boost`."""
    room = np.array([np.mean(np.minimum(level + EXPECTED_STEP, 4) - level) for level in range(1, 5)])
    return float(level_shares(boost) @ room)


def price_expectation(group: str, shift: float, of) -> float:
    """E[of(price)] of a group's clipped normal price, shifted by `shift`, by quadrature."""
    mu, sigma = PRICE[group][0] + shift, PRICE[group][1]
    density = lambda x: of(np.clip(x, *PRICE_RANGE)) * np.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi))  # noqa: E731
    return float(integrate.quad(density, mu - 12 * sigma, mu + 12 * sigma, points=PRICE_RANGE, limit=200)[0])


def _group_gains() -> dict:
    """Each group's mean gain per domain under the built-in effect."""
    return {g: {d: mean_gain(b if g == "micro" else 0.0) for d, b in BOOST.items()} for g in GROUPS}


def _shift(group: str) -> float:
    return PRICE_SHIFT if group == "micro" else 0.0


def true_effects(design: Design) -> dict:
    """Each measure's true micro-minus-larger value under the built-in effect, exactly from the model (no simulation)."""
    gain = _group_gains()
    ratio = {g: PER_POUNDS * sum(gain[g].values()) / price_expectation(g, _shift(g), lambda x: x) for g in GROUPS}
    p, q = level_shares(BOOST["occupation"]), level_shares(0.0)  # micro, larger level shares
    return {"H1": gain["micro"]["occupation"] - gain["larger"]["occupation"], "H2": ratio["micro"] - ratio["larger"],
            "H3": SAME_WORKER["micro"] - SAME_WORKER["larger"], "H4": INNOVATION["micro"] - INNOVATION["larger"],
            "current": float(stats.cliffs_delta(p[None, :], q[None, :], lower_is_better=True)[0])}


def true_organisation_effects(design: Design) -> dict:
    """The true micro-minus-larger difference of organisation means (chapter 9's robustness row), from the model.

    Every organisation of a group has the same expected mean of H1, H3 and H4 (the random effect is centred and
    sizes do not enter the model), so those equal true_effects; H2's organisation value is its people's gain over
    its own price, whose mean is 10 x the mean gain x E[1 / price] (gain and price are independent in the model)."""
    truth, gain = true_effects(design), _group_gains()
    own = {g: PER_POUNDS * sum(gain[g].values()) * price_expectation(g, _shift(g), lambda x: 1 / x) for g in GROUPS}
    return {**{m: truth[m] for m in ("H1", "H3", "H4")}, "H2": own["micro"] - own["larger"]}


def share(hits: int, n: int) -> dict:
    """A simulated share with its Monte-Carlo standard error."""
    p = hits / n
    return {"rate": round(p, 6), "mc_se": round(float(np.sqrt(p * (1 - p) / n)), 6), "count": int(hits), "datasets": int(n)}


def ordinal_false_verdicts(design: Design, current: np.ndarray, expected: np.ndarray, n: int) -> dict:
    """False verdicts of chapter 6's ordinal sensitivity (goodcare.ordinal, one fit per data set) in the first n null data sets."""
    groups = np.where(design.users["micro"], "micro", "larger")
    fits = [ordinal.ordinal_sensitivity(current[i], expected[i], design.users["org"], groups, level=LEVEL) for i in range(n)]
    judged = [f for f in fits if f["estimate"] is not None]
    false = sum(verdict.verdict(f, BETTER["H1"])["verdict"] in (verdict.SUPPORTED, verdict.CONTRADICTED) for f in judged)
    return {"measure": "Current occupation score given the expected score (ordinal logit; chapter 6)", "method": ordinal.METHOD,
            "false_verdicts": share(false, len(judged)) if judged else None, "not_estimable": len(fits) - len(judged)}


def run(datasets: int, seed: int, effect_datasets: int | None = None, design: Design | None = None,
        ordinal_datasets: int | None = None) -> dict:
    """The calibration study: `datasets` null data sets and `effect_datasets` (default half) under the built-in effect;
    chapter 6's ordinal sensitivity is fitted to the first `ordinal_datasets` (default half) null data sets (about 12 ms each)."""
    design = design or Design()
    effect_datasets = datasets // 2 if effect_datasets is None else effect_datasets
    ordinal_datasets = datasets // 2 if ordinal_datasets is None else ordinal_datasets
    truth, org_truth = true_effects(design), true_organisation_effects(design)
    out = {"measures": {}, "family": {}}
    for effect, n, stream in (("none", datasets, 0), ("study", effect_datasets, 1)):
        if n < 1:
            continue
        values = simulate(design, n, effect, np.random.default_rng([seed, stream]))
        results = {m: compare(design, m, *values[m]) for m in MEASURES}
        if effect == "none" and ordinal_datasets:
            out["ordinal"] = ordinal_false_verdicts(design, *values["ordinal"], min(ordinal_datasets, n))
        for m, r in results.items():
            row = out["measures"].setdefault(m, {"measure": MEASURES[m]})
            welch = r.get("organisation_level")
            if welch is not None:
                own = row.setdefault("organisation_level", {"method": stats.WELCH})
            if effect == "none":
                row["false_verdicts"] = share(int(wrong(r, BETTER[m]).sum()), n)
                row["median_df"] = round(float(np.median(r["df"])), 3)
                if welch is not None:
                    own["false_verdicts"] = share(int(wrong(welch, BETTER[m]).sum()), n)
            else:
                row["true_effect"] = round(truth[m], 6)
                row["coverage"] = share(int(((r["low"] <= truth[m]) & (truth[m] <= r["high"])).sum()), n)
                if welch is not None:
                    own["true_effect"] = round(org_truth[m], 6)
                    own["coverage"] = share(int(((welch["low"] <= org_truth[m]) & (org_truth[m] <= welch["high"])).sum()), n)
        if effect == "none":
            false = np.column_stack([wrong(results[h], BETTER[h]) for h in FAMILY])
            welch_false = np.column_stack([wrong(results[h]["organisation_level"], BETTER[h]) for h in FAMILY])
            out["family"] = {"unadjusted": share(int(false.any(axis=1).sum()), n),
                             "holm": share(int(holm(results).any(axis=1).sum()), n),
                             "organisation_level": share(int(welch_false.any(axis=1).sum()), n)}
    within = lambda r: TARGET["rate_low"] <= r["false_verdicts"]["rate"] <= TARGET["rate_high"]  # noqa: E731
    return {
        "about": "Per measure: false verdicts (supported or contradicted) under no effect, and coverage of the true "
                 "effect under the built-in effect, of the chapters' CR2 intervals at the study's design.",
        "settings": {"datasets": datasets, "effect_datasets": effect_datasets, "ordinal_datasets": ordinal_datasets, "seed": seed,
                     "level": LEVEL},
        "design": {"organisations": design.k, "sizes": design.sizes},
        "target": TARGET,
        **out,
        "on_target": {m: bool(within(r) and r.get("coverage", {"rate": 1})["rate"] >= TARGET["coverage_min"])
                      for m, r in out["measures"].items() if "false_verdicts" in r},
        "on_target_organisation_level": {m: bool(within(r["organisation_level"]) and r["organisation_level"].get("coverage", {"rate": 1})["rate"]
                                                 >= TARGET["coverage_min"])
                                         for m, r in out["measures"].items() if "false_verdicts" in r.get("organisation_level", {})},
    }


def write(result: dict, path: Path) -> None:
    """Sorted keys, fixed indentation, newline at the end: the same arguments give the same bytes."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(result, indent=2, sort_keys=True, allow_nan=False) + "\n", encoding="utf-8")


def run_rule(smk) -> None:
    """Snakemake's calibrate rule: run the study with the rule's params, write its JSON, log the time taken."""
    Path(smk.log[0]).parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    write(run(int(smk.params.datasets), int(smk.params.seed), int(smk.params.effect_datasets),
              ordinal_datasets=int(smk.params.ordinal_datasets)), smk.output.json)
    Path(smk.log[0]).write_text(f"calibrate: {smk.params.datasets} null and {smk.params.effect_datasets} effect data sets, "
                                f"{smk.params.ordinal_datasets} ordinal fits in {time.perf_counter() - start:.1f} s\n", encoding="utf-8")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m goodcare.calibrate", description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=2000, help="data sets under no effect (half as many under the built-in effect)")
    parser.add_argument("--effect-datasets", type=int, help="data sets under the built-in effect (default: half of --datasets)")
    parser.add_argument("--ordinal-datasets", type=int, help="null data sets chapter 6's ordinal sensitivity is fitted to (default: half of --datasets)")
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.datasets < 1 or any(n is not None and n < 0 for n in (args.effect_datasets, args.ordinal_datasets)):
        parser.error("--datasets must be at least 1 and --effect-datasets and --ordinal-datasets not negative")
    start = time.perf_counter()
    write(run(args.datasets, args.seed, args.effect_datasets, ordinal_datasets=args.ordinal_datasets), args.out)
    print(f"calibrate: {args.out} in {time.perf_counter() - start:.1f} s", file=sys.stderr)  # not in the JSON


if __name__ == "__main__":
    main()
