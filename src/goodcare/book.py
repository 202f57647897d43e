"""What the book's chapter cells call: find the built results, read values and tables, emit markdown."""

import json
import os
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from goodcare.markup import md_text, restore_formula

RESULTS_ENV = "GOODCARE_RESULTS"
# At the start of a Typst table cell these open a heading, a list, a numbered list or a term list, and
# pandoc's Typst writer escapes them only at the start of a paragraph, not of a cell ("= x" became a heading).
TYPST_CELL_START = re.compile(r"^(?:[=+/-]+|\d+\.)(?=\s|$)")
# An empty Typst string before such a cell's text: Typst no longer reads the text as a line start; HTML drops it.
TYPST_INERT = '`#""`{=typst}'


def results_dir() -> Path:
    """The results folder handed to the render by Snakemake (never a hard-coded path)."""
    value = os.environ.get(RESULTS_ENV)
    if not value:
        raise RuntimeError(
            f"{RESULTS_ENV} is not set: render the book with `snakemake --cores 4`, "
            f"or set {RESULTS_ENV} to the results folder of a finished `snakemake analyses`."
        )
    return Path(value).resolve()


@lru_cache(maxsize=None)
def values(chapter: str) -> dict:
    """The in-text values a chapter's analysis computed."""
    return json.loads((results_dir() / "values" / f"{chapter}.json").read_text(encoding="utf-8"))


def table(chapter: str, name: str) -> pd.DataFrame:
    """A published table of a chapter, as a frame (strings kept as written)."""
    frame = pd.read_csv(results_dir() / "tables" / chapter / f"{name}.csv", dtype=str, keep_default_na=False)
    # Published CSVs start a formula-like text cell with an apostrophe (for spreadsheets); readers see the text.
    return frame.map(restore_formula)


def md_cell(value) -> str:
    """A value as the literal text of a pipe-table cell in both formats (`md_text`, made inert for Typst too)."""
    text = md_text(value)
    return TYPST_INERT + text if TYPST_CELL_START.match(" ".join(str(value).split())) else text


def markdown_table(frame: pd.DataFrame, markup: tuple[str, ...] = ()) -> str:
    """A pipe table, which both the HTML site and the Typst PDF render natively. Every header and cell is
    published as text (escaped), except the columns named in `markup`, which hold markdown the project
    itself wrote (cross-references, code spans)."""
    shown = frame.copy()
    for column in shown.columns:
        if column not in markup:
            shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else md_cell(v))
    shown.columns = [c if c in markup else md_cell(c) for c in shown.columns]
    return shown.to_markdown(index=False, disable_numparse=True)


def relative_to_here(path: Path) -> str:
    """A path relative to the chapter being executed (Quarto resolves links from the document)."""
    return Path(os.path.relpath(path, Path.cwd())).as_posix()


def figure_markdown(chapter: str, name: str, caption: str) -> str:
    """Markdown for a figure: the SVG, its label, data-derived alt text and a link to its data."""
    files = figure_files(chapter, name)
    alt = values(chapter)["figures"][name]["alt"].replace('"', "'")
    return f'![{caption} [Data behind this figure (CSV)]({files["csv"]}).]({files["svg"]}){{#fig-{name} fig-alt="{alt}"}}'


def validation_summaries() -> list[dict]:
    """The validation summary of every table in this build, in file-name order."""
    folder = results_dir() / "validated"
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def repo_url() -> str | None:
    """The book's `repo-url` from _quarto.yml (found above the chapter being executed), if set."""
    import yaml

    for folder in [Path.cwd(), *Path.cwd().parents]:
        if (folder / "_quarto.yml").is_file():
            return (yaml.safe_load((folder / "_quarto.yml").read_text(encoding="utf-8")).get("book") or {}).get("repo-url")
    return None


def provenance_note(chapter: str) -> str:
    """How this chapter's tables and figures were made: rule, script and module (linked at the commit
    when `repo-url` is set) on the site; in the PDF, where the records are."""
    record = json.loads((results_dir() / "provenance" / f"{chapter}.json").read_text(encoding="utf-8"))
    # The record's code is every module the job imported (chapters/__init__.py among them): name the chapter's own.
    module = next((p for p in record["code"] if p.endswith(f"/chapters/{chapter}.py")), record["script"]["path"])
    url, commit = repo_url(), record["commit"].split("+")[0]
    link = f"[`{module}`]({url.rstrip('/')}/blob/{commit}/{module})" if url and commit != "unknown" else f"`{module}`"
    return (
        "::: {.content-visible when-format=\"html\"}\n"
        f"*How this was made:* every table and figure in this chapter was made by rule `{record['rule']}` "
        f"(script `{record['script']['path']}`, analysis {link}, code version `{record['code_version'][:12]}`), "
        f"from inputs whose hashes are in `provenance/{chapter}.json` of the results.\n:::\n\n"
        "::: {.content-visible when-format=\"typst\"}\n"
        f"*How this was made:* the rule, code and input hashes behind this chapter are recorded in "
        f"`provenance/{chapter}.json` of the results; see the page on how this report was made.\n:::\n"
    )


def figure_files(chapter: str, name: str) -> dict[str, str]:
    """Links (relative to the chapter) to a published figure's SVG and the CSV of the data it draws."""
    folder = results_dir() / "figures" / chapter
    return {kind: relative_to_here(folder / f"{name}.{kind}") for kind in ("svg", "csv")}
