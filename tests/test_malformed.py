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
