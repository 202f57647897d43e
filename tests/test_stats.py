"""Effect sizes and their intervals (CR2 / Bell-McCaffrey by default, the cluster bootstrap on request):
known answers, the closed form against the matrix CR2, direction, determinism, clustering, edge cases."""

import itertools
import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from goodcare import cr2, stats

SPEC_KEYS = {"estimate", "low", "high", "n_first", "n_second", "k_first", "k_second", "reps", "level", "method", "dropped_reps", "se", "df"}
CR2_METHOD = "CR2 cluster-robust standard error, Bell-McCaffrey degrees of freedom"


def two_groups(first_values, second_values, per_cluster=2):
    """Values with cluster ids (per_cluster people each) and group labels."""
    values = list(first_values) + list(second_values)
    groups = ["micro"] * len(first_values) + ["larger"] * len(second_values)
    clusters = [f"{g}{i // per_cluster}" for g, i in zip(groups, list(range(len(first_values))) + list(range(len(second_values))))]
    return pd.Series(values, dtype=float), pd.Series(clusters), pd.Series(groups)


def assert_plain(result):
    """JSON without NaN, and only Python types (no numpy scalars)."""
    json.dumps(result, allow_nan=False)
    welch = result.get("organisation_level", {})
    assert isinstance(welch, dict) and all(v is None or type(v) in (int, float, str) for v in welch.values()), welch
    assert all(v is None or type(v) in (int, float, str) for k, v in result.items() if k != "organisation_level"), result


def test_mean_difference_known_answer_and_interval():
    v, c, g = two_groups([3, 3, 2, 2, 3, 1], [1, 1, 2, 0, 1, 1])
    r = stats.mean_difference(v, c, g, reps=500, seed=1)
    assert r["mean_first"] == pytest.approx(14 / 6) and r["mean_second"] == pytest.approx(1.0)
    assert r["estimate"] == pytest.approx(14 / 6 - 1)
    assert r["low"] <= r["estimate"] <= r["high"]
    assert r["group_low_first"] <= r["mean_first"] <= r["group_high_first"]
    assert (r["n_first"], r["k_first"], r["n_second"], r["k_second"]) == (6, 3, 6, 3)
    assert SPEC_KEYS | {"mean_first", "mean_second"} <= set(r) and r["dropped_reps"] == 0
    # The default is the few-cluster-calibrated CR2 interval; it draws no replicates.
    assert r["method"] == CR2_METHOD and r["reps"] == 0 and r["df"] > 0 and r["se"] > 0
    assert_plain(r)
    b = stats.mean_difference(v, c, g, reps=500, seed=1, method="bootstrap")
    assert b["method"] == "cluster bootstrap (organisations resampled within group), percentile interval, 500 replicates"
    assert b["estimate"] == r["estimate"] and b["reps"] == 500 and b["se"] is None and b["low"] <= b["estimate"] <= b["high"]
    assert_plain(b)
    with pytest.raises(ValueError, match="method must be one of"):
        stats.mean_difference(v, c, g, method="wild")


def test_means_are_people_weighted_and_missing_values_dropped():
    # micro: org a has 3 people (1, 1, 1), org b has 1 person (5): people-weighted mean 2, not (1 + 5) / 2.
    values = [1, 1, 1, 5, np.nan, 0, 2]
    clusters = ["a", "a", "a", "b", "b", "c", "d"]
    groups = ["micro"] * 5 + ["larger"] * 2
    r = stats.mean_difference(values, clusters, groups, reps=200, seed=1)
    assert (r["mean_first"], r["mean_second"], r["estimate"]) == (2.0, 1.0, 1.0)
    assert (r["n_first"], r["k_first"]) == (4, 2)


def test_first_group_worse_gives_a_negative_interval():
    v, c, g = two_groups([0, 0, 1, 0, 0, 1, 0, 0], [3, 3, 2, 3, 3, 3, 2, 3])
    r = stats.mean_difference(v, c, g, reps=500, seed=1)
    assert r["estimate"] < 0 and r["low"] < 0 and r["high"] < 0
    assert r["low"] <= r["estimate"] <= r["high"]


