"""Validation problems as structured records, and their text and JSON reports."""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

MAX_VALUE_CHARS = 40


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


def shown_value(value, free_text: bool = False) -> str | None:
    """The value as it may appear in a report: free text never (only its length), anything else capped."""
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
    return repr(text[:MAX_VALUE_CHARS] + "…") if len(text) > MAX_VALUE_CHARS else repr(text)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Problems in a stable order: file, line, column, check."""
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or "", p.check, p.rule, p.value or ""))


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
