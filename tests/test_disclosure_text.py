"""Identifiers in excerpts stop the build (offline, no NLP model); quote attributions are k-anonymous."""

import pandas as pd
import pytest

from goodcare.disclosure import DisclosureError, Settings
from goodcare.disclosure.settings import IDENTIFIER_KINDS
from goodcare.disclosure.attribution import anonymise, attributions, is_k_anonymous
from goodcare.disclosure.quotes import publish_quotes, run_attributions
from goodcare.disclosure.text import find_identifiers

KINDS = IDENTIFIER_KINDS
pytestmark = pytest.mark.usefixtures("no_network")  # the scan must run offline
NAMES = ("Margaret Oduya", "Larkfield House")
IDENTIFIED = {
    "email": "You can write to jo.bloggs@example.co.uk about it.",
    "phone": "Ring the office on 0121 496 0000 if she is poorly.",
    "postcode": "We moved the day centre to B15 2TT last spring.",
    "nhs_number": "Her NHS number, 943 476 5919, was on the folder.",
    "url": "It is all on www.ourcarecoop.org.uk now.",
    "name": "Margaret Oduya has been with us since the start.",
}
ORDINARY = [
    "She is 82 and pays £14.50 an hour, two or three times a week.",
    "I have worked here 12 years; visits used to be 15 minutes at 9.30am.",
    "From 1998 to 2007 we had 20 staff, on 3 March 2014 we were down to 4.",
    "We try to match workers and clients who share an interest.",
    "Over 65s make up 70% of our clients; the rate went from £12 to £13.20.",
]


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_identifier_is_found(kind):
    assert kind in find_identifiers(IDENTIFIED[kind], KINDS, NAMES)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_with_ages_prices_and_dates_passes(text):
    assert find_identifiers(text, KINDS, NAMES) == []


def frames(excerpts: list[str], roles=None, bands=None, services=None):
    """Codings with one segment per person, each in their own organisation."""
    n = len(excerpts)
    ids = [f"P{i:03d}" for i in range(n)]
    codings = pd.DataFrame({"segment_id": [f"S{i:03d}" for i in range(n)], "participant_id": ids, "code_id": "X", "excerpt": excerpts})
    participants = pd.DataFrame({"participant_id": ids, "org_id": [f"O{i:03d}" for i in range(n)], "role": roles or ["frontline_staff"] * n})
    organisations = pd.DataFrame({"org_id": [f"O{i:03d}" for i in range(n)], "size_band": bands or ["micro"] * n,
                                  "service_type": services or ["day_service"] * n})
    return codings, participants, organisations


@pytest.mark.parametrize("kind", KINDS)
def test_an_identifier_in_any_excerpt_stops_the_build_without_showing_it(tmp_path, kind):
    codings, participants, organisations = frames([*ORDINARY, IDENTIFIED[kind]])
    with pytest.raises(DisclosureError) as err:
        run_attributions([], codings, participants, organisations, Settings(deny_list=NAMES))
    message = str(err.value)
    assert f"segment S{len(ORDINARY):03d}: rule identifiers ({kind} found)" in message
    assert IDENTIFIED[kind] not in message and not any(w in message for w in ("0121", "B15", "Oduya", "example.co.uk", "5919"))


def test_a_deny_list_file_is_read(tmp_path):
    register = tmp_path / "register.txt"
    register.write_text("# names and places\nLarkfield House\n", encoding="utf-8")
    settings = Settings(deny_list_file=str(register))
    assert find_identifiers("She went to Larkfield House.", KINDS, tuple(settings.names())) == ["name"]


def people_table(groups: dict) -> tuple:
    """Quoted people: {(role, band, service): how many}, one segment each; returns (quotes, codings, participants, orgs)."""
    roles, bands, services = [], [], []
    for (role, band, service), n in groups.items():
        roles += [role] * n
        bands += [band] * n
        services += [service] * n
    codings, participants, organisations = frames(["A remark."] * len(roles), roles, bands, services)
    return codings[["segment_id"]], codings, participants, organisations


def test_attributions_are_coarsened_until_k_anonymous():
    quotes, codings, participants, organisations = people_table({
        ("owner_manager", "micro", "day_service"): 5,  # a class of five: stays as it is
        ("frontline_staff", "micro", "day_service"): 3,  # too few: service type dropped, for both classes
        ("frontline_staff", "micro", "home_support"): 2,
        ("frontline_staff", "small", "home_support"): 3,  # too few even without service: widened to 'larger'
        ("frontline_staff", "large", "one_to_one"): 2,
    })
    table = attributions(quotes, codings, participants, organisations, k=5, coarsening=("service_type", "size_band", "group"))
    shown = table[~table["withheld"]].drop_duplicates("participant_id")
    assert is_k_anonymous(shown["released"], 5)  # recomputed from the attributions themselves
    assert not table["withheld"].any() and (table["level"] > 0).sum() == 10
    assert table["attribution"].str.fullmatch(r"Manager \d+, Micro day service").sum() == 5
    assert table["attribution"].str.fullmatch(r"Staff \d+, Micro provider").sum() == 5
    assert table["attribution"].str.fullmatch(r"Staff \d+, larger provider").sum() == 5
    assert table["attribution"].str.extract(r"(\d+)")[0].nunique() == 15  # one running number per person


def test_a_rare_class_merges_with_its_neighbours_rather_than_being_withheld():
    quotes, codings, participants, organisations = people_table({
        ("frontline_staff", "micro", "day_service"): 5, ("frontline_staff", "micro", "home_support"): 2})
    table = attributions(quotes, codings, participants, organisations, k=5, coarsening=("service_type", "size_band", "group"))
    assert not table["withheld"].any() and table["attribution"].str.endswith("Micro provider").all()


def test_attributions_still_too_rare_are_withheld():
    quotes, codings, participants, organisations = people_table({
        ("frontline_staff", "micro", "day_service"): 6,
        ("carer", "large", "home_support"): 2,  # only two carers quoted in the whole book
    })
    table = attributions(quotes, codings, participants, organisations, k=5, coarsening=("service_type", "size_band", "group"))
    assert table.loc[table["attribution"].str.startswith("Carer"), "withheld"].all()
    published, report = publish_quotes("ch", quotes.assign(topic="t"), table.drop(columns="participant_id"), codings, [])
    assert len(published) == 6 and report["withheld"] == 2 and list(published.columns) == ["topic", "excerpt", "attribution"]


def test_k_anonymity_by_class_not_by_quote():
    people = pd.DataFrame({"participant_id": ["a", "b"], "role": "carer", "size_band": "micro", "group": "micro", "service_type": "day_service"})
    assert anonymise(people, 2, ("service_type",))["level"].eq(0).all()
    assert anonymise(people, 3, ("service_type",))["withheld"].all()
