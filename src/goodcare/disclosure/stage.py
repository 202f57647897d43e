"""Read a chapter's staged outputs (results/analysis/<chapter>/) and find what their cells leave undescribed."""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from goodcare.outputs import CELL_COLUMNS, is_suppressed, read_cells

DIGIT = re.compile(r"\d")


@dataclass
class Output:
    """One staged table or figure (its frame as text, its cells) or the chapter's values (`frame` None)."""

    kind: str  # table, figure or values
    name: str
    frame: pd.DataFrame | None
    cells: pd.DataFrame | None
    labels: int = 1
    meta: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return "values" if self.kind == "values" else f"{self.kind} {self.name}"


def resolve_rows(cells: pd.DataFrame | None, frame: pd.DataFrame) -> pd.DataFrame | None:
    """Rows as 0-based positions. A `row` that is not a number is read as the text of the frame's first
    column (the first form of the contract); one that matches no row, or several, becomes -1 (a breach)."""
    if cells is None or cells.empty:
        return cells
    first = frame.iloc[:, 0].tolist() if len(frame.columns) else []
    def position(row):
        if pd.isna(row) or str(row).strip() == "":
            return float("nan")
        try:
            return float(row)
        except ValueError:
            return float(first.index(row)) if first.count(row) == 1 else -1.0
    return cells.assign(row=[position(r) for r in cells["row"]])


def _text(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def read_stage(stage: Path) -> tuple[list[Output], dict, pd.DataFrame | None]:
    """The staged outputs of a chapter, its values and its quotes (None if it quotes nothing)."""
    stage = Path(stage)
    layout = json.loads((stage / "layout.json").read_text(encoding="utf-8"))
    outputs = []
    for kind, folder in (("table", "tables"), ("figure", "figures")):
        for name, meta in sorted(layout[folder].items()):
            frame = _text(stage / folder / f"{name}.csv")
            cells = resolve_rows(read_cells(stage / folder / f"{name}.cells.csv"), frame)
            outputs.append(Output(kind, name, frame, cells, meta["labels"], {**meta, "svg": stage / folder / f"{name}.svg"}))
    values = json.loads((stage / "values.json").read_text(encoding="utf-8"))
    outputs.append(Output("values", "values", None, read_cells(stage / "values.cells.csv"), 0, {"described": layout.get("values_described", False)}))
    quotes = _text(stage / "quotes.csv") if (stage / "quotes.csv").is_file() else None
    return outputs, values, quotes


def leaves(values, prefix: str = "") -> list[tuple[str, object]]:
    """Every leaf of a nested values dict (lists by index) with its dotted path."""
    if isinstance(values, dict):
        return [leaf for k, v in values.items() for leaf in leaves(v, f"{prefix}{k}.")]
    if isinstance(values, list):
        return [leaf for i, v in enumerate(values) for leaf in leaves(v, f"{prefix}{i}.")]
    return [(prefix[:-1], values)]


def holds_number(value) -> bool:
    """Whether a published value carries a number: an int or float (not a bool), or text with a digit.
    A suppression marker copied from an upstream chapter ("suppressed (fewer than 10 people)") carries none."""
    if isinstance(value, bool) or value is None or is_suppressed(value):
        return False
    return isinstance(value, (int, float)) or (isinstance(value, str) and bool(DIGIT.search(value)))


def covers(path: str, leaf: str) -> bool:
    """Whether a value cell at `path` covers the leaf at `leaf` (itself or anything below it)."""
    return leaf == path or leaf.startswith(path + ".")


def uncovered(output: Output, values: dict | None = None) -> list[str]:
    """Locations holding a number that no cell describes (the `undescribed` rule), in words."""
    cells = output.cells if output.cells is not None else pd.DataFrame(columns=CELL_COLUMNS)
    if output.kind == "values":
        paths = [p for p in cells["path"].dropna()]
        return [f"'{leaf}'" for leaf, v in leaves(values or {}) if holds_number(v) and not any(covers(p, leaf) for p in paths)]
    found = []
    rows = pd.to_numeric(cells["row"], errors="coerce")
    whole = set(cells.loc[rows.isna(), "column"].dropna())
    placed = set(zip(rows[rows.notna()].astype(int), cells.loc[rows.notna(), "column"]))
    for c_idx, column in enumerate(output.frame.columns):
        if c_idx < output.labels or column in whole:
            continue
        for r_idx, text in enumerate(output.frame[column]):
            if DIGIT.search(text) and not is_suppressed(text) and (r_idx, column) not in placed:
                found.append(f"(row {r_idx + 1}, column '{column}')")
    return found


def all_cells(outputs: list[Output]) -> pd.DataFrame:
    """Every cell of the chapter in one frame, with the output it belongs to; a missing key becomes unique."""
    text = {c: object for c in ("row", "column", "path", "statistic", "unit", "key")}
    parts = [o.cells.astype(text).assign(output=o.label) for o in outputs if o.cells is not None and len(o.cells)]
    if not parts:
        return pd.DataFrame(columns=[*CELL_COLUMNS, "output"])
    cells = pd.concat(parts, ignore_index=True)
    own = cells["output"] + "@" + cells["row"].astype(str) + "/" + cells["column"].astype(str) + "/" + cells["path"].astype(str)
    cells["key"] = cells["key"].where(cells["key"].notna() & cells["key"].ne(""), own)
    cells["unit"] = cells["unit"].fillna("people")
    return cells
