"""Effect sizes with cluster-bootstrap intervals (organisations resampled within each group)."""

import numpy as np
import pandas as pd

CHUNK = 250  # replicates drawn at a time, so memory stays at chunk x organisations (20 MB at 10,000)


def _method(reps: int) -> str:
    return f"cluster bootstrap (organisations resampled within group), percentile interval, {reps} replicates"


def _numbers(x) -> pd.Series:
    """Floats with a fresh index; text, None and +-inf become NaN so they count as missing, never as a value."""
    s = pd.to_numeric(pd.Series(x).reset_index(drop=True), errors="coerce").astype(float)
    return s.where(np.isfinite(s))


def _frame(values, clusters, groups) -> pd.DataFrame:
    """Align the inputs by position and drop people without a value or an organisation."""
    values, clusters, groups = (pd.Series(x).reset_index(drop=True) for x in (values, clusters, groups))
    if not len(values) == len(clusters) == len(groups):
        # A caller bug, not a data problem: aligning unequal inputs would silently pair the wrong people.
        raise ValueError(f"values, clusters and groups differ in length: {len(values)}, {len(clusters)}, {len(groups)}")
    frame = pd.DataFrame({"v": _numbers(values),
                          # Integer codes group far faster than organisation id strings; missing ids get -1.
                          "c": pd.factorize(clusters)[0],
                          "g": groups.astype(str)})
    # Without an organisation a person cannot be resampled with it, so they are left out like a missing value.
    return frame[frame["v"].notna() & (frame["c"] >= 0)]


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
        # How often each organisation is drawn: k uniform draws counted with one bincount per chunk. These
        # counts are exactly multinomial(k, 1/k), but 4-5x faster than rng.multinomial at 10,000 organisations.
        draws = rng.integers(0, k, size=(size, k)) + np.arange(size)[:, None] * k
        counts = np.bincount(draws.ravel(), minlength=size * k).reshape(size, k)
        out[start:start + size] = counts @ matrix
    return out


def _finite(x) -> float | None:
    """A Python float, or None where numpy would give NaN or inf (results must be JSON without NaN)."""
    x = float(x)
    return x if np.isfinite(x) else None


def _interval(draws: np.ndarray, level: float) -> tuple[float | None, float | None, int]:
    """Percentile interval of the finite draws, and how many draws were not finite (a zero denominator)."""
    finite = draws[np.isfinite(draws)]
    if finite.size == 0:
        return None, None, int(draws.size)
    alpha = (1 - level) / 2
    low, high = np.quantile(finite, [alpha, 1 - alpha])
    return float(low), float(high), int(draws.size - finite.size)


def _no_interval(result: dict, note: str) -> dict:
    """Close a result that has no interval; the keys stay the same so callers need no special case."""
    return {**result, "low": None, "high": None, "dropped_reps": 0, "note": note,
            "group_low_first": None, "group_high_first": None, "group_low_second": None, "group_high_second": None}


def _compare(frame, columns, value, contrast, first, second, reps, seed, level) -> dict:
    """Shared engine: per-group value and the contrast of the two groups' sums, with the stratified cluster bootstrap.

    value(sums) gives a group's own statistic (or is None when only the contrast makes sense, as for Cliff's
    delta); contrast(sums_first, sums_second) gives the effect. Both take arrays with one row per replicate.
    """
    parts = {name: frame[frame["g"] == name] for name in (first, second)}
    totals = {name: cluster_totals(part, columns) for name, part in parts.items()}
    sums = {name: totals[name].sum().to_numpy(dtype=float)[None, :] for name in parts}
    result = {"n_first": int(len(parts[first])), "n_second": int(len(parts[second])),
              "k_first": int(len(totals[first])), "k_second": int(len(totals[second])),
              "reps": int(reps), "level": float(level), "method": _method(reps)}
    with np.errstate(divide="ignore", invalid="ignore"):  # a zero denominator is handled below, not warned about
        if value is not None:
            # Each group's own value is kept even when the other group is empty (chapters still show it).
            result["value_first"], result["value_second"] = (
                _finite(value(sums[name])[0]) if len(parts[name]) else None for name in (first, second))
        if not (len(parts[first]) and len(parts[second])):
            return _no_interval({**result, "estimate": None}, "a group has no values: no estimate")
        estimate = _finite(contrast(sums[first], sums[second])[0])
        result["estimate"] = estimate
        if estimate is None:
            return _no_interval(result, "a group's denominators sum to zero: no estimate")
        if min(result["k_first"], result["k_second"]) < 2:
            return _no_interval(result, "fewer than two organisations in a group: no interval")
        if reps < 1:
            return _no_interval(result, "no bootstrap replicates requested: no interval")
        # One generator, first group then second: the same seed always gives the same draws.
        rng = np.random.default_rng(seed)
        draws = {name: bootstrap_sums(totals[name], reps, rng) for name in (first, second)}
        low, high, dropped = _interval(contrast(draws[first], draws[second]), level)
        result.update(low=low, high=high, dropped_reps=dropped)
        if value is not None:
            # Each group's own interval comes from the same draws, so figures need no second bootstrap.
            (result["group_low_first"], result["group_high_first"], _), (result["group_low_second"], result["group_high_second"], _) = (
                _interval(value(draws[name]), level) for name in (first, second))
    if low is None:
        result["note"] = "every replicate had a zero denominator: no interval"
    elif dropped:
        result["note"] = f"{dropped} replicates with a zero denominator were left out of the interval"
    return result


