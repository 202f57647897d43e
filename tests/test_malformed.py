"""Malformed files get a clear problem report (file, line, check), never a traceback."""

import pytest

from goodcare.problems import format_report
from goodcare.validate import validate_file

from test_schemas import REFS, VALID

HEADER = ",".join(VALID["organisations"])
ROW = ",".join(VALID["organisations"].values())


def problems_for(tmp_path, content: bytes):
    """Validate `content` as organisations.csv and return its problems."""
    path = tmp_path / "organisations.csv"
    path.write_bytes(content)
    result = validate_file("organisations", path, REFS)
    format_report("organisations", result.problems)  # must not raise either
    return result.problems


def test_spreadsheet_style_file_is_accepted(tmp_path):
    content = b"\xef\xbb\xbf" + (HEADER + "\r\n" + ROW + "\r\n").encode()
    assert problems_for(tmp_path, content) == []


def test_raw_file_is_not_modified(tmp_path):
    content = b"\xef\xbb\xbf" + (HEADER + "\r\n" + ROW.replace("micro", "tiny") + "\r\n").encode()
    path = tmp_path / "organisations.csv"
    path.write_bytes(content)
    validate_file("organisations", path, REFS)
    assert path.read_bytes() == content


@pytest.mark.parametrize(
    "content,check,line",
    [
        (b"", "not_empty", None),
        (b"\n\n", "not_empty", 1),
        ((HEADER.replace(",", ";") + "\n" + ROW.replace(",", ";") + "\n").encode(), "delimiter", 1),
        ((HEADER + "\n" + ROW + "\n" + ROW.rsplit(",", 3)[0] + "\n").encode(), "field_count", 3),
        ((HEADER + "\n" + ROW + ",extra\n").encode(), "field_count", 2),
        ((HEADER + "\n" + ROW.replace("12.50", "twelve") + "\n").encode(), "type", 2),
        ((HEADER + "\n" + ROW.replace("2001", "2001.5") + "\n").encode(), "type", 2),
        ((HEADER + "\n" + ROW + "\n").encode() + ROW.replace("O001", "O002").encode().replace(b"Site", b"S\xe9te") + b"\n", "encoding", 3),
    ],
    ids=["empty", "blank-lines", "semicolons", "truncated-line", "extra-field", "text-in-number", "fraction-in-integer", "not-utf8"],
)
def test_malformed_file(tmp_path, content, check, line):
    problems = problems_for(tmp_path, content)
    assert problems, "a malformed file must fail"
    assert problems[0].check == check
    assert problems[0].line == line
    assert problems[0].file == "organisations.csv"


def test_missing_and_extra_columns_are_named(tmp_path):
    header = HEADER.replace("quality_mark", "quality")
    problems = problems_for(tmp_path, (header + "\n" + ROW + "\n").encode())
    assert {(p.check, p.column) for p in problems} == {("columns", "quality_mark"), ("columns", "quality")}


def test_unclosed_quote_is_reported(tmp_path):
    row = ROW.replace("Site 1", '"Site 1')
    problems = problems_for(tmp_path, (HEADER + "\n" + row + "\n").encode())
    assert problems and problems[0].check in {"parse", "field_count"}


def test_line_numbers_follow_quoted_newlines(tmp_path):
    """A quoted excerpt spanning lines shifts later rows; the report still names the right line."""
    header = ",".join(VALID["codings"])
    first = 'S1,P001,INN01,"one line\nand another"'
    second = "S2,P001,INN99,short"
    path = tmp_path / "codings.csv"
    path.write_text(f"{header}\n{first}\n{second}\n", encoding="utf-8")
    problems = validate_file("codings", path, REFS).problems
    assert [(p.line, p.check) for p in problems] == [(4, "foreign_key")]


def test_a_fraction_in_an_integer_column_says_what_was_expected(tmp_path):
    problems = problems_for(tmp_path, (HEADER + "\n" + ROW.replace("2001", "2001.5") + "\n").encode())
    assert problems[0].as_text() == ("organisations.csv:2 column 'year_established': check 'type' failed: "
                                     "expected a whole number (value: '2001.5')")


def test_no_part_of_a_free_text_value_is_echoed(tmp_path):
    header = ",".join(VALID["codings"])
    secret = "Mrs Example of Flat 3 said the whole thing"
    path = tmp_path / "codings.csv"
    path.write_text(f"{header}\nS1,P001,INN99,{secret}\n", encoding="utf-8")
    problems = validate_file("codings", path, REFS).problems
    report = format_report("codings", problems) + repr([p.value for p in problems])
    assert problems and not any(word in report for word in secret.split() if len(word) > 3)
    # A free-text column's own problem shows its length only.
    too_long = "x" * 1001
    path.write_text(f"{header}\nS1,P001,INN01,{too_long}\n", encoding="utf-8")
    shown = [p.value for p in validate_file("codings", path, REFS).problems if p.column == "excerpt"]
    assert shown == ["<free text, 1001 characters>"]