def test_same_seed_same_result_other_seed_other_interval():
    v, c, g = two_groups(np.arange(20) % 4, np.arange(20) % 3)
    a, b = (stats.mean_difference(v, c, g, reps=300, seed=9, method="bootstrap") for _ in range(2))
    assert a == b
    assert stats.mean_difference(v, c, g, reps=300, seed=10, method="bootstrap")["low"] != a["low"]
    # A generator made from the seed may be passed instead of the seed.
    assert stats.mean_difference(v, c, g, reps=300, seed=np.random.default_rng(9), method="bootstrap") == a
    # The CR2 interval draws nothing: the seed does not matter.
    assert stats.mean_difference(v, c, g, seed=9) == stats.mean_difference(v, c, g, seed=10)


def person_bootstrap_width(values, groups, reps, seed, level=0.95):
    """Width of a naive interval that resamples people within group as if they were independent."""
    rng = np.random.default_rng(seed)
    first, second = values[groups == "micro"], values[groups == "larger"]
    draws = [rng.choice(first, (reps, first.size)).mean(axis=1) - rng.choice(second, (reps, second.size)).mean(axis=1)]
    low, high = np.quantile(draws[0], [(1 - level) / 2, (1 + level) / 2])
    return high - low


@pytest.mark.parametrize("method", stats.METHODS)
def test_clustering_widens_the_interval(method):
    """When all variation lies between organisations, an interval that respects clustering is wider than
    one that resamples people as if they were independent."""
    rng = np.random.default_rng(0)
    org_means = rng.normal(0, 1, 20)
    values = np.repeat(org_means, 10)  # everyone in an organisation has the same value
    clusters = np.repeat([f"o{i}" for i in range(20)], 10)
    groups = np.where(np.arange(200) < 100, "micro", "larger")
    clustered = stats.mean_difference(values, clusters, groups, reps=1000, seed=2, method=method)
    naive = person_bootstrap_width(values, groups, reps=1000, seed=2)
    assert (clustered["high"] - clustered["low"]) > 2 * naive
    # The module with one organisation per person agrees with the naive bootstrap in scale.
    independent = stats.mean_difference(values, np.arange(200).astype(str), groups, reps=1000, seed=2, method=method)
    assert (independent["high"] - independent["low"]) == pytest.approx(naive, rel=0.2)


def brute_force(first, second, lower_is_better=True):
    """Cliff's delta and P(better) + P(tie)/2 for the first group, by comparing every pair."""
    pairs = list(itertools.product(first, second))
    better = sum((a < b) if lower_is_better else (a > b) for a, b in pairs) / len(pairs)
    worse = sum((a > b) if lower_is_better else (a < b) for a, b in pairs) / len(pairs)
    return better - worse, better + (1 - better - worse) / 2


@pytest.mark.parametrize("lower_is_better", [True, False])
def test_cliffs_delta_matches_brute_force(lower_is_better):
    first, second = [1, 2, 2, 3, 1, 4], [2, 3, 3, 4, 2, 2]
    v, c, g = two_groups(first, second)
    r = stats.ordinal_superiority(v, c, g, lower_is_better=lower_is_better, reps=300, seed=1)
    delta, superiority = brute_force(first, second, lower_is_better)
    assert r["estimate"] == pytest.approx(delta) and r["prob_superiority"] == pytest.approx(superiority)
    assert r["low"] <= r["estimate"] <= r["high"]
    assert (r["n_first"], r["k_first"], r["n_second"], r["k_second"]) == (6, 3, 6, 3)
    assert SPEC_KEYS | {"prob_superiority"} <= set(r)
    assert_plain(r)
    worse = stats.ordinal_superiority(*two_groups(second, first), lower_is_better=lower_is_better, reps=300, seed=1)
    assert worse["estimate"] == pytest.approx(-r["estimate"])


def test_cliffs_delta_from_distributions_matches_pairs_for_many_replicates():
    rng = np.random.default_rng(5)
    samples = [(rng.integers(1, 5, rng.integers(1, 9)), rng.integers(1, 5, rng.integers(1, 9))) for _ in range(20)]
    counts = [np.array([np.bincount(s, minlength=5)[1:] for s in side], dtype=float) for side in zip(*samples)]
    delta = stats.cliffs_delta(counts[0], counts[1], lower_is_better=True)
    assert delta == pytest.approx([brute_force(a, b)[0] for a, b in samples])


