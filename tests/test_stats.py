"""The cluster bootstrap and effect sizes: known answers, direction, determinism, clustering, edge cases."""

import itertools
import json

import numpy as np
import pandas as pd
import pytest

from goodcare import stats

SPEC_KEYS = {"estimate", "low", "high", "n_first", "n_second", "k_first", "k_second", "reps", "level", "method", "dropped_reps"}


def two_groups(first_values, second_values, per_cluster=2):
    """Values with cluster ids (per_cluster people each) and group labels."""
    values = list(first_values) + list(second_values)
    groups = ["micro"] * len(first_values) + ["larger"] * len(second_values)
    clusters = [f"{g}{i // per_cluster}" for g, i in zip(groups, list(range(len(first_values))) + list(range(len(second_values))))]
    return pd.Series(values, dtype=float), pd.Series(clusters), pd.Series(groups)


def assert_plain(result):
    """JSON without NaN, and only Python types (no numpy scalars)."""
    json.dumps(result, allow_nan=False)
    assert all(v is None or type(v) in (int, float, str) for v in result.values()), result


def test_mean_difference_known_answer_and_interval():
    v, c, g = two_groups([3, 3, 2, 2, 3, 1], [1, 1, 2, 0, 1, 1])
    r = stats.mean_difference(v, c, g, reps=500, seed=1)
    assert r["mean_first"] == pytest.approx(14 / 6) and r["mean_second"] == pytest.approx(1.0)
    assert r["estimate"] == pytest.approx(14 / 6 - 1)
    assert r["low"] <= r["estimate"] <= r["high"]
    assert r["group_low_first"] <= r["mean_first"] <= r["group_high_first"]
    assert (r["n_first"], r["k_first"], r["n_second"], r["k_second"]) == (6, 3, 6, 3)
    assert SPEC_KEYS | {"mean_first", "mean_second"} <= set(r) and r["dropped_reps"] == 0
    assert r["method"] == "cluster bootstrap (organisations resampled within group), percentile interval, 500 replicates"
    assert_plain(r)


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
    a, b = (stats.mean_difference(v, c, g, reps=300, seed=9) for _ in range(2))
    assert a == b
    assert stats.mean_difference(v, c, g, reps=300, seed=10)["low"] != a["low"]
    # A generator made from the seed may be passed instead of the seed.
    assert stats.mean_difference(v, c, g, reps=300, seed=np.random.default_rng(9)) == a


def person_bootstrap_width(values, groups, reps, seed, level=0.95):
    """Width of a naive interval that resamples people within group as if they were independent."""
    rng = np.random.default_rng(seed)
    first, second = values[groups == "micro"], values[groups == "larger"]
    draws = [rng.choice(first, (reps, first.size)).mean(axis=1) - rng.choice(second, (reps, second.size)).mean(axis=1)]
    low, high = np.quantile(draws[0], [(1 - level) / 2, (1 + level) / 2])
    return high - low


def test_clustering_widens_the_interval():
    """When all variation lies between organisations, resampling organisations gives a wider interval
    than resampling people as if they were independent."""
    rng = np.random.default_rng(0)
    org_means = rng.normal(0, 1, 20)
    values = np.repeat(org_means, 10)  # everyone in an organisation has the same value
    clusters = np.repeat([f"o{i}" for i in range(20)], 10)
    groups = np.where(np.arange(200) < 100, "micro", "larger")
    clustered = stats.mean_difference(values, clusters, groups, reps=1000, seed=2)
    naive = person_bootstrap_width(values, groups, reps=1000, seed=2)
    assert (clustered["high"] - clustered["low"]) > 2 * naive
    # The module with one organisation per person agrees with the naive bootstrap in scale.
    independent = stats.mean_difference(values, np.arange(200).astype(str), groups, reps=1000, seed=2)
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
    # Organisations a and b have no hours; a replicate drawing only them has a zero denominator.
    r = stats.ratio_difference([1, 1, 4, 2, 2], [0, 0, 2, 1, 1], ["a", "b", "c", "d", "e"],
                               ["micro", "micro", "micro", "larger", "larger"], reps=1000, seed=3)
    assert r["estimate"] == pytest.approx(6 / 2 - 2.0)
    # P(all three draws from {a, b}) = (2/3)^3, about 296 of 1000.
    assert 200 < r["dropped_reps"] < 400 and r["low"] is not None and "zero denominator" in r["note"]
    assert_plain(r)
    none = stats.ratio_difference([1, 1, 2, 2], [0, 0, 1, 1], ["a", "b", "c", "d"], ["micro", "micro", "larger", "larger"], reps=100, seed=3)
    assert none["estimate"] is None and none["ratio_first"] is None and none["low"] is None and "note" in none
    assert_plain(none)


def test_degenerate_groups_give_no_interval_and_no_nan():
    one_org = stats.mean_difference([1, 2, 3, 4], ["a", "a", "b", "c"], ["micro", "micro", "larger", "larger"], reps=100)
    assert one_org["estimate"] == pytest.approx(-2.0) and one_org["low"] is None and one_org["high"] is None
    assert "fewer than two" in one_org["note"]
    empty = stats.mean_difference([np.nan, np.nan, 1, 2], ["a", "b", "c", "d"], ["micro", "micro", "larger", "larger"], reps=100)
    assert empty["estimate"] is None and empty["mean_first"] is None and empty["mean_second"] == pytest.approx(1.5)
    assert empty["low"] is None and "no values" in empty["note"]
    nothing = stats.ordinal_superiority([np.nan] * 4, ["a", "b", "c", "d"], ["micro", "micro", "larger", "larger"], reps=100)
    assert nothing["estimate"] is None and nothing["prob_superiority"] is None
    single = stats.ordinal_superiority([1, 2, 3, 4], ["a", "a", "b", "b"], ["micro", "micro", "larger", "larger"], reps=100)
    assert single["estimate"] == pytest.approx(1.0) and single["low"] is None
    flags = stats.proportion_difference([None, None, True, False], ["a", "b", "c", "d"], ["micro", "micro", "larger", "larger"], reps=100)
    assert flags["estimate"] is None and flags["share_second"] == 0.5
    no_group = stats.mean_difference([1.0, 2.0], ["a", "b"], ["micro", "micro"], reps=100)
    assert no_group["estimate"] is None and no_group["k_second"] == 0
    for result in (one_org, empty, nothing, single, flags, no_group):
        assert_plain(result)
        assert SPEC_KEYS <= set(result)


def test_people_without_an_organisation_are_left_out():
    r = stats.mean_difference([1, 1, 3, 3, 100], ["a", "b", "c", "d", None], ["micro"] * 2 + ["larger"] * 3, reps=100)
    assert r["mean_second"] == 3.0 and r["n_second"] == 2


def test_cost_is_linear_in_organisations():
    """10,000 organisations x 100 people stay cheap because organisations are summarised before resampling."""
    n, size = 10_000, 100
    rng = np.random.default_rng(0)
    values = rng.integers(0, 4, n * size).astype(float)
    clusters = np.repeat(np.arange(n), size)
    groups = np.where(clusters % 2 == 0, "micro", "larger")
    r = stats.mean_difference(values, clusters, groups, reps=100, seed=1)
    assert (r["k_first"], r["k_second"], r["n_first"] + r["n_second"]) == (n // 2, n // 2, n * size)
    assert r["low"] <= r["estimate"] <= r["high"]
