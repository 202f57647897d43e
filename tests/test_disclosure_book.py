"""Book-wide suppression: one key ledger over every chapter's staged cells, applied by each chapter's gate."""

import json

import pandas as pd
import pytest

from goodcare.disclosure import DisclosureError, Settings
from goodcare.disclosure.gate import run_gate
from goodcare.disclosure.keys import Decisions, book_ledger, staged_cells
from goodcare.disclosure.report import book_report
from goodcare.outputs import ChapterResult, Table, cells, contributors, is_suppressed, place, value_cells, write_chapter
from test_disclosure import people, role_rows


def methods_chapter(rows: pd.DataFrame) -> ChapterResult:
    """People by role and group with row totals and the group sizes in the text (chapter 4's shape): the micro
    carers (5) fail, so the line partners hide both staff counts."""
    counts = pd.crosstab(rows["role"], rows["group"]).reindex(index=["staff", "carer"], columns=["micro", "larger"])
    display = counts.assign(total=counts.sum(axis=1)).reset_index().rename(
        columns={"role": "Role", "micro": "Micro", "larger": "Larger", "total": "Total"})
    roles = pd.DataFrame({"role": ["staff", "carer"]})
    table = cells(place(contributors(rows, ["role", "group"]), "count", roles, ("group", {"micro": "Micro", "larger": "Larger"})),
                  place(contributors(rows, ["role"]), "count", roles, "Total"))
    values = {"n_micro": int((rows["group"] == "micro").sum()), "n_larger": int((rows["group"] == "larger").sum()), "n_people": len(rows)}
    described = cells(value_cells(contributors(rows, ["group"]), "n_{group}", "count"), value_cells(contributors(rows, []), "n_people", "count"))
    return ChapterResult(tables={"by-role": Table(display, table)}, values=values, value_cells=described)


def innovation_chapter(rows: pd.DataFrame, managers: pd.DataFrame) -> ChapterResult:
    """The staff counts by group again, in the text, and the micro-enterprises' interviewees by role (staff and
    managers) with their total: a chapter that, on its own, suppresses nothing."""
    staff = contributors(rows[rows["role"] == "staff"], ["role", "group"])
    micro = pd.concat([rows[(rows["group"] == "micro") & (rows["role"] == "staff")], managers], ignore_index=True)
    values = {"staff": {g: int(((rows["role"] == "staff") & (rows["group"] == g)).sum()) for g in ("micro", "larger")},
              "micro_by_role": {r: int((micro["role"] == r).sum()) for r in ("staff", "manager")}, "micro_interviewees": len(micro)}
    described = cells(value_cells(staff, "staff.{group}", "count"),
                      value_cells(contributors(micro, ["role", "group"]), "micro_by_role.{role}", "count"),
                      value_cells(contributors(micro, ["group"]), "micro_interviewees", "count"))
    return ChapterResult(values=values, value_cells=described)


def managers() -> pd.DataFrame:
    """12 managers of micro-enterprises (enough to pass every rule on their own)."""
    frame = people({f"m{i}": 3 for i in range(4)}, role="manager", group="micro")
    frame["participant_id"] = "manager" + frame["participant_id"]
    return frame


def stage(tmp_path, chapter: str, result: ChapterResult):
    """Stage a result as an analysis would; the folder the gate and the ledger read."""
    folder = tmp_path / "analysis" / chapter
    write_chapter(result, folder / "tables", folder / "figures", folder / "values.json")
    return folder


def publish(tmp_path, chapter: str, folder, s: Settings, ledger: dict | None):
    """Run a chapter's gate with the ledger's decisions (or on its own); its report and published values."""
    out = tmp_path / "results"
    book = Decisions.for_chapter(ledger, chapter) if ledger is not None else None
    report = run_gate(chapter, folder, out / "tables" / chapter, out / "figures" / chapter, out / "values" / f"{chapter}.json", s, book=book)
    return report, json.loads((out / "values" / f"{chapter}.json").read_text(encoding="utf-8"))