def test_micro_better_ordinal_interval_is_positive_and_invalid_levels_dropped():
    # Lower levels are better (fewer unmet needs): micro mostly 1, larger mostly 3-4.
    first = [1, 1, 1, 2, 1, 1, 2, 1, 1, 1]
    second = [3, 4, 3, 3, 4, 4, 3, 2, 4, 3]
    v, c, g = two_groups(first + [7, 2.5], second)  # 7 and 2.5 are not levels on a 1-4 scale
    r = stats.ordinal_superiority(v, c, g, reps=500, seed=1)
    assert r["estimate"] == pytest.approx(brute_force(first, second)[0]) and r["low"] > 0
    assert r["invalid_levels"] == 2 and r["n_first"] == 10


def test_proportion_difference_in_proportion_units():
    flags = pd.Series([True, True, False, True, False, False, False, None], dtype="boolean")
    clusters = pd.Series(["a", "a", "b", "b", "c", "c", "d", "d"])
    groups = pd.Series(["micro"] * 4 + ["larger"] * 4)
    r = stats.proportion_difference(flags, clusters, groups, reps=200, seed=1)
    assert (r["share_first"], r["share_second"], r["n_second"]) == (0.75, 0.0, 3)
    assert (r["mean_first"], r["estimate"]) == (0.75, 0.75)
    assert_plain(r)
    # A t interval for a share near 100% stays within 0-100% (the bootstrap's percentiles always do).
    high = stats.proportion_difference([True] * 7 + [False] + [True, True, False, True], list("aabbccddeeff"), ["micro"] * 8 + ["larger"] * 4)
    assert high["group_high_first"] == 1.0 and high["group_low_first"] < 1.0 and -1 <= high["low"] <= high["high"] <= 1


def test_ratio_difference_is_a_ratio_of_sums():
    # micro: (2 + 4) / (1 + 1) = 3; larger: (6 + 8) / (2 + 2) = 3.5.
    ratio = stats.ratio_difference([2, 4, 6, 8], [1, 1, 2, 2], ["a", "b", "c", "d"], ["micro", "micro", "larger", "larger"], reps=200, seed=1)
    assert ratio["ratio_first"] == pytest.approx(3.0) and ratio["ratio_second"] == pytest.approx(3.5)
    assert ratio["estimate"] == pytest.approx(-0.5) and ratio["mean_first"] == ratio["ratio_first"]
    # Ratio of sums, not mean of ratios: (1 + 9) / (1 + 3) = 2.5, whereas the mean of 1/1 and 9/3 is 2.
    skew = stats.ratio_difference([1, 9, 1, 1], [1, 3, 1, 1], ["a", "b", "c", "d"], ["micro", "micro", "larger", "larger"], reps=200, seed=1)
    assert skew["ratio_first"] == pytest.approx(2.5)
    assert_plain(skew)


def test_replicates_with_a_zero_denominator_are_dropped_and_counted():
    # Organisations a and b have no hours; a bootstrap replicate drawing only them has a zero denominator.
    r = stats.ratio_difference([1, 1, 4, 2, 2], [0, 0, 2, 1, 1], ["a", "b", "c", "d", "e"],
                               ["micro", "micro", "micro", "larger", "larger"], reps=1000, seed=3, method="bootstrap")
    assert r["estimate"] == pytest.approx(6 / 2 - 2.0)
    # P(all three draws from {a, b}) = (2/3)^3, about 296 of 1000.
    assert 200 < r["dropped_reps"] < 400 and r["low"] is not None and "zero denominator" in r["note"]
    assert_plain(r)
    # CR2 weights each organisation by its denominator: here all micro hours are in one organisation (c), so
    # the weighted mean rests on one organisation and has no interval, though its estimate stands.
    c = stats.ratio_difference([1, 1, 4, 2, 2], [0, 0, 2, 1, 1], ["a", "b", "c", "d", "e"], ["micro", "micro", "micro", "larger", "larger"])
    assert c["estimate"] == r["estimate"] and c["low"] is None and "positive denominator" in c["note"]
    assert_plain(c)
    # With hours in two micro organisations there is an interval, and nothing is dropped.
    c = stats.ratio_difference([1, 1, 4, 2, 2], [0, 1, 2, 1, 1], ["a", "b", "c", "d", "e"], ["micro", "micro", "micro", "larger", "larger"])
    assert c["low"] <= c["estimate"] <= c["high"] and c["dropped_reps"] == 0 and "note" not in c
    assert_plain(c)
    none = stats.ratio_difference([1, 1, 2, 2], [0, 0, 1, 1], ["a", "b", "c", "d"], ["micro", "micro", "larger", "larger"], reps=100, seed=3)
    assert none["estimate"] is None and none["ratio_first"] is None and none["low"] is None and "note" in none
    assert_plain(none)


