"""The cluster bootstrap and effect sizes: known answers, direction, determinism, clustering, edge cases."""

import itertools

import numpy as np
import pandas as pd
import pytest

from goodcare import stats


def two_groups(first_values, second_values, per_cluster=2):
    """Values with cluster ids (per_cluster people each) and group labels."""
    values = list(first_values) + list(second_values)
    groups = ["micro"] * len(first_values) + ["larger"] * len(second_values)
    clusters = [f"{g}{i // per_cluster}" for g, i in zip(groups, list(range(len(first_values))) + list(range(len(second_values))))]
    return pd.Series(values, dtype=float), pd.Series(clusters), pd.Series(groups)


def test_mean_difference_known_answer_and_interval():
    v, c, g = two_groups([3, 3, 2, 2, 3, 1], [1, 1, 2, 0, 1, 1])
    r = stats.mean_difference(v, c, g, reps=500, seed=1)
    assert r["mean_first"] == pytest.approx(14 / 6) and r["mean_second"] == pytest.approx(1.0)
    assert r["estimate"] == pytest.approx(14 / 6 - 1)
    assert r["low"] <= r["estimate"] <= r["high"]
    assert r["group_low_first"] <= r["mean_first"] <= r["group_high_first"]
    assert (r["n_first"], r["k_first"], r["n_second"], r["k_second"]) == (6, 3, 6, 3)


def test_first_group_worse_gives_a_negative_interval():
    v, c, g = two_groups([0, 0, 1, 0, 0, 1, 0, 0], [3, 3, 2, 3, 3, 3, 2, 3])
    r = stats.mean_difference(v, c, g, reps=500, seed=1)
    assert r["estimate"] < 0 and r["high"] < 0


def test_same_seed_same_result_other_seed_other_interval():
    v, c, g = two_groups(np.arange(20) % 4, np.arange(20) % 3)
    a, b = (stats.mean_difference(v, c, g, reps=300, seed=9) for _ in range(2))
    assert a == b
    assert stats.mean_difference(v, c, g, reps=300, seed=10)["low"] != a["low"]


def test_clustering_widens_the_interval():
    """When all variation lies between organisations, resampling organisations gives a wider interval
    than resampling people as if they were independent."""
    rng = np.random.default_rng(0)
    org_means = rng.normal(0, 1, 20)
    values = np.repeat(org_means, 10)
    clusters = np.repeat([f"o{i}" for i in range(20)], 10)
    groups = np.where(np.arange(200) < 100, "micro", "larger")
    clustered = stats.mean_difference(values, clusters, groups, reps=1000, seed=2)
    independent = stats.mean_difference(values, np.arange(200).astype(str), groups, reps=1000, seed=2)
    assert (clustered["high"] - clustered["low"]) > 2 * (independent["high"] - independent["low"])


def brute_force_delta(first, second):
    """Cliff's delta with lower levels better, by comparing every pair."""
    pairs = list(itertools.product(first, second))
    return (sum(a < b for a, b in pairs) - sum(a > b for a, b in pairs)) / len(pairs)


def test_cliffs_delta_matches_brute_force():
    first, second = [1, 2, 2, 3, 1, 4], [2, 3, 3, 4, 2, 2]
    v, c, g = two_groups(first, second)
    r = stats.ordinal_superiority(v, c, g, reps=300, seed=1)
    assert r["estimate"] == pytest.approx(brute_force_delta(first, second))
    assert r["prob_superiority"] == pytest.approx((r["estimate"] + 1) / 2)
    assert r["low"] <= r["estimate"] <= r["high"]
    worse = stats.ordinal_superiority(*two_groups(second, first), reps=300, seed=1)
    assert worse["estimate"] == pytest.approx(-r["estimate"])


def test_proportion_and_ratio_differences():
    flags = pd.Series([True, True, False, True, False, False, False, None], dtype="boolean")
    clusters = pd.Series(["a", "a", "b", "b", "c", "c", "d", "d"])
    groups = pd.Series(["micro"] * 4 + ["larger"] * 4)
    r = stats.proportion_difference(flags, clusters, groups, reps=200, seed=1)
    assert (r["share_first"], r["share_second"], r["n_second"]) == (0.75, 0.0, 3)
    ratio = stats.ratio_difference([2, 4, 6, 8], [1, 1, 2, 2], ["a", "b", "c", "d"], ["micro", "micro", "larger", "larger"], reps=200, seed=1)
    assert ratio["ratio_first"] == pytest.approx(3.0) and ratio["ratio_second"] == pytest.approx(3.5)


def test_degenerate_groups_give_no_interval_and_no_nan():
    one_org = stats.mean_difference([1, 2, 3, 4], ["a", "a", "b", "c"], ["micro", "micro", "larger", "larger"], reps=100)
    assert one_org["estimate"] == pytest.approx(-2.0) and one_org["low"] is None and "fewer than two" in one_org["note"]
    empty = stats.mean_difference([np.nan, np.nan, 1, 2], ["a", "b", "c", "d"], ["micro", "micro", "larger", "larger"], reps=100)
    assert empty["estimate"] is None and empty["mean_second"] == pytest.approx(1.5)


def test_cost_is_linear_in_organisations():
    """10,000 organisations x 200 replicates stay cheap because organisations are summarised first."""
    n = 10_000
    values = np.tile([0.0, 1.0, 2.0], n)
    clusters = np.repeat(np.arange(n).astype(str), 3)
    groups = np.where(np.arange(3 * n) % 2 == 0, "micro", "larger")
    r = stats.mean_difference(values, clusters, groups, reps=200, seed=1)
    assert r["k_first"] + r["k_second"] >= n and r["low"] is not None