@pytest.fixture
def two_chapters(tmp_path):
    """The issue's case: chapter 4 hides the staff counts to protect the micro carers; innovation shows them."""
    rows = role_rows()
    return {"methods": stage(tmp_path, "methods", methods_chapter(rows)),
            "innovation": stage(tmp_path, "innovation", innovation_chapter(rows, managers()))}


def test_without_the_ledger_the_staff_counts_hidden_in_one_chapter_are_published_in_another_and_the_book_stops(tmp_path, two_chapters):
    s = Settings()
    methods, _ = publish(tmp_path, "methods", two_chapters["methods"], s, None)
    innovation, values = publish(tmp_path, "innovation", two_chapters["innovation"], s, None)
    assert {c["key"] for c in methods["suppressed"] if c["rule"] == "secondary"} >= {"group=micro|role=staff", "group=larger|role=staff"}
    assert values["staff"] == {"micro": 20, "larger": 20}  # the differencing the issue observed
    with pytest.raises(DisclosureError, match="key 'group=micro|role=staff': rule linked"):
        book_report([methods, innovation], {}, s)


def test_the_ledger_hides_a_partner_in_every_chapter_and_closes_the_lines_it_opens_there(tmp_path, two_chapters):
    s = Settings()
    ledger = book_ledger({c: staged_cells(f) for c, f in two_chapters.items()}, s)
    entries = {e["key"]: e for e in ledger["keys"]}
    assert entries["group=micro|role=carer"]["failed_in"] == {"methods": ["min_people"]}
    # The micro staff hidden in chapter 4 open innovation's line of micro interviewees by role (with its total):
    # the ledger chooses the managers as the next partner, a key only innovation holds.
    assert entries["group=micro|role=manager"]["protects"] == "group=micro|role=staff"
    reports, published = {}, {}
    for chapter, folder in two_chapters.items():
        reports[chapter], published[chapter] = publish(tmp_path, chapter, folder, s, ledger)
    staff, by_role = published["innovation"]["staff"], published["innovation"]["micro_by_role"]
    assert is_suppressed(staff["micro"]) and is_suppressed(staff["larger"])
    assert is_suppressed(by_role["staff"]) and is_suppressed(by_role["manager"])
    assert published["innovation"]["micro_interviewees"] == 32  # a total with two hidden members tells neither
    rules = {c["key"]: (c["rule"], c["because"]) for c in reports["innovation"]["suppressed"]}
    assert rules["group=micro|role=manager"] == ("secondary", "protects key 'group=micro|role=staff' (a line in this chapter)")
    assert rules["group=micro|role=staff"][1].endswith("(a line in chapter methods)")
    assert all(rule == "secondary" for rule, _ in rules.values())
    # On its own innovation suppresses nothing: every one of its suppressed cells is the book's doing.
    assert reports["innovation"]["suppressed_for_other_chapters"] == len(reports["innovation"]["suppressed"]) == 4
    assert reports["methods"]["suppressed_for_other_chapters"] == 0
    report = book_report(list(reports.values()), {}, s)  # nothing suppressed in one chapter is shown in another
    assert report["cells_suppressed"] == len(reports["methods"]["suppressed"]) + len(reports["innovation"]["suppressed"])
    assert report["cells_suppressed_for_other_chapters"] == 4