@pytest.mark.parametrize("method", stats.METHODS)
def test_degenerate_groups_give_no_interval_and_no_nan(method):
    kw = {"reps": 100, "method": method}
    one_org = stats.mean_difference([1, 2, 3, 4], ["a", "a", "b", "c"], ["micro", "micro", "larger", "larger"], **kw)
    assert one_org["estimate"] == pytest.approx(-2.0) and one_org["low"] is None and one_org["high"] is None
    assert "fewer than two" in one_org["note"]
    empty = stats.mean_difference([np.nan, np.nan, 1, 2], ["a", "b", "c", "d"], ["micro", "micro", "larger", "larger"], **kw)
    assert empty["estimate"] is None and empty["mean_first"] is None and empty["mean_second"] == pytest.approx(1.5)
    assert empty["low"] is None and "no values" in empty["note"]
    nothing = stats.ordinal_superiority([np.nan] * 4, ["a", "b", "c", "d"], ["micro", "micro", "larger", "larger"], **kw)
    assert nothing["estimate"] is None and nothing["prob_superiority"] is None
    single = stats.ordinal_superiority([1, 2, 3, 4], ["a", "a", "b", "b"], ["micro", "micro", "larger", "larger"], **kw)
    assert single["estimate"] == pytest.approx(1.0) and single["low"] is None
    flags = stats.proportion_difference([None, None, True, False], ["a", "b", "c", "d"], ["micro", "micro", "larger", "larger"], **kw)
    assert flags["estimate"] is None and flags["share_second"] == 0.5
    no_group = stats.mean_difference([1.0, 2.0], ["a", "b"], ["micro", "micro"], **kw)
    assert no_group["estimate"] is None and no_group["k_second"] == 0
    assert one_org["group_low_first"] is None and one_org["se"] is None and one_org["df"] is None
    for result in (one_org, empty, nothing, single, flags, no_group):
        assert_plain(result)
        assert SPEC_KEYS <= set(result)


@pytest.mark.parametrize("method", stats.METHODS)
def test_people_without_an_organisation_are_left_out(method):
    r = stats.mean_difference([1, 1, 3, 3, 100], ["a", "b", "c", "d", None], ["micro"] * 2 + ["larger"] * 3, reps=100, method=method)
    assert r["mean_second"] == 3.0 and r["n_second"] == 2 and r["k_second"] == 2


