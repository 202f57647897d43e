"""A chapter's results (tables, figures, values) and how they are written, byte-identically."""

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

VALUE_DIGITS = 6


@dataclass
class Figure:
    """A plotnine figure, the frame it draws (published beside it) and its data-derived alt text."""

    plot: object
    data: pd.DataFrame
    alt: str
    width: float = 6.3  # inches: the text width of an A4 page, so text prints at its set size
    height: float = 3.6


@dataclass
class Table:
    """A table as readers see it, and who stands behind each of its cells (for disclosure control).

    `cells` has one row per published statistic: `row` (the value in the display's first column),
    `column` (the display column), `statistic` (count, share, mean, median, difference, ...) and the
    contributor columns made by `contributors`: `people`, `organisations`, `top1` and `top2` (share of
    the cell's people from its largest and two largest organisations).
    """

    display: pd.DataFrame
    cells: pd.DataFrame | None = None


@dataclass
class ChapterResult:
    """Everything one chapter's analysis publishes."""

    tables: dict[str, "Table | pd.DataFrame"] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    values: dict = field(default_factory=dict)


def plain(value):
    """Make a value JSON-ready: numpy scalars to Python, floats rounded, NaN to None."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return None if math.isnan(value) else round(value, VALUE_DIGITS)
    if isinstance(value, np.bool_):
        return bool(value)
    if value is pd.NA:
        return None
    return value


def write_json(data: dict, path: Path) -> None:
    """JSON with sorted keys and a final newline, so equal data give equal bytes."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(plain(data), indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """CSV with Unix line ends and no index."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n")


def write_svg(figure: Figure, path: Path) -> None:
    """Save a plotnine figure as SVG with no date and a fixed id salt, so reruns give equal bytes."""
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = "goodcare"
    figure.plot.save(path, format="svg", width=figure.width, height=figure.height, verbose=False, metadata={"Date": None})


def write_chapter(result: ChapterResult, tables_dir: Path, figures_dir: Path, values_path: Path) -> None:
    """Write a chapter's tables, figures (SVG + CSV of the data drawn) and values."""
    for d in (tables_dir, figures_dir):
        Path(d).mkdir(parents=True, exist_ok=True)
    for name, table in sorted(result.tables.items()):
        table = table if isinstance(table, Table) else Table(table)
        write_csv(table.display, Path(tables_dir) / f"{name}.csv")
        if table.cells is not None:
            write_csv(table.cells, Path(tables_dir) / f"{name}.cells.csv")
    figure_meta = {}
    for name, figure in sorted(result.figures.items()):
        write_svg(figure, Path(figures_dir) / f"{name}.svg")
        write_csv(figure.data, Path(figures_dir) / f"{name}.csv")
        figure_meta[name] = {"alt": figure.alt}
    write_json({**result.values, "figures": figure_meta}, values_path)


def contributors(rows: pd.DataFrame, by: list[str], unit: str | None = "participant_id", org: str = "org_id") -> pd.DataFrame:
    """Per group of `by`: people (distinct `unit`s), organisations, and the largest organisations' shares.

    With unit=None the rows are organisations themselves, each contributing one.
    """
    keyed = rows.assign(_unit=rows[unit] if unit else rows[org])
    per_org = keyed.groupby([*by, org], observed=True)["_unit"].nunique().rename("n").reset_index()
    per_org = per_org.sort_values([*by, "n", org], ascending=[True] * len(by) + [False, True])
    grouped = per_org.groupby(by, observed=True)["n"]
    out = pd.DataFrame({
        "people": grouped.sum(),
        "organisations": grouped.size(),
        "top1": grouped.apply(lambda n: n.iloc[0] / n.sum()),
        "top2": grouped.apply(lambda n: n.iloc[:2].sum() / n.sum()),
    })
    out[["top1", "top2"]] = out[["top1", "top2"]].round(6)
    return out.reset_index()
