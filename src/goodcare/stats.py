"""Effect sizes with intervals that respect clustering: CR2 / Bell-McCaffrey t intervals, or the cluster bootstrap."""

import warnings

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from goodcare import cr2

CHUNK = 250  # replicates drawn at a time, so memory stays at chunk x organisations (20 MB at 10,000)
GROUP_BOUNDS = ("group_low_first", "group_high_first", "group_low_second", "group_high_second")
WELCH = "Welch's t interval on the organisations' own values (each organisation counts once)"
METHODS = ("cr2", "bootstrap")  # cr2: few-cluster-calibrated (default); bootstrap: stratified percentile, kept for comparison


def _method(method: str, reps: int, linearised: str = "") -> str:
    if method == "cr2":
        return cr2.METHOD + (f", {linearised}" if linearised else "")
    return f"cluster bootstrap (organisations resampled within group), percentile interval, {reps} replicates"


def _numbers(x) -> pd.Series:
    """Floats with a fresh index; text, None and +-inf become NaN so they count as missing, never as a value."""
    s = pd.to_numeric(pd.Series(x).reset_index(drop=True), errors="coerce").astype(float)
    return s.where(np.isfinite(s))


def _frame(values, clusters, groups) -> pd.DataFrame:
    """Align the inputs by position and drop people without a value or an organisation."""
    if _plain_arrays(values, clusters, groups):
        return _frame_of_arrays(values, clusters, groups)
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


def _plain_arrays(values, clusters, groups) -> bool:
    """Whether the inputs are numpy arrays of numbers, integer codes and text of one length (the simulations'
    data sets), which need none of pandas' coercions."""
    arrays = all(isinstance(x, np.ndarray) and x.ndim == 1 for x in (values, clusters, groups))
    return (arrays and values.dtype.kind in "biuf" and clusters.dtype.kind in "iu" and groups.dtype.kind == "U"
            and len(values) == len(clusters) == len(groups))


def _frame_of_arrays(values: np.ndarray, clusters: np.ndarray, groups: np.ndarray) -> pd.DataFrame:
    """`_frame` for plain arrays, without a pandas Series per input: the same frame, index and values, about ten
    times faster (goodcare.calibration builds thousands of these)."""
    v = values.astype(float)
    v[~np.isfinite(v)] = np.nan
    keep = np.flatnonzero(~np.isnan(v))  # integer codes are never missing, so every person has an organisation
    index = pd.RangeIndex(len(v)) if keep.size == len(v) else pd.Index(keep, dtype="int64")  # as a boolean mask leaves it
    return pd.DataFrame({"v": v[keep], "c": pd.factorize(clusters)[0][keep], "g": groups[keep].astype(object)}, index=index)


