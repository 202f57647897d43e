"""Effect sizes with cluster-bootstrap intervals (organisations resampled within each group)."""

import numpy as np
import pandas as pd

CHUNK = 250  # replicates drawn at a time, so memory stays at chunk x organisations


def _method(reps: int) -> str:
    return f"cluster bootstrap (organisations resampled within group), percentile interval, {reps} replicates"


def _frame(values, clusters, groups) -> pd.DataFrame:
    """Align the inputs and drop missing values."""
    frame = pd.DataFrame({"v": pd.to_numeric(pd.Series(values).reset_index(drop=True), errors="coerce").astype(float),
                          # Integer codes group far faster than organisation id strings.
                          "c": pd.factorize(pd.Series(clusters).reset_index(drop=True))[0],
                          "g": pd.Series(groups).reset_index(drop=True).astype(str)})
    return frame.dropna(subset=["v"])


def cluster_totals(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Per organisation: sums of the given columns and the number of people (sufficient statistics)."""
    sums = frame.groupby("c", sort=True)[columns].sum()
    sums["n"] = frame.groupby("c", sort=True).size()
    return sums


def bootstrap_sums(totals: pd.DataFrame, reps: int, rng: np.random.Generator) -> np.ndarray:
    """Resample organisations with replacement: an array reps x columns of resampled column sums."""
    k = len(totals)
    matrix = totals.to_numpy(dtype=float)
    out = np.empty((reps, matrix.shape[1]))
    for start in range(0, reps, CHUNK):
        size = min(CHUNK, reps - start)
        # Draw k organisations per replicate, then count how often each was drawn (one bincount for the chunk).
        draws = rng.integers(0, k, size=(size, k)) + np.arange(size)[:, None] * k
        counts = np.bincount(draws.ravel(), minlength=size * k).reshape(size, k)
        out[start:start + size] = counts @ matrix
    return out


def _base_result(parts, totals, first, second, reps, level) -> dict:
    """People (n) and organisations (k) behind each group, and how the interval was made."""
    return {
        "n_first": int(len(parts[first])), "n_second": int(len(parts[second])),
        "k_first": int(len(totals[first])), "k_second": int(len(totals[second])),
        "reps": int(reps), "level": float(level), "method": _method(reps),
    }


def _interval(draws: np.ndarray, level: float) -> tuple[float | None, float | None, int]:
    """Percentile interval of the finite draws, and how many draws were not finite."""
    finite = draws[np.isfinite(draws)]
    if finite.size == 0:
        return None, None, int(draws.size)
    alpha = (1 - level) / 2
    low, high = np.quantile(finite, [alpha, 1 - alpha])
    return float(low), float(high), int(draws.size - finite.size)


def _compare(frame, columns, statistic, first, second, reps, seed, level) -> dict:
    """Shared engine: statistic(sums) per group, its difference, and the stratified cluster bootstrap."""
    parts = {name: frame[frame["g"] == name] for name in (first, second)}
    totals = {name: cluster_totals(part, columns) for name, part in parts.items()}
    result = _base_result(parts, totals, first, second, reps, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        point = {name: float(statistic(totals[name].sum().to_numpy()[None, :])[0]) if len(parts[name]) else None for name in parts}
        result.update(value_first=point[first], value_second=point[second])
        if point[first] is None or point[second] is None:
            return {**result, "estimate": None, "low": None, "high": None, "note": "a group has no values"}
        result["estimate"] = point[first] - point[second]
        if min(result["k_first"], result["k_second"]) < 2:
            return {**result, "low": None, "high": None, "note": "fewer than two organisations in a group: no interval"}
        rng = np.random.default_rng(seed)
        draws = {name: statistic(bootstrap_sums(totals[name], reps, rng)) for name in (first, second)}
        low, high, dropped = _interval(draws[first] - draws[second], level)
        # Each group's own interval comes from the same draws, so figures need no second bootstrap.
        (low_1, high_1, _), (low_2, high_2, _) = (_interval(draws[name], level) for name in (first, second))
    return {**result, "low": low, "high": high, "dropped_reps": dropped,
            "group_low_first": low_1, "group_high_first": high_1, "group_low_second": low_2, "group_high_second": high_2}


def _mean(sums: np.ndarray) -> np.ndarray:
    return sums[:, 0] / sums[:, -1]


def mean_difference(values, clusters, groups, *, first="micro", second="larger", reps=2000, seed=2015, level=0.95) -> dict:
    """Difference in (people-weighted) means, first minus second, with a cluster-bootstrap interval."""
    out = _compare(_frame(values, clusters, groups), ["v"], _mean, first, second, reps, seed, level)
    out["mean_first"], out["mean_second"] = out.pop("value_first", None), out.pop("value_second", None)
    return out


def proportion_difference(flags, clusters, groups, **kwargs) -> dict:
    """Difference in proportions (0-1) of true flags, missing dropped, with a cluster-bootstrap interval."""
    flags = pd.Series(flags).astype("boolean").astype("Float64")
    out = mean_difference(flags, clusters, groups, **kwargs)
    out["share_first"], out["share_second"] = out.pop("mean_first"), out.pop("mean_second")
    return out


def ratio_difference(numerators, denominators, clusters, groups, *, first="micro", second="larger", reps=2000, seed=2015, level=0.95) -> dict:
    """Difference in ratios of sums (sum of numerators / sum of denominators) between the groups."""
    frame = _frame(numerators, clusters, groups)
    frame["d"] = pd.to_numeric(pd.Series(denominators).reset_index(drop=True), errors="coerce").astype(float)
    frame = frame.dropna(subset=["d"])
    out = _compare(frame, ["v", "d"], lambda s: s[:, 0] / s[:, 1], first, second, reps, seed, level)
    out["ratio_first"], out["ratio_second"] = out.pop("value_first", None), out.pop("value_second", None)
    return out


def _cliffs_delta(counts_first: np.ndarray, counts_second: np.ndarray, lower_is_better: bool) -> np.ndarray:
    """Cliff's delta from two level distributions (rows = replicates, columns = levels 1..L)."""
    p = counts_first / counts_first.sum(axis=1, keepdims=True)
    q = counts_second / counts_second.sum(axis=1, keepdims=True)
    below = np.cumsum(q, axis=1) - q  # P(second < level l)
    above = 1 - np.cumsum(q, axis=1)  # P(second > level l)
    p_lower, p_higher = (p * above).sum(axis=1), (p * below).sum(axis=1)  # first lower / higher than second
    return p_lower - p_higher if lower_is_better else p_higher - p_lower


def ordinal_superiority(levels, clusters, groups, *, n_levels=4, lower_is_better=True, first="micro", second="larger", reps=2000, seed=2015, level=0.95) -> dict:
    """Cliff's delta: P(first better) - P(first worse) for ordinal levels 1..n_levels, with its interval."""
    frame = _frame(levels, clusters, groups)
    onehot = pd.get_dummies(pd.Categorical(frame["v"].astype(int), categories=range(1, n_levels + 1))).astype(float)
    onehot.columns = [f"l{i}" for i in range(1, n_levels + 1)]
    frame = pd.concat([frame.reset_index(drop=True), onehot], axis=1)
    cols = list(onehot.columns)
    parts = {name: frame[frame["g"] == name] for name in (first, second)}
    totals = {name: cluster_totals(part, cols) for name, part in parts.items()}
    result = _base_result(parts, totals, first, second, reps, level)
    if result["n_first"] == 0 or result["n_second"] == 0:
        return {**result, "estimate": None, "prob_superiority": None, "low": None, "high": None, "note": "a group has no values"}
    sums = {name: totals[name][cols].sum().to_numpy()[None, :] for name in parts}
    delta = float(_cliffs_delta(sums[first], sums[second], lower_is_better)[0])
    result.update(estimate=delta, prob_superiority=(delta + 1) / 2)
    if min(result["k_first"], result["k_second"]) < 2:
        return {**result, "low": None, "high": None, "note": "fewer than two organisations in a group: no interval"}
    rng = np.random.default_rng(seed)
    draws = {name: bootstrap_sums(totals[name][cols], reps, rng) for name in (first, second)}
    low, high, dropped = _interval(_cliffs_delta(draws[first], draws[second], lower_is_better), level)
    return {**result, "low": low, "high": high, "dropped_reps": dropped}