def test_the_command_line_names_a_missing_folder_in_one_sentence(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "goodcare.validate", str(tmp_path / "no-such-folder")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    assert "no-such-folder is not a folder" in proc.stderr


# Pathological sizes, at a scale that runs in seconds (benchmarks/hostile_inputs.py measures memory at full size).
PEOPLE_HEADER = "participant_id,org_id,role,interviewed_by_co_researcher,age_band"
PEOPLE_REFS = {"organisations": REFS["organisations"]}


def people_problems(tmp_path, text: str):
    path = tmp_path / "participants.csv"
    path.write_text(text, encoding="utf-8", newline="")
    problems = validate_file("participants", path, PEOPLE_REFS).problems
    format_report("participants", problems)
    return problems


def test_a_header_followed_by_rows_of_commas_gives_a_capped_report_and_stops(tmp_path):
    from goodcare.problems import MAX_PER_COLUMN, MAX_PROBLEMS
    from goodcare.validate import CHUNK_ROWS

    rows = 3 * CHUNK_ROWS  # every cell missing, 600,000 problems if each were listed
    problems = people_problems(tmp_path, PEOPLE_HEADER + "\n" + ",,,,\n" * rows)
    listed = [p for p in problems if p.check not in ("too_many_problems", "stopped")]
    assert len(listed) <= MAX_PROBLEMS
    per_column = {c: sum(p.column == c for p in listed) for c in {p.column for p in listed}}
    assert max(per_column.values()) == MAX_PER_COLUMN
    counted = {p.column: p for p in problems if p.check == "too_many_problems"}
    assert set(counted) == set(per_column) and all("more found here" in p.rule for p in counted.values())
    stopped = [p for p in problems if p.check == "stopped"]
    assert len(stopped) == 1 and stopped[0].line == CHUNK_ROWS + 2  # the first line not checked
    assert problems[-1] is stopped[0]


def test_one_line_of_a_million_commas_is_one_problem(tmp_path):
    problems = people_problems(tmp_path, PEOPLE_HEADER + "\n" + "," * 1_000_000 + "\n")
    assert [(p.line, p.check, p.value) for p in problems] == [(2, "field_count", "1000001 fields")]


def test_many_short_rows_stop_at_the_cap(tmp_path):
    from goodcare.problems import MAX_PER_COLUMN, MAX_PROBLEMS

    problems = people_problems(tmp_path, PEOPLE_HEADER + "\n" + "P1,O1\n" * 50_000)
    assert sum(p.check == "field_count" for p in problems) == MAX_PER_COLUMN
    assert [p.check for p in problems[-2:]] == ["too_many_problems", "stopped"]
    assert problems[-1].line == MAX_PROBLEMS + 1  # reading stopped once the cap was found, not at line 50,001


@pytest.mark.parametrize("size", [131_073, 2_000_000])  # over the csv module's cap; over pyarrow's block
def test_a_huge_field_is_a_problem_on_its_line_and_column(tmp_path, size):
    problems = people_problems(tmp_path, PEOPLE_HEADER + "\nP1,O001,carer,true,50-64\nP2,O001,carer,true," + "x" * size + "\n")
    assert [(p.line, p.column, p.check, p.value) for p in problems] == [(3, "age_band", "field_size", f"{size} characters")]


def test_cr_only_line_endings_are_a_problem(tmp_path):
    problems = people_problems(tmp_path, PEOPLE_HEADER + "\rP1,O001,carer,true,50-64\r")
    assert [(p.line, p.check) for p in problems] == [(1, "line_endings")]
    assert "CR alone" in problems[0].rule


def test_a_nul_character_in_an_excerpt_is_rejected_and_not_echoed(tmp_path):
    path = tmp_path / "codings.csv"
    path.write_text("segment_id,participant_id,code_id,excerpt\nS0001,P001,INN01,Tea with Mrs\x00 Brown\n", encoding="utf-8")
    from test_schemas import REFS as ALL

    problems = validate_file("codings", path, ALL).problems
    assert [(p.line, p.column, p.check) for p in problems] == [(2, "excerpt", "nul_character")]
    assert "Brown" not in format_report("codings", problems)


@pytest.mark.parametrize("value", ["Mrs Jane Brown", "jane.brown@example.org", "Brown, J"])
def test_a_name_typed_into_an_id_column_is_never_echoed(tmp_path, value):
    problems = people_problems(tmp_path, PEOPLE_HEADER + f'\n"{value}",O001,carer,true,50-64\n')
    report = format_report("participants", problems)
    assert problems and all(part not in report for part in ("Jane", "Brown", "brown", "example"))
    assert f"{len(value)} characters" in report


def test_an_identifier_shaped_value_is_still_shown(tmp_path):
    report = format_report("participants", people_problems(tmp_path, PEOPLE_HEADER + "\nP1,O999,carer,true,50-64\n"))
    assert "'O999'" in report


def test_duplicates_in_different_chunks_are_found(tmp_path):
    from goodcare.validate import CHUNK_ROWS

    rows = [f"P{i},O001,carer,true,80+" for i in range(CHUNK_ROWS + 5)] + ["P3,O001,carer,true,80+"]
    problems = people_problems(tmp_path, PEOPLE_HEADER + "\n" + "\n".join(rows) + "\n")
    assert [(p.line, p.column, p.check, p.value) for p in problems] == [
        (5, "participant_id", "field_uniqueness", "'P3'"), (CHUNK_ROWS + 7, "participant_id", "field_uniqueness", "'P3'")]
