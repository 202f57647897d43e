"""Read a study CSV file defensively: encoding, delimiter, columns, field counts and cell types."""

import codecs
from array import array
import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from goodcare.problems import Problem, ProblemLimit, shown_value

TEXT = pd.StringDtype("pyarrow")

DELIMITERS = (";", "\t", "|")
NUMBER = r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$"
RULE_FOR_KIND = {"int": "a whole number", "float": "a number", "bool": "true or false"}
# No study field comes near this (an excerpt holds at most 1000 characters); a longer one is a problem on its
# line and column. The csv module's own cap (131,072) would end in a bare _csv.Error instead, so it is lifted.
MAX_FIELD_CHARS = 100_000
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
FIELD_SIZE_RULE = f"a field holds at most {MAX_FIELD_CHARS} characters"
NUL_RULE = "text holds no NUL character (U+0000)"
CR_ONLY_RULE = "lines end with LF or CRLF (this file's end with CR alone, as old Mac tools wrote them: resave it)"


class TableReadError(Exception):
    """The file cannot be read as a table at all; carries the problems found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.as_text() for p in problems))
        self.problems = problems


def csv_records(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """Each record of the text with the line (1-based) it starts on, header included; a parse error is a problem."""
    reader = csv.reader(io.StringIO(text, newline=""))
    previous_end = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            # The module's message names no data, but is kept out anyway: the rule says what is wrong.
            raise TableReadError([Problem(name, reader.line_num or None, None, "parse",
                                          "the file is comma-separated text with quoted fields closed", type(err).__name__)]) from None
        start, previous_end = previous_end + 1, reader.line_num
        yield start, fields


def record_lines(text: str) -> array:
    """Line number (1-based, in the file) on which each data record starts, header excluded."""
    # A compact array, not a list: a file of millions of rows needs one machine integer per row here.
    starts = array("q", (start for start, fields in csv_records(text, "") if fields))  # blank lines are skipped by the parser too
    return starts[1:]


class RecordLines:
    """The line each record starts on, worked out once and only when there is something to report."""

    def __init__(self, text: str):
        self.text, self._lines = text, None

    def __call__(self) -> array:
        """The start line of every record, header excluded."""
        if self._lines is None:
            self._lines = record_lines(self.text)
        return self._lines


def decode_utf8(data: bytes, name: str) -> str:
    """Decode bytes as UTF-8 (a leading BOM is dropped), or raise naming the first bad byte's line."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise TableReadError([Problem(name, line, None, "encoding", "the file is UTF-8 text", f"byte 0x{data[err.start]:02x}")])


def check_header(text: str, name: str, expected: list[str]) -> list[str]:
    """Raise if the header is missing, uses another delimiter, or lacks or adds columns."""
    first = text.split("\n", 1)[0].rstrip("\r") if text.strip() else ""
    if "\r" in first:
        raise TableReadError([Problem(name, 1, None, "line_endings", CR_ONLY_RULE)])
    if not first.strip():
        raise TableReadError([Problem(name, 1 if text else None, None, "not_empty", "the file starts with a header row naming the columns")])
    header = next(csv.reader([first]))
    if len(header) == 1 and len(expected) > 1:
        for delim in DELIMITERS:
            if delim in first:
                raise TableReadError([Problem(name, 1, None, "delimiter", "fields are separated by commas", f"{delim!r} found instead")])
    header = [h.strip() for h in header]
    problems = [Problem(name, 1, col, "columns", "required column is missing") for col in expected if col not in header]
    problems += [Problem(name, 1, col, "columns", f"unexpected column (expected: {', '.join(expected)})") for col in header if col not in expected]
    problems += [Problem(name, 1, col, "columns", "column named more than once") for col in sorted(set(header)) if header.count(col) > 1]
    if problems:
        raise TableReadError(problems)
    return next(csv.reader([first]))  # as written (before stripping), the parser's column names


def field_count_problems(text: str, name: str, header: list[str]) -> list[Problem]:
    """Rows whose number of fields differs from the header's, and fields too long to be study data.

    Stops reading once the cap is reached: such a file cannot be valid, and the rest would only cost time."""
    limit = ProblemLimit(name)
    records = csv_records(text, name)
    next(records, None)
    for start, fields in records:
        if fields and len(fields) != len(header):
            limit.add(Problem(name, start, None, "field_count", f"each row has {len(header)} fields like the header", f"{len(fields)} fields"))
        for column, field in zip(header, fields):
            if len(field) > MAX_FIELD_CHARS:
                limit.add(Problem(name, start, column.strip(), "field_size", FIELD_SIZE_RULE, f"{len(field)} characters"))
        if limit.full:
            limit.stop(start)
            break
    return limit.problems() if limit.kept else []


