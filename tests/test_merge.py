"""Rare categories merge with their neighbours until every provider group's count can be published."""

import pandas as pd

from goodcare.merge import family_id, family_label, merge_rare


def counts(rows: dict) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index", columns=["micro", "larger"])


def test_categories_that_pass_stay_apart_and_empty_ones_go():
    table = counts({"a": [5, 3], "b": [0, 4], "c": [0, 0], "d": [3, 0]})
    assert merge_rare(table, 3) == [["a"], ["b"], ["d"]]  # zeros are publishable; nobody in c


def test_a_rare_category_joins_its_smaller_neighbour():
    table = counts({"a": [6, 0], "b": [5, 0], "c": [4, 6], "d": [2, 2], "e": [0, 1], "f": [0, 0], "g": [0, 1]})
    families = merge_rare(table, 3)
    assert families == [["a"], ["b"], ["c", "d", "e", "g"]]
    for family in families:  # recomputed: no group has 1 or 2 organisations in any family
        total = table.loc[family].sum()
        assert ((total == 0) | (total >= 3)).all()


def test_the_threshold_is_a_boundary():
    table = counts({"a": [3, 3], "b": [2, 3], "c": [9, 9]})
    assert merge_rare(table, 3) == [["a", "b"], ["c"]]  # b (2 micro) is rare, a is its smaller neighbour
    assert merge_rare(table, 2) == [["a"], ["b"], ["c"]]  # at exactly the threshold, a category stands alone


def test_one_family_is_where_merging_stops():
    table = counts({"a": [1, 0], "b": [1, 1]})
    assert merge_rare(table, 3) == [["a", "b"]]


def test_family_words_and_ids():
    labels = {"sole_trader": "Sole trader", "partnership": "Partnership", "charity": "Charity"}
    assert family_label(["sole_trader"], labels) == "Sole trader"
    assert family_label(["sole_trader", "partnership"], labels) == "Sole trader or partnership"
    assert family_label(["sole_trader", "partnership", "charity"], labels) == "Sole trader, partnership or charity"
    assert family_id(["sole_trader", "partnership"]) == "sole_trader+partnership"
