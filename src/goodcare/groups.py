"""Provider groups (micro vs larger) and the joins that attach them to people."""

import numpy as np
import pandas as pd

from goodcare import vocab
from goodcare.outputs import cells, contributors, place

# The two counts of a coded category: the people it was coded for (distinct speakers) and their organisations.
CODED_COUNTS = {"People coded": "participant_id", "Organisations": "org_id"}


def provider_group(size_band: pd.Series) -> pd.Series:
    """'micro' for micro-enterprises, 'larger' for small, medium and large providers."""
    group = np.where(np.asarray(size_band == "micro", dtype=bool), "micro", "larger")
    return pd.Categorical(group, categories=vocab.PROVIDER_GROUPS, ordered=True)


def with_organisation(people: pd.DataFrame, organisations: pd.DataFrame, columns=("size_band",)) -> pd.DataFrame:
    """People (or their rows) with their organisation's columns and provider group attached."""
    orgs = organisations[["org_id", *columns]]
    merged = people.merge(orgs, on="org_id", how="left", validate="many_to_one")
    merged["group"] = provider_group(merged["size_band"])
    return merged


def coded_segments(frames: dict[str, pd.DataFrame], theme: str, code_columns=("sub_theme",), people_columns=("org_id", "group")) -> pd.DataFrame:
    """Segments coded with a code of one codebook theme, with the code's `code_columns` and the speaker's
    `people_columns` (organisation, provider group, role ...)."""
    codes = frames["codebook"].query("theme == @theme")[["code_id", *code_columns]]
    people = with_organisation(frames["participants"], frames["organisations"])
    return frames["codings"].merge(codes, on="code_id").merge(people[["participant_id", *people_columns]], on="participant_id")


def coded_people(seg: pd.DataFrame, column: str, categories: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per category of `column` (in the order given): the people whose segments carry it and their
    organisations, as the columns "People coded" and "Organisations", with the cells that describe them.

    One person can be coded in several categories, so the categories are marked as not splitting people
    (the gate never adds their counts up).
    """
    counts = pd.DataFrame({name: [int(seg.loc[seg[column] == c, unit].nunique()) for c in categories]
                           for name, unit in CODED_COUNTS.items()})
    who = contributors(seg, [column], repeated=(column,))
    rows = pd.DataFrame({column: list(categories)})
    return counts, cells(*(place(who, "count", rows, name) for name in CODED_COUNTS))