def _totals(codes: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Per organisation (rows, in code order): column sums of matrix, then the number of people."""
    # The codes are factorize's dense integers, so bincount sums them in one pass (a groupby costs ~10x more
    # at the study's size, and the simulation in goodcare.calibration calls this tens of thousands of times).
    present = np.flatnonzero(np.bincount(codes)) if codes.size else np.array([], dtype=int)
    local = np.searchsorted(present, codes)
    columns = [np.bincount(local, weights=matrix[:, j], minlength=present.size) for j in range(matrix.shape[1])]
    return np.column_stack(columns + [np.bincount(local, minlength=present.size).astype(float)])


def cluster_totals(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Per organisation: sums of the given columns and the number of people (sufficient statistics)."""
    codes = frame["c"].to_numpy()
    totals = _totals(codes, frame[columns].to_numpy(dtype=float))
    index = pd.Index(np.unique(codes), name="c")
    return pd.DataFrame(totals, index=index, columns=[*columns, "n"]).astype({"n": int})


def bootstrap_sums(totals: pd.DataFrame, reps: int, rng: np.random.Generator) -> np.ndarray:
    """Resample organisations with replacement: an array reps x columns of resampled column sums."""
    matrix = np.asarray(totals, dtype=float)
    k = len(matrix)
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
    return {**result, "low": None, "high": None, "se": None, "df": None, "dropped_reps": 0, "note": note,
            "group_low_first": None, "group_high_first": None, "group_low_second": None, "group_high_second": None}


def _compare(frame, columns, value, contrast, scores, first, second, method, reps, seed, level, linearised="", bounds=None,
             sizes=None, atanh=False) -> dict:
    """Shared engine: per-group value and the contrast of the two groups, with a CR2 t interval or the cluster bootstrap.

    value(sums) gives a group's own statistic (or is None when only the contrast makes sense, as for Cliff's
    delta); contrast(sums_first, sums_second) gives the effect. Both take arrays with one row per replicate.
    scores(totals_first, totals_second) gives each group's per-organisation sums of residuals (for a mean) or of
    linearised values (for a ratio or Cliff's delta), from the organisations' totals (rows = organisations).
    bounds (low, high) clips a CR2 interval to the statistic's range (Cliff's delta lies in -1..1); sizes(totals)
    gives the clusters' sizes in the CR2 formulas (default people; weight sums for a weighted mean). atanh makes the
    contrast's CR2 interval on the atanh scale (cr2.atanh_t_interval; for Cliff's delta).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    codes, labels, matrix = frame["c"].to_numpy(), frame["g"].to_numpy(), frame[columns].to_numpy(dtype=float)
    parts = {name: labels == name for name in (first, second)}  # who is in each group
    totals = {name: _totals(codes[part], matrix[part]) for name, part in parts.items()}
    sums = {name: totals[name].sum(axis=0)[None, :] for name in parts}
    bootstrap = method == "bootstrap"
    result = {"n_first": int(parts[first].sum()), "n_second": int(parts[second].sum()),
              "k_first": int(len(totals[first])), "k_second": int(len(totals[second])),
              "reps": int(reps) if bootstrap else 0, "level": float(level), "method": _method(method, reps, linearised)}
    with np.errstate(divide="ignore", invalid="ignore"):  # a zero denominator is handled below, not warned about
        if value is not None:
            # Each group's own value is kept even when the other group is empty (chapters still show it).
            result["value_first"], result["value_second"] = (
                _finite(value(sums[name])[0]) if parts[name].any() else None for name in (first, second))
        if not (parts[first].any() and parts[second].any()):
            return _no_interval({**result, "estimate": None}, "a group has no values: no estimate")
        estimate = _finite(contrast(sums[first], sums[second])[0])
        result["estimate"] = estimate
        if estimate is None:
            return _no_interval(result, "a group's denominators sum to zero: no estimate")
        if min(result["k_first"], result["k_second"]) < 2:
            return _no_interval(result, "fewer than two organisations in a group: no interval")
        if value is not None:
            # The robustness comparison beside every verdict: each organisation's own value, counted once.
            result["organisation_level"] = organisation_welch(value(totals[first]), value(totals[second]), level)
        if not bootstrap:
            # A weighted mean's organisations with zero weight carry no information: two with weight are needed.
            sizes = sizes or people_sizes
            if min(int((np.asarray(sizes(totals[name])) > 0).sum()) for name in parts) < 2:
                return _no_interval(result, "fewer than two organisations with a positive denominator in a group: no interval")
            return _cr2_interval(result, totals, scores, value is not None, first, second, level, bounds, sizes, atanh)
        if reps < 1:
            return _no_interval(result, "no bootstrap replicates requested: no interval")
        # One generator, first group then second: the same seed always gives the same draws.
        rng = np.random.default_rng(seed)
        draws = {name: bootstrap_sums(totals[name], reps, rng) for name in (first, second)}
        low, high, dropped = _interval(contrast(draws[first], draws[second]), level)
        result.update(low=low, high=high, se=None, df=None, dropped_reps=dropped)
        if value is not None:
            # Each group's own interval comes from the same draws, so figures need no second bootstrap.
            (result["group_low_first"], result["group_high_first"], _), (result["group_low_second"], result["group_high_second"], _) = (
                _interval(value(draws[name]), level) for name in (first, second))
    if low is None:
        result["note"] = "every replicate had a zero denominator: no interval"
    elif dropped:
        result["note"] = f"{dropped} replicates with a zero denominator were left out of the interval"
    return result


def _cr2_interval(result, totals, scores, own, first, second, level, bounds, sizes, atanh=False) -> dict:
    """The contrast's CR2 t interval and, where a group has its own value, that value's interval from the same pieces."""
    s_first, s_second = scores(totals[first], totals[second])
    pieces = {name: cr2.group_pieces(s, sizes(totals[name])) for name, s in ((first, s_first), (second, s_second))}
    low, high, variance, df = cr2_contrast(result["estimate"], pieces[first], pieces[second], level, atanh)
    if bounds is not None:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    result.update(low=float(low), high=float(high), se=float(np.sqrt(variance)), df=float(df), dropped_reps=0)
    for side, name in (("first", first), ("second", second)):
        if own and result[f"value_{side}"] is not None:
            group_variance, _, _ = pieces[name]
            low, high = cr2.t_interval(result[f"value_{side}"], group_variance, cr2.bm_df(pieces[name]), level)
            result[f"group_low_{side}"], result[f"group_high_{side}"] = float(low), float(high)
        else:
            result[f"group_low_{side}"] = result[f"group_high_{side}"] = None
    return result


def _by_rows(rows: np.ndarray, chosen, rest) -> np.ndarray:
    """One array from the values of the chosen rows and of the rest, in the original row order."""
    chosen, rest = np.asarray(chosen), np.asarray(rest)
    out = np.empty(rows.shape + chosen.shape[1:], dtype=np.result_type(chosen, rest))
    out[rows], out[~rows] = chosen, rest
    return out


def organisation_welch(first: np.ndarray, second: np.ndarray, level: float) -> dict:
    """Welch's t interval for the difference of organisation means, first minus second, by scipy's ttest_ind.

    The last axis holds the organisations (rows may be data sets: goodcare.calibrate calls this too); NaN is an
    organisation without a value (left out). Each organisation weighs the same, however many people it has, so
    this answers a different question from the people-weighted comparison and needs no cluster correction."""
    first, second = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    if first.ndim > 1:
        # scipy omits NaN row by row in Python once any row has one; rows without NaN go through it vectorised.
        clean = ~(np.isnan(first).any(axis=-1) | np.isnan(second).any(axis=-1))
        if clean.any() and not clean.all():
            parts = [organisation_welch(first[rows], second[rows], level) for rows in (clean, ~clean)]
            return {k: _by_rows(clean, parts[0][k], parts[1][k]) for k in parts[0]}
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a group with one organisation or no spread: NaN, reported as None
        test = scipy_stats.ttest_ind(first, second, equal_var=False, nan_policy="omit", axis=-1)
        ci = test.confidence_interval(level)
        mean_first, mean_second = np.nanmean(first, axis=-1), np.nanmean(second, axis=-1)
    estimate = mean_first - mean_second
    # The interval is estimate -/+ t(df) x se, so the standard error is read back from its half-width.
    se = (np.asarray(ci.high) - np.asarray(ci.low)) / (2 * scipy_stats.t.ppf((1 + level) / 2, test.df))
    out = {"estimate": estimate, "low": ci.low, "high": ci.high, "se": se, "df": test.df, "p_value": test.pvalue,
           "mean_first": mean_first, "mean_second": mean_second,
           "k_first": (~np.isnan(first)).sum(axis=-1), "k_second": (~np.isnan(second)).sum(axis=-1)}
    if first.ndim > 1:
        return out
    out = {k: (int(v) if k.startswith("k_") else _finite(v)) for k, v in out.items()}
    return {**out, "level": float(level), "method": WELCH}


def cr2_contrast(estimate, pieces_first, pieces_second, level: float, atanh: bool = False):
    """Interval (low, high), variance and Bell-McCaffrey df of first minus second from each group's CR2 pieces
    (elementwise over data sets: goodcare.calibrate calls this with the chapters' own score functions); atanh
    makes the interval on the atanh scale (a statistic bounded by -1 and 1)."""
    variance, df = pieces_first[0] + pieces_second[0], cr2.bm_df(pieces_first, pieces_second)
    low, high = (cr2.atanh_t_interval if atanh else cr2.t_interval)(estimate, variance, df, level)
    return low, high, variance, df


def people_sizes(totals: np.ndarray) -> np.ndarray:
    """Cluster sizes of an unweighted mean: the people count, the last column of the totals."""
    return totals[..., -1]


def denominator_sizes(totals: np.ndarray) -> np.ndarray:
    """Cluster weights of a ratio of sums (the WLS of y/d with weights d): the denominator sums, column 1."""
    return totals[..., 1]


def mean_scores(totals: np.ndarray) -> np.ndarray:
    """Per organisation: sum of the values minus people x the group mean (columns: value sum, people; rows may be data sets)."""
    return totals[..., 0] - totals[..., -1] * totals[..., 0].sum(axis=-1, keepdims=True) / totals[..., -1].sum(axis=-1, keepdims=True)


def ratio_scores(totals: np.ndarray) -> np.ndarray:
    """Per organisation: the weighted residual sum y - R d of the WLS whose mean is the ratio (columns: y, d, people).

    R = sum y / sum d is the weighted mean of y/d with weights d, so the ratio's CR2 variance is that WLS
    slope's (clubSandwich, inverse-variance weights), and these residual sums sum to zero within the group."""
    y, d = totals[..., 0], totals[..., 1]
    return y - d * y.sum(axis=-1, keepdims=True) / d.sum(axis=-1, keepdims=True)


def _own(scores):
    return lambda a, b: (scores(a), scores(b))


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


def mean_difference(values, clusters, groups, *, first="micro", second="larger", reps=2000, seed=2015, level=0.95, method="cr2") -> dict:
    """Difference in (people-weighted) means, first minus second, with a CR2 t interval (or method="bootstrap")."""
    frame = _frame(values, clusters, groups)
    # The people count n is appended by cluster_totals, so column 1 of the sums is the denominator.
    out = _compare(frame, ["v"], _ratio, _difference(_ratio), _own(mean_scores), first, second, method, reps, seed, level)
    return _with_names(out, "mean")


def proportion_difference(flags, clusters, groups, *, first="micro", second="larger", reps=2000, seed=2015, level=0.95, method="cr2") -> dict:
    """Difference in proportions (0-1) of true flags, missing dropped, with a CR2 t interval (or method="bootstrap")."""
    # Nullable booleans keep missing answers missing instead of turning them into False.
    flags = pd.Series(flags).reset_index(drop=True).astype("boolean").astype("Float64")
    out = mean_difference(flags, clusters, groups, first=first, second=second, reps=reps, seed=seed, level=level, method=method)
    out["share_first"], out["share_second"] = out["mean_first"], out["mean_second"]
    # A t interval can pass 0% or 100% (a bootstrap percentile cannot): keep the bounds on the scale. Zero
    # stays inside -1..1, so this never changes whether an interval excludes zero (the verdict).
    for key, (low, high) in {"low": (-1, 1), "high": (-1, 1), **dict.fromkeys(GROUP_BOUNDS, (0, 1))}.items():
        if out.get(key) is not None:
            out[key] = float(min(max(out[key], low), high))
    welch = out.get("organisation_level") or {}
    for key in ("low", "high"):
        if welch.get(key) is not None:
            welch[key] = float(min(max(welch[key], -1), 1))
    return out


def ratio_difference(numerators, denominators, clusters, groups, *, first="micro", second="larger", reps=2000, seed=2015, level=0.95, method="cr2") -> dict:
    """Difference in ratios of sums (sum of numerators / sum of denominators within group), first minus second."""
    frame = _frame(numerators, clusters, groups)
    # A person counts only with both parts, so numerator and denominator sums cover the same people.
    frame["d"] = _numbers(denominators).reindex(frame.index)
    frame = frame.dropna(subset=["d"])
    out = _compare(frame, ["v", "d"], _ratio, _difference(_ratio), _own(ratio_scores), first, second, method, reps, seed, level,
                   linearised="ratio of sums as a weighted mean (weights: the denominators)", sizes=denominator_sizes)
    return _with_names(out, "mean", "ratio")


def cliffs_delta(counts_first: np.ndarray, counts_second: np.ndarray, lower_is_better: bool = True) -> np.ndarray:
    """Cliff's delta from two level distributions (rows = replicates, columns = levels 1..L), no pairwise loop."""
    p = counts_first / counts_first.sum(axis=1, keepdims=True)
    q = counts_second / counts_second.sum(axis=1, keepdims=True)
    below = np.cumsum(q, axis=1) - q  # P(second < level l)
    above = 1 - np.cumsum(q, axis=1)  # P(second > level l)
    p_lower, p_higher = (p * above).sum(axis=1), (p * below).sum(axis=1)  # first lower / higher than second
    return p_lower - p_higher if lower_is_better else p_higher - p_lower


def placement_scores(totals_first: np.ndarray, totals_second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per organisation: sum of its people's placement values minus delta (columns: level counts, people; rows may be data sets).

    delta is a two-sample U-statistic; its Hajek projection is mean_i (phi_i - delta) over the first group plus
    mean_j (psi_j - delta) over the second, where phi_i = P(second above x_i) - P(second below x_i) and psi_j =
    P(first below y_j) - P(first above y_j) (DeLong et al. 1988; clustered: Obuchowski 1997). The sign of
    delta (lower or higher is better) does not change the variance, so it is computed for lower is better."""
    counts_first, counts_second = totals_first[..., :-1], totals_second[..., :-1]
    p = counts_first.sum(axis=-2) / counts_first.sum(axis=(-2, -1))[..., None]
    q = counts_second.sum(axis=-2) / counts_second.sum(axis=(-2, -1))[..., None]
    phi = (1 - np.cumsum(q, axis=-1)) - (np.cumsum(q, axis=-1) - q)
    psi = (np.cumsum(p, axis=-1) - p) - (1 - np.cumsum(p, axis=-1))
    delta = (p * phi).sum(axis=-1)[..., None]
    place = lambda counts, values: np.einsum("...gl,...l->...g", counts, values)  # noqa: E731
    return place(counts_first, phi) - delta * totals_first[..., -1], place(counts_second, psi) - delta * totals_second[..., -1]


def ordinal_superiority(levels, clusters, groups, *, n_levels=4, lower_is_better=True, first="micro", second="larger", reps=2000, seed=2015, level=0.95, method="cr2") -> dict:
    """Cliff's delta: P(first better) - P(first worse) for ordinal levels 1..n_levels, with its interval."""
    frame = _frame(levels, clusters, groups)
    # A level outside 1..n_levels (or not whole) is not an answer on the scale: dropped like a missing value.
    valid = frame["v"].isin(range(1, n_levels + 1))
    invalid, frame = int((~valid).sum()), frame[valid]
    cols = [f"l{i}" for i in range(1, n_levels + 1)]
    onehot = frame["v"].to_numpy()[:, None] == np.arange(1, n_levels + 1)[None, :]
    frame = frame.assign(**{col: onehot[:, i].astype(float) for i, col in enumerate(cols)})
    # The per-level counts are the sufficient statistics; the people count appended last is not a level.
    out = _compare(frame, cols, None, lambda a, b: cliffs_delta(a[:, :-1], b[:, :-1], lower_is_better), placement_scores,
                   first, second, method, reps, seed, level, linearised="placement values (clustered DeLong), interval on the atanh scale",
                   bounds=(-1.0, 1.0), atanh=True)
    # P(better) + P(tie)/2 = (1 + delta)/2, since P(better) + P(worse) + P(tie) = 1.
    out["prob_superiority"] = None if out["estimate"] is None else (out["estimate"] + 1) / 2
    out["invalid_levels"] = invalid
    for key in GROUP_BOUNDS:
        out.pop(key, None)  # a group has no own value on this effect size
    return out
