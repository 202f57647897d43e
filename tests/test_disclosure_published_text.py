"""Every published free text is scanned after normalisation: hidden names, words-for-symbols, shapes, and no false alarms."""

import pandas as pd
import pytest

from goodcare.disclosure import DisclosureError, Settings
from goodcare.disclosure.settings import IDENTIFIER_KINDS
from goodcare.disclosure.gate import run_gate
from goodcare.disclosure.text import find_identifiers, name_phrases, visible
from goodcare.outputs import ChapterResult, Table, write_chapter

KINDS = IDENTIFIER_KINDS
pytestmark = pytest.mark.usefixtures("no_network")  # the scan must run offline
REGISTER = ("Margaret Oduya | Oduya", "Larkfield House")

# A deny-listed name written so that a plain string match misses it.
HIDDEN_NAMES = {
    "two spaces": "We asked Margaret  Oduya first.",
    "non-breaking space": "We asked Margaret\u00a0Oduya first.",
    "zero-width space between": "We asked Margaret\u200bOduya first.",
    "zero-width joiner inside": "We asked Mar\u200dgaret Oduya first.",
    "line break inside quotes": "She said \"ask Margaret\nOduya\" and left.",
    "accents added": "We asked Márgarét Odúya first.",
    "accents removed": "We went to Larkfield House.",
    "Cyrillic a": "We asked M\u0430rgaret Oduya first.",
    "Greek omicron": "We asked Margaret \u039fduya first.",
    "full-width letters": "We asked \uff2d\uff41\uff52\uff47\uff41\uff52\uff45\uff54 Oduya first.",
    "capitals": "WE ASKED MARGARET ODUYA FIRST.",
    "surname alone": "Oduya said no.",
    "hyphenated": "Mrs Smith-Oduya said no.",
}


@pytest.mark.parametrize("how", HIDDEN_NAMES)
def test_a_hidden_name_is_found(how):
    assert find_identifiers(HIDDEN_NAMES[how], KINDS, REGISTER) == ["name"]


def test_a_part_identifies_alone_only_where_the_register_says_so():
    assert find_identifiers("Larkfield is a village.", KINDS, REGISTER) == []  # "Larkfield House" has no parts listed
    assert find_identifiers("Margaret runs it.", KINDS, REGISTER) == []  # only the surname is listed
    assert find_identifiers("The Oduyas came.", KINDS, REGISTER) == []  # whole words only
    assert name_phrases("Margaret Oduya | Oduya") == [("margaret", "oduya"), ("oduya",)]


def test_normalisation_keeps_what_a_reader_sees():
    assert visible("Ma\u200brgaret\u00a0 \u0422om") == "Margaret Tom" and visible("café  £5") == "cafe £5"


@pytest.mark.parametrize("kind,text", [
    ("email", "Write to jo at bloggsmail dot com any time."),
    ("email", "It is jo (at) bloggsmail [dot] co [dot] uk now."),
    ("nhs_number", "Her number is 9434 765 919 on the folder."),  # 4-3-3
    ("nhs_number", "Her number is 9434765919 on the folder."),
    ("phone", "Ring 01632 960000 after six."),  # Ofcom's drama range: not a valid number, still phone-shaped
    ("phone", "Ring 07700 900123 after six."),
    ("phone", "Ring +44 (0)20 7946 0000 after six."),
    ("phone", "Ring (0121) 496 0000 after six."),
    ("url", "It is at https://example.com/our-team now."),
    ("url", "It is on ourcarecoop.org.uk now."),
])
def test_shapes_the_recognisers_miss_are_found(kind, text):
    assert kind in find_identifiers(text, KINDS, REGISTER)


@pytest.mark.parametrize("text", [
    "It was late, so.Then we went home.",
    "We waited for Mr.Smith to arrive.",
    "The cafe.no longer opens on Sundays.",
    "Visits were 15 minutes, e.g. at 9.30am, i.e. too short.",
    "We look at what each person wants; the dot on the map is the office.",
    "From 1998 to 2007 we had 20 staff; the rate went from £12 to £13.20.",
    "12 (34%)", "0.12 (0.05 to 0.30)", "-0.45 (-1.20 to 0.31)", "143 people in 27 organisations",
])
def test_ordinary_prose_and_numbers_pass(text):
    assert find_identifiers(text, KINDS, REGISTER) == []


def stage_and_gate(tmp_path, result: ChapterResult, **settings):
    stage = tmp_path / "analysis" / "appendices"
    write_chapter(result, stage / "tables", stage / "figures", stage / "values.json")
    out = tmp_path / "results"
    return run_gate("appendices", stage, out / "tables" / "appendices", out / "figures" / "appendices",
                    out / "values" / "appendices.json", Settings.from_config({"deny_list": list(REGISTER), **settings})), out


CODEBOOK_TEXT = {
    "email": "Ask jo.bloggs@example.co.uk for details.",
    "phone": "Ring 0121 496 0000 for details.",
    "postcode": "The office at B15 2TT.",
    "name": "As Margaret  Oduya put it.",
}


@pytest.mark.parametrize("kind", CODEBOOK_TEXT)
def test_an_identifier_in_a_codebook_definition_stops_the_build_without_showing_it(tmp_path, kind):
    codes = pd.DataFrame({"Code": ["INN1", "INN2"], "Label": ["New services", "Flexibility"],
                          "Definition": ["Services unlike the usual.", CODEBOOK_TEXT[kind]]})
    with pytest.raises(DisclosureError) as err:
        stage_and_gate(tmp_path, ChapterResult(tables={"innovation-codes": Table(codes, labels=3)}))
    message = str(err.value)
    assert f"table innovation-codes, cell (row 2, column 'Definition'): rule identifiers ({kind} found in a table cell)" in message
    assert not any(part in message for part in CODEBOOK_TEXT[kind].split() if len(part) > 3)  # no part of the text
    assert not (tmp_path / "results" / "tables" / "appendices").exists()  # nothing published


def test_identifiers_in_headers_values_and_alt_text_are_found_and_named_by_kind(tmp_path):
    frame = pd.DataFrame({"Code": ["INN1"], "Oduya's label": ["New services"]})
    result = ChapterResult(tables={"codes": Table(frame, labels=2)}, values={"note": "see www.ourcarecoop.org.uk"})
    with pytest.raises(DisclosureError) as err:
        stage_and_gate(tmp_path, result)
    message = str(err.value)
    assert "cell (header of column 2): rule identifiers (name found in a table header)" in message
    assert "Oduya" not in message and "ourcarecoop" not in message
    assert "values, cell 'note': rule identifiers (url found in an in-text value)" in message


def test_ordinary_published_text_passes_the_gate(tmp_path):
    codes = pd.DataFrame({"Code": ["INN1"], "Label": ["So.Then"], "Definition": ["Mr.Smith's cafe.no longer works; 12 (34%)."]})
    report, out = stage_and_gate(tmp_path, ChapterResult(tables={"codes": Table(codes, labels=3)}))
    assert (out / "tables" / "appendices" / "codes.csv").is_file() and report["outputs"][0]["status"] == "published"