@pytest.mark.parametrize("method", stats.METHODS)
def test_cost_is_linear_in_organisations(method):
    """10,000 organisations x 100 people stay cheap: organisations are summarised before resampling, and CR2
    has a closed form per organisation (no people x people matrix)."""
    n, size = 10_000, 100
    rng = np.random.default_rng(0)
    values = rng.integers(0, 4, n * size).astype(float)
    clusters = np.repeat(np.arange(n), size)
    groups = np.where(clusters % 2 == 0, "micro", "larger")
    r = stats.mean_difference(values, clusters, groups, reps=100, seed=1, method=method)
    assert (r["k_first"], r["k_second"], r["n_first"] + r["n_second"]) == (n // 2, n // 2, n * size)
    assert r["low"] <= r["estimate"] <= r["high"]


# ---- CR2 / Bell-McCaffrey: the closed form against the textbook matrix computation ----


def matrix_cr2(y, groups, clusters, contrast, weights=None):
    """CR2 variance and Bell-McCaffrey df of contrast' beta in the OLS of y on [1, micro dummy], by matrices.

    Bell & McCaffrey (2002); Imbens & Kolesar (2016): A_g = (I - H_gg)^(-1/2); V = sum_g (c' B X_g' A_g e_g)^2 with
    B = (X'X)^-1; G = [(I - H)_(., g) A_g X_g B c]_g and df = tr(G'G)^2 / tr((G'G)^2) (working model: identity).
    With weights, the WLS as the OLS of sqrt(w) y on sqrt(w) X (working model diag(1/w))."""
    root = np.ones(len(y)) if weights is None else np.sqrt(np.asarray(weights, dtype=float))
    y = root * np.asarray(y, dtype=float)
    x = root[:, None] * np.column_stack([np.ones_like(y), (np.asarray(groups) == "micro").astype(float)])
    bread = np.linalg.inv(x.T @ x)
    residual_maker = np.eye(len(y)) - x @ bread @ x.T
    e = residual_maker @ y
    variance, columns = 0.0, []
    for g in np.unique(clusters):
        idx = np.flatnonzero(np.asarray(clusters) == g)
        w, u = np.linalg.eigh(residual_maker[np.ix_(idx, idx)])
        a = u @ np.diag(w ** -0.5) @ u.T
        weights = a @ x[idx] @ bread @ contrast
        variance += float(weights @ e[idx]) ** 2
        columns.append(residual_maker[:, idx] @ weights)
    m = np.array(columns) @ np.array(columns).T
    return variance, np.trace(m) ** 2 / np.trace(m @ m)


def unbalanced(rng, k_first, k_second, icc=0.3):
    """Random clustered data: organisations of 1-6 people, an organisation effect."""
    sizes = rng.integers(1, 7, k_first + k_second)
    clusters = np.repeat(np.arange(k_first + k_second), sizes)
    groups = np.where(clusters < k_first, "micro", "larger")
    y = np.sqrt(icc) * rng.normal(size=sizes.size)[clusters] + np.sqrt(1 - icc) * rng.normal(size=clusters.size)
    return y, clusters, groups


def t_bounds(estimate, variance, df, level=0.95):
    half = scipy_stats.t.ppf((1 + level) / 2, df) * np.sqrt(variance)
    return estimate - half, estimate + half


@pytest.mark.parametrize("trial", range(6))
def test_cr2_closed_form_equals_the_matrix_cr2_and_bm_df(trial):
    rng = np.random.default_rng(trial)
    k_first, k_second = (int(k) for k in rng.integers(2, 9, 2))
    y, clusters, groups = unbalanced(rng, k_first, k_second)
    r = stats.mean_difference(y, clusters, groups)
    variance, df = matrix_cr2(y, groups, clusters, np.array([0.0, 1.0]))
    assert r["se"] ** 2 == pytest.approx(variance, rel=1e-9) and r["df"] == pytest.approx(df, rel=1e-9)
    assert (r["low"], r["high"]) == pytest.approx(t_bounds(r["estimate"], variance, df), rel=1e-9)
    # A group's own mean is the intercept (larger) or intercept + slope (micro) of the same regression.
    for side, contrast, mean in (("first", [1.0, 1.0], y[groups == "micro"].mean()), ("second", [1.0, 0.0], y[groups == "larger"].mean())):
        variance, df = matrix_cr2(y, groups, clusters, np.array(contrast))
        assert (r[f"group_low_{side}"], r[f"group_high_{side}"]) == pytest.approx(t_bounds(mean, variance, df), rel=1e-9)


def test_cr2_of_a_ratio_is_the_matrix_cr2_of_the_weighted_regression():
    rng = np.random.default_rng(11)
    y, clusters, groups = unbalanced(rng, 6, 4)
    y = np.round(np.abs(y) * 3)
    price = rng.uniform(10, 20, clusters.max() + 1)[clusters]  # one price per organisation
    r = stats.ratio_difference(y, price, clusters, groups)
    # sum y / sum d is the WLS mean of y / d with weights d: the ratio's CR2 is that regression's.
    variance, df = matrix_cr2(y / price, groups, clusters, np.array([0.0, 1.0]), weights=price)
    assert r["se"] ** 2 == pytest.approx(variance, rel=1e-9) and r["df"] == pytest.approx(df, rel=1e-9)
    assert r["method"] == CR2_METHOD + ", ratio of sums as a weighted mean (weights: the denominators)"


def test_cr2_of_cliffs_delta_is_the_matrix_cr2_of_the_placement_values():
    rng = np.random.default_rng(12)
    _, clusters, groups = unbalanced(rng, 7, 5)
    levels = rng.integers(1, 5, clusters.size)
    r = stats.ordinal_superiority(levels, clusters, groups)
    first, second = levels[groups == "micro"], levels[groups == "larger"]
    delta = brute_force(first, second)[0]
    # Placement of each person against the other group (lower is better), minus delta: their influence values.
    z = np.where(groups == "micro",
                 [np.mean(second > x) - np.mean(second < x) for x in levels],
                 [np.mean(first < x) - np.mean(first > x) for x in levels]) - delta
    variance, df = matrix_cr2(z, groups, clusters, np.array([0.0, 1.0]))
    assert r["estimate"] == pytest.approx(delta)
    assert r["se"] ** 2 == pytest.approx(variance, rel=1e-9) and r["df"] == pytest.approx(df, rel=1e-9)
    assert -1 <= r["low"] <= r["estimate"] <= r["high"] <= 1


def test_equal_cluster_sizes_reduce_to_a_welch_t_on_cluster_means():
    """With m people in every organisation, CR2 is Welch's standard error of the difference in cluster means and
    the BM df is Welch-Satterthwaite's with the working model's (equal) variances of a cluster mean; so when the
    two groups' cluster means have equal sample variances, the interval is exactly Welch's."""
    rng = np.random.default_rng(3)
    m, k_first, k_second = 3, 17, 10
    clusters = np.repeat(np.arange(k_first + k_second), m)
    groups = np.where(clusters < k_first, "micro", "larger")
    a, b = rng.normal(size=k_first), rng.normal(size=k_second) + 0.4  # the organisations' means
    b = (b - b.mean()) * a.std(ddof=1) / b.std(ddof=1) + b.mean()  # equal sample variances, larger group's mean kept
    y = np.repeat(np.concatenate([a, b]), m) + np.tile([-0.5, 0.0, 0.5], k_first + k_second)  # same cluster means
    r = stats.mean_difference(y, clusters, groups)
    welch = scipy_stats.ttest_ind(a, b, equal_var=False)
    assert r["estimate"] == pytest.approx(a.mean() - b.mean())
    assert r["se"] == pytest.approx(np.sqrt(a.var(ddof=1) / k_first + b.var(ddof=1) / k_second))
    assert r["df"] == pytest.approx(welch.df)
    assert (r["low"], r["high"]) == pytest.approx(tuple(welch.confidence_interval(0.95)))
    # The df depends on the design only: (1/G1 + 1/G0)^2 / (1/(G1^2 (G1-1)) + 1/(G0^2 (G0-1))), about 19.0 here.
    assert r["df"] == pytest.approx((1 / 17 + 1 / 10) ** 2 / (1 / (17**2 * 16) + 1 / (10**2 * 9)))
    # A group's own interval is the one-sample t interval on its cluster means (df = G - 1).
    own = scipy_stats.ttest_1samp(a, 0).confidence_interval(0.95)
    assert (r["group_low_first"], r["group_high_first"]) == pytest.approx((own.low, own.high))


def test_the_organisation_level_comparison_is_welch_on_each_organisation_s_own_value():
    # Three micro organisations of 1, 2 and 3 people, two larger ones: Welch weighs each organisation once.
    values = pd.Series([1.0, 2, 2, 4, 4, 4, 0, 1, 1], dtype=float)
    clusters = pd.Series(["a", "b", "b", "c", "c", "c", "d", "e", "e"])
    groups = pd.Series(["micro"] * 6 + ["larger"] * 3)
    r = stats.mean_difference(values, clusters, groups)
    welch = r["organisation_level"]
    reference = scipy_stats.ttest_ind([1, 2, 4], [0, 1], equal_var=False)
    low, high = reference.confidence_interval(0.95)
    assert welch["estimate"] == pytest.approx(7 / 3 - 0.5) and r["estimate"] == pytest.approx(17 / 6 - 2 / 3)
    assert (welch["low"], welch["high"]) == (pytest.approx(low), pytest.approx(high))
    assert welch["df"] == pytest.approx(reference.df) and welch["p_value"] == pytest.approx(reference.pvalue)
    assert welch["se"] == pytest.approx((7 / 3 - 0.5) / reference.statistic)
    assert (welch["k_first"], welch["k_second"], welch["mean_first"], welch["mean_second"]) == (3, 2, pytest.approx(7 / 3), 0.5)
    # A ratio's organisations: each one's own sum of numerators over its sum of denominators.
    ratio = stats.ratio_difference(values, pd.Series([1.0, 1, 3, 2, 2, 2, 1, 1, 1]), clusters, groups)["organisation_level"]
    assert ratio["mean_first"] == pytest.approx((1 + 4 / 4 + 12 / 6) / 3) and ratio["mean_second"] == pytest.approx((0 + 1) / 2)
    # A share's interval stays on the scale; a group with one organisation has no Welch row.
    share = stats.proportion_difference([True, True, False, True, False, False], ["a", "b", "c", "d", "e", "f"],
                                        ["micro", "micro", "micro", "larger", "larger", "larger"])["organisation_level"]
    assert -1 <= share["low"] <= share["high"] <= 1
    assert "organisation_level" not in stats.mean_difference([1.0, 2, 3], ["a", "a", "b"], ["micro", "micro", "larger"])


def test_cliffs_delta_interval_is_made_on_the_atanh_scale():
    from scipy.special import stdtrit

    low, high = cr2.atanh_t_interval(np.array([0.6, 0.0, 1.0]), np.array([0.04, 0.04, 0.01]), np.array([19.0, 19.0, 19.0]), 0.95)
    half = stdtrit(19.0, 0.975) * 0.2 / (1 - 0.36)
    assert (low[0], high[0]) == (pytest.approx(np.tanh(np.arctanh(0.6) - half)), pytest.approx(np.tanh(np.arctanh(0.6) + half)))
    assert high[0] - 0.6 < 0.6 - low[0] and -1 < low[0] < high[0] < 1  # asymmetric, pulled in at the bound
    assert (low[1], high[1]) == (pytest.approx(-np.tanh(stdtrit(19.0, 0.975) * 0.2)), pytest.approx(np.tanh(stdtrit(19.0, 0.975) * 0.2)))
    assert (low[2], high[2]) == (-1.0, 1.0)  # no spread on the atanh scale at the bound: the whole range
    # The chapters' Cliff's delta uses it, from the same CR2 variance and df.
    levels = pd.Series([1, 1, 2, 1, 2, 2, 3, 4, 3, 2, 4, 3], dtype=float)
    clusters = pd.Series(["a", "a", "b", "b", "c", "c", "d", "d", "e", "e", "f", "f"])
    groups = pd.Series(["micro"] * 6 + ["larger"] * 6)
    r = stats.ordinal_superiority(levels, clusters, groups)
    expected = cr2.atanh_t_interval(r["estimate"], r["se"] ** 2, r["df"], 0.95)
    assert (r["low"], r["high"]) == (pytest.approx(float(expected[0])), pytest.approx(float(expected[1])))


def test_the_array_fast_path_builds_the_same_frame_as_the_general_one():
    """The simulations pass plain arrays and take `_frame`'s fast path: the same values, codes, groups and index
    (RangeIndex when nobody is dropped) as the general path, which the chapters' Series take."""
    from goodcare.stats import _frame

    rng = np.random.default_rng(7)
    for trial in range(60):
        n = int(rng.integers(1, 120))
        values = [rng.standard_normal(n), rng.integers(0, 5, n), rng.random(n) > 0.5][trial % 3]
        if trial % 3 == 0 and trial % 2:
            values[rng.random(n) < 0.2] = np.nan
            values[rng.random(n) < 0.05] = np.inf
        clusters, groups = rng.integers(0, 30, n) * 7, np.array(["micro", "larger"])[rng.integers(0, 2, n)]
        fast = _frame(values, clusters, groups)
        general = _frame(pd.Series(values), pd.Series(clusters), pd.Series(groups))  # Series: the general path
        pd.testing.assert_frame_equal(fast, general, check_index_type=True, check_exact=True)


def test_organisation_welch_on_many_data_sets_equals_scipy_row_by_row():
    """Rows without a missing organisation go through scipy vectorised, the others row by row: every number
    is scipy's own, in the original row order."""
    rng = np.random.default_rng(11)
    first, second = rng.standard_normal((40, 9)), rng.standard_normal((40, 8)) + 0.3
    first[rng.random((40, 9)) < 0.04] = np.nan
    second[3, :] = np.nan  # a data set whose second group has no organisation with a value
    assert 0 < np.isnan(first).any(axis=1).sum() < 40
    out = stats.organisation_welch(first, second, 0.95)
    test = scipy_stats.ttest_ind(first, second, equal_var=False, nan_policy="omit", axis=-1)
    ci = test.confidence_interval(0.95)
    for mine, theirs in ((out["p_value"], test.pvalue), (out["low"], ci.low), (out["high"], ci.high), (out["df"], test.df)):
        np.testing.assert_array_equal(mine, np.asarray(theirs))
    np.testing.assert_array_equal(out["k_second"], (~np.isnan(second)).sum(axis=1))
