"""Quote attributions (role + running number + size band + service type), coarsened book-wide until k-anonymous."""

import pandas as pd

from goodcare import vocab

ROLE_WORDS = {"owner_manager": "Manager", "frontline_staff": "Staff", "person_using_services": "Person using services", "carer": "Carer"}
SERVICE_WORDS = {"home_support": "home support", "day_service": "day service", "one_to_one": "one-to-one support"}
PARTS = ("role", "size_band", "service_type")


def quoted_people(quotes: pd.DataFrame, codings: pd.DataFrame, participants: pd.DataFrame, organisations: pd.DataFrame) -> pd.DataFrame:
    """Per quoted segment: segment_id, participant_id, role, size band, provider group, service type, number.

    The running number is per person, in order of participant id, so one person keeps one number book-wide.
    """
    rows = quotes[["segment_id"]].drop_duplicates().merge(codings[["segment_id", "participant_id"]], on="segment_id", how="left")
    rows = rows.merge(participants[["participant_id", "org_id", "role"]], on="participant_id", how="left")
    rows = rows.merge(organisations[["org_id", "size_band", "service_type"]], on="org_id", how="left")
    rows["group"] = rows["size_band"].map(lambda b: "micro" if b == "micro" else "larger")
    people = sorted(rows["participant_id"].dropna().unique())
    rows["number"] = rows["participant_id"].map({p: i + 1 for i, p in enumerate(people)})
    return rows


def released(person: pd.Series, level: int, coarsening: tuple) -> tuple:
    """The attribution tuple released at a coarsening level: each level drops or widens one more part."""
    dropped = set(coarsening[:level])
    band = None if {"size_band", "group"} <= dropped else person["group"] if "size_band" in dropped else person["size_band"]
    service = None if "service_type" in dropped else person["service_type"]
    return (person["role"], band, service)


def anonymise(people: pd.DataFrame, k: int, coarsening: tuple) -> pd.DataFrame:
    """Coarsen every released tuple held by fewer than k people one step, together with everyone whose next
    step gives the same tuple (so a rare class merges with its neighbours); withhold what stays below k.

    Adds `level` (how many coarsening steps were applied), `tuple` and `withheld` to one row per person.
    """
    persons = people.drop_duplicates("participant_id").set_index("participant_id")
    top = len(coarsening)
    level = pd.Series(0, index=persons.index)
    at = lambda lv: pd.Series([released(persons.loc[p], min(lv[p], top), coarsening) for p in persons.index], index=persons.index, dtype=object)
    while True:
        tuples = at(level)
        sizes = tuples.map(tuples.value_counts())
        small = (sizes < k) & (level < top)
        if not small.any():
            break
        following = at(level + 1)
        joining = following.isin(set(following[small])) & (level < top)
        level[small | joining] += 1
    out = persons.assign(level=level, tuple=tuples, withheld=sizes < k)
    return out.reset_index()


def is_k_anonymous(released_tuples: pd.Series, k: int) -> bool:
    """Whether every released tuple is shared by at least k people (the check, recomputed from the output)."""
    return bool(released_tuples.empty or released_tuples.value_counts().min() >= k)


def words(role: str, number: int, band: str | None, service: str | None) -> str:
    """An attribution in words: 'Staff 12, Micro day service', 'Staff 12, larger provider', 'Staff 12'."""
    who = f"{ROLE_WORDS.get(role, role)} {int(number)}"
    if band is None:
        return who
    size = {"micro": "Micro", "larger": "larger"}.get(band) or vocab.SIZE_BAND_LABELS.get(band, band)
    what = SERVICE_WORDS.get(service, service) if service else "provider"
    return f"{who}, {size} {what}"


def attributions(quotes: pd.DataFrame, codings, participants, organisations, k: int, coarsening: tuple) -> pd.DataFrame:
    """Per quoted segment: its attribution in words (or withheld), the coarsening level and the released tuple."""
    columns = ["segment_id", "participant_id", "attribution", "released", "level", "withheld"]
    people = quoted_people(quotes, codings, participants, organisations)
    if people.empty:
        return pd.DataFrame(columns=columns)
    anon = anonymise(people, k, coarsening)[["participant_id", "level", "tuple", "withheld"]]
    rows = people.merge(anon, on="participant_id", how="left")
    rows["attribution"] = [words(r.role, r.number, t[1], t[2]) for r, t in zip(rows.itertuples(), rows["tuple"])]
    rows["released"] = rows["tuple"].map(lambda t: " / ".join(str(x) for x in t if x is not None))
    return rows[columns]