def _ratio(sums: np.ndarray) -> np.ndarray:
    """Column 0 over column 1 per replicate (for a mean, column 1 is the people count)."""
    return sums[:, 0] / sums[:, 1]


def _difference(value):
    return lambda a, b: value(a) - value(b)


def _with_names(out: dict, *names: str) -> dict:
    """The group values under the spec's names (mean_first, mean_second) and any caller-facing aliases."""
    first, second = out.pop("value_first", None), out.pop("value_second", None)
    for name in names:
        out[f"{name}_first"], out[f"{name}_second"] = first, second
    return out


def mean_difference(values, clusters, groups, *, first="micro", second="larger", reps=2000, seed=2015, level=0.95) -> dict:
    """Difference in (people-weighted) means, first minus second, with a cluster-bootstrap interval."""
    frame = _frame(values, clusters, groups)
    # The people count n is appended by cluster_totals, so column 1 of the sums is the denominator.
    out = _compare(frame, ["v"], _ratio, _difference(_ratio), first, second, reps, seed, level)
    return _with_names(out, "mean")


def proportion_difference(flags, clusters, groups, *, first="micro", second="larger", reps=2000, seed=2015, level=0.95) -> dict:
    """Difference in proportions (0-1) of true flags, missing dropped, with a cluster-bootstrap interval."""
    # Nullable booleans keep missing answers missing instead of turning them into False.
    flags = pd.Series(flags).reset_index(drop=True).astype("boolean").astype("Float64")
    out = mean_difference(flags, clusters, groups, first=first, second=second, reps=reps, seed=seed, level=level)
    out["share_first"], out["share_second"] = out["mean_first"], out["mean_second"]
    return out


def ratio_difference(numerators, denominators, clusters, groups, *, first="micro", second="larger", reps=2000, seed=2015, level=0.95) -> dict:
    """Difference in ratios of sums (sum of numerators / sum of denominators within group), first minus second."""
    frame = _frame(numerators, clusters, groups)
    # A person counts only with both parts, so numerator and denominator sums cover the same people.
    frame["d"] = _numbers(denominators).reindex(frame.index)
    frame = frame.dropna(subset=["d"])
    out = _compare(frame, ["v", "d"], _ratio, _difference(_ratio), first, second, reps, seed, level)
    return _with_names(out, "mean", "ratio")


def cliffs_delta(counts_first: np.ndarray, counts_second: np.ndarray, lower_is_better: bool = True) -> np.ndarray:
    """Cliff's delta from two level distributions (rows = replicates, columns = levels 1..L), no pairwise loop."""
    p = counts_first / counts_first.sum(axis=1, keepdims=True)
    q = counts_second / counts_second.sum(axis=1, keepdims=True)
    below = np.cumsum(q, axis=1) - q  # P(second < level l)
    above = 1 - np.cumsum(q, axis=1)  # P(second > level l)
    p_lower, p_higher = (p * above).sum(axis=1), (p * below).sum(axis=1)  # first lower / higher than second
    return p_lower - p_higher if lower_is_better else p_higher - p_lower


def ordinal_superiority(levels, clusters, groups, *, n_levels=4, lower_is_better=True, first="micro", second="larger", reps=2000, seed=2015, level=0.95) -> dict:
    """Cliff's delta: P(first better) - P(first worse) for ordinal levels 1..n_levels, with its interval."""
    frame = _frame(levels, clusters, groups)
    # A level outside 1..n_levels (or not whole) is not an answer on the scale: dropped like a missing value.
    valid = frame["v"].isin(range(1, n_levels + 1))
    invalid, frame = int((~valid).sum()), frame[valid]
    cols = [f"l{i}" for i in range(1, n_levels + 1)]
    onehot = frame["v"].to_numpy()[:, None] == np.arange(1, n_levels + 1)[None, :]
    frame = frame.assign(**{col: onehot[:, i].astype(float) for i, col in enumerate(cols)})
    # The per-level counts are the sufficient statistics; the people count appended last is not a level.
    out = _compare(frame, cols, None, lambda a, b: cliffs_delta(a[:, :-1], b[:, :-1], lower_is_better),
                   first, second, reps, seed, level)
    # P(better) + P(tie)/2 = (1 + delta)/2, since P(better) + P(worse) + P(tie) = 1.
    out["prob_superiority"] = None if out["estimate"] is None else (out["estimate"] + 1) / 2
    out["invalid_levels"] = invalid
    for key in ("group_low_first", "group_high_first", "group_low_second", "group_high_second"):
        out.pop(key, None)  # a group has no own value on this effect size
    return out
