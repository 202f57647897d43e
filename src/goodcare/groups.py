"""Provider groups (micro vs larger) and the joins that attach them to people."""

import numpy as np
import pandas as pd

from goodcare import vocab


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


def ordered_bands(values: pd.Series) -> pd.Categorical:
    """Size bands as an ordered categorical (micro first)."""
    return pd.Categorical(values, categories=vocab.SIZE_BANDS, ordered=True)