def parse_strings(text: str, name: str, header: list[str]) -> pd.DataFrame:
    """Parse the text into a frame of strings (missing = empty field), or raise on a malformed row."""
    convert = pacsv.ConvertOptions(column_types={c: pa.string() for c in header}, strings_can_be_null=True, null_values=[""])
    try:
        table = pacsv.read_csv(io.BytesIO(text.encode("utf-8")), convert_options=convert)
    except (pa.ArrowInvalid, ValueError) as err:
        problems = field_count_problems(text, name, header)
        # The parser's own message may quote a whole row (free text), so it is never passed on.
        raise TableReadError(problems or [Problem(name, None, None, "parse", "the file is comma-separated text with quoted fields closed", type(err).__name__)])
    frame = table.to_pandas(types_mapper={pa.string(): TEXT}.get)
    frame.columns = [c.strip() for c in frame.columns]
    return frame


def arrow(values: pd.Series) -> pa.Array:
    """The Arrow array behind a column of Arrow-backed strings (no copy)."""
    return pa.array(values.array)


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers parsed in Arrow (no Python loop); return them and a mask of non-empty cells that are not numbers."""
    text = pc.utf8_trim_whitespace(arrow(values))
    ok = pc.match_substring_regex(text, NUMBER)
    number = pc.cast(pc.if_else(ok, text, pa.scalar(None, pa.string())), pa.float64())
    failed = values.notna().to_numpy() & ~pc.fill_null(ok, False).to_numpy(zero_copy_only=False)
    return pd.Series(number.to_numpy(zero_copy_only=False), index=values.index), pd.Series(failed, index=values.index)


def type_column(values: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """Convert one string column to its kind; return the typed column and a mask of cells that failed."""
    present = values.notna()
    if kind == "str":
        return values, pd.Series(False, index=values.index)
    if kind == "bool":
        lowered = pc.utf8_lower(pc.utf8_trim_whitespace(arrow(values)))
        truth = pc.if_else(pc.equal(lowered, "true"), True, pc.if_else(pc.equal(lowered, "false"), False, pa.scalar(None, pa.bool_())))
        typed = pd.Series(truth.to_numpy(zero_copy_only=False), index=values.index, dtype="boolean")
        return typed, present & typed.isna()
    number, failed = parse_numbers(values)
    if kind == "float":
        return number, failed
    whole = number.notna() & (number % 1 == 0)
    failed = present & ~whole
    return number.where(whole).astype("Int64"), failed


def cell_problems(frame: pd.DataFrame, name: str, lines: RecordLines, limit: ProblemLimit) -> dict[str, np.ndarray]:
    """Cells no study field may hold: longer than any (counted in Arrow) or holding a NUL character.

    Return a mask per column of the cells reported, which are checked no further."""
    masks = {}
    for column in frame.columns:
        values = arrow(frame[column])
        lengths = pc.fill_null(pc.utf8_length(values), 0).to_numpy(zero_copy_only=False)
        long = lengths > MAX_FIELD_CHARS
        nul = pc.fill_null(pc.match_substring(values, "\x00"), False).to_numpy(zero_copy_only=False) & ~long
        for mask, check, rule in ((long, "field_size", FIELD_SIZE_RULE), (nul, "nul_character", NUL_RULE)):
            where = mask.nonzero()[0]
            room = limit.room(column)
            for i in where[:room]:
                limit.add(Problem(name, lines()[i], column, check, rule, f"{int(lengths[i])} characters"))
            limit.count(column, max(0, len(where) - room))
        masks[column] = long | nul
    return masks


def read_table(path: Path, kinds: dict[str, str], free_text: set[str], limit: ProblemLimit | None = None) -> tuple[pd.DataFrame, ProblemLimit, dict[str, np.ndarray], RecordLines]:
    """Read a CSV into typed columns; return the frame, the problems so far (capped), a mask per column of the
    cells already reported (checked no further) and the records' line numbers (worked out when first asked)."""
    path = Path(path)
    name = path.name
    limit = limit or ProblemLimit(name)
    if not path.is_file():
        what = "is a folder" if path.is_dir() else "is missing"
        raise TableReadError([Problem(name, None, None, "file", f"the table is a file in the data folder (this one {what})")])
    text = decode_utf8(path.read_bytes(), name)
    expected = list(kinds)
    header = check_header(text, name, expected)
    frame = parse_strings(text, name, header)[expected].reset_index(drop=True)
    lines = RecordLines(text)
    reported = cell_problems(frame, name, lines, limit)
    for column, kind in kinds.items():
        typed, failed = type_column(frame[column], kind)
        failed = failed.to_numpy(dtype=bool) & ~reported[column]
        where = failed.nonzero()[0]
        if len(where):
            room = limit.room(column)
            for i in where[:room]:
                limit.add(Problem(name, lines()[i], column, "type", f"expected {RULE_FOR_KIND[kind]}", shown_value(frame.at[i, column], column in free_text)))
            limit.count(column, max(0, len(where) - room))
        reported[column] |= failed
        frame[column] = typed
    return frame, limit, reported, lines