def test_a_group_failing_in_one_chapter_is_linked_in_another_with_the_chapter_named(tmp_path):
    rows = role_rows()
    carers = contributors(rows[(rows["role"] == "carer") & (rows["group"] == "micro")], ["role", "group"])
    other = ChapterResult(values={"carers_micro": 5}, value_cells=value_cells(carers, "carers_micro", "count"))
    folders = {"methods": stage(tmp_path, "methods", methods_chapter(rows)), "personalisation": stage(tmp_path, "personalisation", other)}
    s = Settings(min_people=5)  # the carers pass in personalisation's own cell, and fail nowhere
    assert book_ledger({c: staged_cells(f) for c, f in folders.items()}, s)["keys"] == []
    s = Settings()
    ledger = book_ledger({c: staged_cells(f) for c, f in folders.items()}, s)
    report, values = publish(tmp_path, "personalisation", folders["personalisation"], s, ledger)
    assert is_suppressed(values["carers_micro"])
    assert [(c["rule"], c["because"]) for c in report["suppressed"]] == [("min_people", "")]  # fails on its own here too
    rows_only = ChapterResult(values={"staff_micro": 20}, value_cells=value_cells(
        contributors(rows[(rows["role"] == "staff") & (rows["group"] == "micro")], ["role", "group"]), "staff_micro", "count"))
    folders["outcomes"] = stage(tmp_path, "outcomes", rows_only)
    ledger = book_ledger({c: staged_cells(f) for c, f in folders.items()}, s)
    report, values = publish(tmp_path, "outcomes", folders["outcomes"], s, ledger)
    assert is_suppressed(values["staff_micro"]) and report["suppressed"][0]["rule"] == "secondary"


def test_a_chapter_decided_by_a_ledger_of_itself_matches_the_chapter_on_its_own(tmp_path):
    rows = role_rows()
    folder = stage(tmp_path, "methods", methods_chapter(rows))
    s = Settings()
    alone, alone_values = publish(tmp_path / "alone", "methods", folder, s, None)
    ledger = book_ledger({"methods": staged_cells(folder)}, s)
    booked, booked_values = publish(tmp_path / "booked", "methods", folder, s, ledger)
    strip = lambda r: [(c["output"], c["cell"], c["rule"], c["key"]) for c in r["suppressed"]]
    assert strip(alone) == strip(booked) and alone_values == booked_values and len(strip(alone)) == 4


def test_a_chapter_the_ledger_did_not_read_applies_it_and_its_own_new_failures_still_stop_the_book(tmp_path, two_chapters):
    """Chapter 9 is staged after the others published: the ledger's decisions apply to it, and a group only it
    suppresses that another chapter shows is caught by the book report."""
    s = Settings()
    ledger = book_ledger({c: staged_cells(f) for c, f in two_chapters.items()}, s)
    reports = [publish(tmp_path, c, f, s, ledger)[0] for c, f in two_chapters.items()]
    rows = role_rows()
    staff_micro = rows[(rows["role"] == "staff") & (rows["group"] == "micro")]
    late = ChapterResult(values={"staff_micro": 20}, value_cells=value_cells(contributors(staff_micro, ["role", "group"]), "staff_micro", "count"))
    report, values = publish(tmp_path, "performance", stage(tmp_path, "performance", late), s, ledger)
    assert is_suppressed(values["staff_micro"]) and report["suppressed"][0]["rule"] == "secondary"
    assert book_report([*reports, report], {}, s)["cells_suppressed"] > 0
    # Four micro-enterprise staff described as the micro group, which chapter 4 shows in full (n_micro).
    few = ChapterResult(values={"micro_few": 4}, value_cells=value_cells(contributors(staff_micro.head(4), ["group"]), "micro_few", "count"))
    report, values = publish(tmp_path / "late", "performance", stage(tmp_path / "late", "performance", few), s, ledger)
    assert report["suppressed"][0]["rule"] == "min_people"
    with pytest.raises(DisclosureError, match="chapter methods, chapter, cell key 'group=micro': rule linked"):
        book_report([*reports, report], {}, s)


def test_the_ledger_is_the_same_file_for_the_same_cells_in_any_order(tmp_path, two_chapters):
    s = Settings()
    cells_by_chapter = {c: staged_cells(f) for c, f in two_chapters.items()}
    forward = book_ledger(cells_by_chapter, s)
    backward = book_ledger(dict(reversed(list(cells_by_chapter.items()))), s)
    assert json.dumps(forward, sort_keys=True) == json.dumps(backward, sort_keys=True)
    assert forward["chapters"] == ["innovation", "methods"]
