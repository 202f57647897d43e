"""Validation problems as structured records, and their text and JSON reports."""

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

MAX_VALUE_CHARS = 40
# A file with millions of bad cells must not take millions of records to report: the first problems of each
# column, and of the file, are kept; the rest are counted (memory and time stay bounded whatever the input).
MAX_PER_COLUMN = 100
MAX_PROBLEMS = 1000
SUMMARY_CHECKS = {"too_many_problems": 1, "stopped": 2}


@dataclass(frozen=True)
class Problem:
    """One failed check: where (file, line, column), which check, its rule and the offending value."""

    file: str
    line: int | None
    column: str | None
    check: str
    rule: str
    value: str | None = None

    def as_text(self) -> str:
        """One readable line: file:line, column, check, rule and value."""
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        col = f" column '{self.column}'" if self.column else ""
        val = f" (value: {self.value})" if self.value is not None else ""
        return f"{where}{col}: check '{self.check}' failed: {self.rule}{val}"


# Values a report may show as they are: numbers, true/false and identifiers shaped like the study's (P0001,
# O12, INN01, S0003). Anything else may be free text (a name typed into an id column, say), so only its length
# and the kinds of character in it are shown, never a part of it.
SHOWN_AS_IS = re.compile(r"^\s*([+-]?[0-9]*[.]?[0-9]+([eE][+-]?[0-9]+)?|true|false|True|False|[A-Z]{1,3}[0-9]{1,8})\s*$")


def character_classes(text: str) -> str:
    """The kinds of character in a text, in words (letters, digits, spaces, other), for a report."""
    kinds = [("letters", any(c.isalpha() for c in text)), ("digits", any(c.isdigit() for c in text)),
             ("spaces", any(c.isspace() for c in text)), ("other characters", any(not (c.isalnum() or c.isspace()) for c in text))]
    found = [k for k, present in kinds if present]
    return " and ".join(found) if found else "nothing"


def shown_value(value, free_text: bool = False) -> str | None:
    """The value as it may appear in a report: a number or identifier as it is; any other text (free text
    always) only as its length and the kinds of character in it."""
    if value is None:
        return None
    try:
        if value != value:  # NaN and pandas NA compare unequal to themselves
            return "<missing>"
    except (TypeError, ValueError):
        if str(value) in ("<NA>", "nan"):
            return "<missing>"
    text = str(value)
    if free_text:
        # No part of free text is echoed: even its first words may name someone disclosure control protects.
        return f"<free text, {len(text)} characters>"
    if len(text) <= MAX_VALUE_CHARS and SHOWN_AS_IS.match(text):
        return repr(text)
    return f"<text, {len(text)} characters: {character_classes(text)}>"


class ProblemLimit:
    """Collects a file's problems up to a cap per column and in all; counts what it does not keep."""

    def __init__(self, file: str, per_column: int = MAX_PER_COLUMN, total: int = MAX_PROBLEMS):
        self.file, self.per_column, self.total = file, per_column, total
        self.kept: list[Problem] = []
        self.by_column: dict[str | None, int] = {}
        self.not_listed: dict[str | None, int] = {}
        self.stopped_at: int | None = None

    @property
    def full(self) -> bool:
        """Whether as many problems as the cap in all were found: reading further cannot change the verdict, only cost time."""
        return len(self.kept) + sum(self.not_listed.values()) >= self.total

    def room(self, column: str | None) -> int:
        """How many more problems of this column would be kept."""
        return max(0, min(self.per_column - self.by_column.get(column, 0), self.total - len(self.kept)))

    def add(self, problem: Problem) -> None:
        """Keep a problem if its column and the file have room; else count it."""
        if self.room(problem.column) > 0:
            self.kept.append(problem)
            self.by_column[problem.column] = self.by_column.get(problem.column, 0) + 1
        else:
            self.not_listed[problem.column] = self.not_listed.get(problem.column, 0) + 1

    def count(self, column: str | None, n: int) -> None:
        """Count n problems of a column that were found but not made into records."""
        if n > 0:
            self.not_listed[column] = self.not_listed.get(column, 0) + n

    def stop(self, line: int | None) -> None:
        """Record that checking stopped before the end of the file (at this line)."""
        self.stopped_at = line

    def problems(self) -> list[Problem]:
        """The kept problems, then one line per column with problems not listed, and one if checking stopped."""
        out = sort_problems(self.kept)
        for column, n in sorted(self.not_listed.items(), key=lambda kv: kv[0] or ""):
            out.append(Problem(self.file, None, column, "too_many_problems",
                               f"only the first {self.per_column} problems of a column and {self.total} of a file are listed; "
                               f"{n} more found here"))
        if self.stopped_at is not None:
            out.append(Problem(self.file, self.stopped_at, None, "stopped",
                               f"checking stopped here after {self.total} problems: the file cannot be valid; fix these and run again"))
        return out


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Problems in a stable order: file, line, column, check."""
    # What a cap left unlisted, and where checking stopped, come after the problems listed.
    return sorted(problems, key=lambda p: (p.file, SUMMARY_CHECKS.get(p.check, 0), p.line or 0, p.column or "", p.check, p.rule, p.value or ""))


def format_report(table: str, problems: list[Problem], limit: int = 50) -> str:
    """A readable report of every problem (the first `limit` listed, the rest counted)."""
    lines = [f"Validation of '{table}' failed with {len(problems)} problem(s):"]
    lines += [f"  - {p.as_text()}" for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"  ... and {len(problems) - limit} more (all are in the JSON report)")
    return "\n".join(lines)


def write_json_report(path: Path, table: str, problems: list[Problem], n_rows: int | None) -> None:
    """Write the problems as JSON (stable order, no timestamps)."""
    payload = {
        "table": table,
        "valid": not problems,
        "rows": n_rows,
        "n_problems": len(problems),
        "problems": [asdict(p) for p in problems],
    }
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
