"""What the book's chapter cells call: find the built results, read values and tables, emit markdown."""

import json
import os
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from goodcare import provlinks
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


def values(chapter: str) -> dict:
    """The in-text values a chapter's analysis computed; each text and number, shown inline, links to its record."""
    return _traced_values(chapter, str(Path.cwd()))


@lru_cache(maxsize=None)
def _traced_values(chapter: str, here: str) -> dict:
    # Cached per chapter and folder: the links are relative to the chapter being executed.
    record = json.loads((results_dir() / "values" / f"{chapter}.json").read_text(encoding="utf-8"))
    page = records_href(chapter)
    return provlinks.trace(record, f"Values record values/{chapter}.json", lambda path: f"{page}#{provlinks.value_anchor(path)}")


def project_root() -> Path:
    """The book's project folder: the nearest folder above the chapter being executed with a _quarto.yml."""
    return next((f for f in [Path.cwd(), *Path.cwd().parents] if (f / "_quarto.yml").is_file()), Path.cwd())


def records_href(chapter: str) -> str:
    """The link from the chapter being executed to a chapter's record page (the site mirrors the project)."""
    return relative_to_here(project_root() / provlinks.records_page(chapter))


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


def published_table(chapter: str, name: str, markup: tuple[str, ...] = ()) -> str:
    """A chapter's published table as a pipe table, with (on the site only) links to its record and its CSV."""
    href = f"{records_href(chapter)}#{provlinks.output_anchor('table', name)}"
    data = relative_to_here(results_dir() / "tables" / chapter / f"{name}.csv")
    return markdown_table(table(chapter, name), markup) + "\n\n" + provlinks.table_mark(href, f"table {name}", data)


def sourced_table(frame: pd.DataFrame, chapter: str, anchor: str, what: str, markup: tuple[str, ...] = ()) -> str:
    """A table the chapter assembles from a record's values or reports, with (site only) a link to that record."""
    return markdown_table(frame, markup) + "\n\n" + records_mark(chapter, anchor, what)


def records_mark(chapter: str, anchor: str, what: str) -> str:
    """The site-only link under a table to its record on a records page (`index` is the page of every job)."""
    return provlinks.table_mark(f"{records_href(chapter)}#{anchor}", what)


def disclosure_report() -> dict:
    """The disclosure gate's report of this build; its texts and numbers, shown inline, link to its record."""
    from goodcare.disclosure import report

    return traced(report.read(results_dir() / "disclosure" / "report.json"), "Disclosure report disclosure/report.json",
                  "index", "report-disclosure")


def traced(record: dict, source: str, chapter: str, anchor: str) -> dict:
    """A report (parsed JSON) whose texts and numbers, shown inline, link to its entry on a records page."""
    href = f"{records_href(chapter)}#{anchor}"
    return provlinks.trace(record, source, lambda path: href)


def relative_to_here(path: Path) -> str:
    """A path relative to the chapter being executed (Quarto resolves links from the document)."""
    return Path(os.path.relpath(path, Path.cwd())).as_posix()


def figure_markdown(chapter: str, name: str, caption: str) -> str:
    """Markdown for a figure: the SVG, its label, data-derived alt text and a link to its data."""
    files = figure_files(chapter, name)
    alt = str(values(chapter)["figures"][name]["alt"]).replace('"', "'")
    mark = provlinks.figure_mark(f"{records_href(chapter)}#{provlinks.output_anchor('figure', name)}", f"figure {name}")
    return f'![{caption} [Data behind this figure (CSV)]({files["csv"]}). {mark}]({files["svg"]}){{#fig-{name} fig-alt="{alt}"}}'


def validation_summaries() -> list[dict]:
    """The validation summary of every table in this build, in file-name order."""
    folder = results_dir() / "validated"
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def repo_url() -> str | None:
    """The book's `repo-url` from _quarto.yml (found above the chapter being executed), if set."""
    return provlinks.book_setting(project_root(), "repo-url")


def provenance_note(*chapters: str) -> str:
    """Where the records behind this chapter are: on the site, the rule and code of each analysis it shows (linked
    at the commit when `repo-url` is set) and a link to its record page; in the PDF, one sentence naming the pages."""
    site = []
    for chapter in chapters:
        path = results_dir() / "provenance" / f"{chapter}.json"
        if not path.is_file():  # the page of every job (`index`): no one analysis to name
            site.append("*How this was made:* "
                        + provlinks.raw_html(f'<a href="{provlinks.attribute(records_href(chapter))}">the provenance records of '
                                             "every job of this build</a>")
                        + " give each job's rule, code, settings and the SHA-256 of its inputs and outputs.")
            continue
        record = json.loads(path.read_text(encoding="utf-8"))
        module = provlinks.analysis_module(record, chapter)
        url = provlinks.code_url(repo_url(), record["commit"], module)
        link = f"[`{module}`]({url})" if url else f"`{module}`"
        site.append(
            f"*How this was made:* the tables, figures and numbers from the `{chapter}` analysis were made by rule "
            f"`{record['rule']}` (script `{record['script']['path']}`, analysis {link}, code version "
            f"`{record['code_version'][:12]}`); "
            + provlinks.raw_html(f'<a href="{provlinks.attribute(records_href(chapter))}">their provenance records</a>')
            + " give the inputs' SHA-256 and the data behind each."
        )
    return (
        "::: {.content-visible when-format=\"html\"}\n" + "\n\n".join(site) + "\n:::\n\n"
        "::: {.content-visible when-format=\"typst\"}\n"
        f"*Provenance:* {md_text(provlinks.pdf_pointer(list(chapters), provlinks.book_setting(project_root(), 'site-url')))}\n:::\n"
    )


def figure_files(chapter: str, name: str) -> dict[str, str]:
    """Links (relative to the chapter) to a published figure's SVG and the CSV of the data it draws."""
    folder = results_dir() / "figures" / chapter
    return {kind: relative_to_here(folder / f"{name}.{kind}") for kind in ("svg", "csv")}
