"""Read a study CSV file defensively: encoding, delimiter, columns, field counts and cell types."""

import codecs
import csv
import io
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from goodcare.problems import Problem, shown_value

TEXT = pd.StringDtype("pyarrow")

DELIMITERS = (";", "\t", "|")
NUMBER = r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$"
RULE_FOR_KIND = {"int": "a whole number", "float": "a number", "bool": "true or false"}


class TableReadError(Exception):
    """The file cannot be read as a table at all; carries the problems found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.as_text() for p in problems))
        self.problems = problems


def record_lines(text: str) -> list[int]:
    """Line number (1-based, in the file) on which each data record starts, header excluded."""
    reader = csv.reader(io.StringIO(text, newline=""))
    starts, previous_end = [], 0
    for fields in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if fields:  # blank lines are skipped by the parser too
            starts.append(start)
    return starts[1:]


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


def field_count_problems(text: str, name: str, n_fields: int) -> list[Problem]:
    """Rows whose number of fields differs from the header's (truncated or extra fields)."""
    problems = []
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader, None)
    previous_end = reader.line_num
    for fields in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if fields and len(fields) != n_fields:
            problems.append(Problem(name, start, None, "field_count", f"each row has {n_fields} fields like the header", f"{len(fields)} fields"))
    return problems


def parse_strings(text: str, name: str, header: list[str]) -> pd.DataFrame:
    """Parse the text into a frame of strings (missing = empty field), or raise on a malformed row."""
    n_fields = len(header)
    convert = pacsv.ConvertOptions(column_types={c: pa.string() for c in header}, strings_can_be_null=True, null_values=[""])
    try:
        table = pacsv.read_csv(io.BytesIO(text.encode("utf-8")), convert_options=convert)
    except (pa.ArrowInvalid, ValueError) as err:
        problems = field_count_problems(text, name, n_fields)
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


def read_table(path: Path, kinds: dict[str, str], free_text: set[str]) -> tuple[pd.DataFrame, list[Problem], set[tuple[int, str]], str]:
    """Read a CSV into typed columns; return the frame, type problems, the failed cells and the text."""
    path = Path(path)
    name = path.name
    text = decode_utf8(path.read_bytes(), name)
    expected = list(kinds)
    header = check_header(text, name, expected)
    frame = parse_strings(text, name, header)[expected]
    problems, failed_cells, lines = [], set(), None
    for column, kind in kinds.items():
        typed, failed = type_column(frame[column], kind)
        if failed.any():
            lines = lines or record_lines(text)
            for idx in failed[failed].index:
                raw = frame.at[idx, column]
                problems.append(Problem(name, lines[idx], column, "type", f"expected {RULE_FOR_KIND[kind]}", shown_value(raw, column in free_text)))
                failed_cells.add((idx, column))
        frame[column] = typed
    return frame, problems, failed_cells, text
