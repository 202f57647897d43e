"""Provenance at the point of use: the links from the site's figures, tables and in-text numbers to their records."""

import html
import re
from pathlib import Path

from goodcare.markup import md_text

# The site's folder of record pages, one page per chapter's analysis (written by the render, not by Quarto).
RECORDS_FOLDER = "provenance"
# Characters an anchor keeps as they are; any other is written ~XX (its code point in hex), so that keys with
# dots, spaces or markup still give one id each and "." stays free to separate the levels of a key.
ANCHOR_SAFE = re.compile(r"[^A-Za-z0-9_-]")


def book_setting(project: Path, key: str) -> str | None:
    """A setting of the `book:` section of a project's _quarto.yml (repo-url, site-url), if set."""
    import yaml

    config = project / "_quarto.yml"
    if not config.is_file():
        return None
    return (yaml.safe_load(config.read_text(encoding="utf-8")).get("book") or {}).get(key)


def records_page(chapter: str) -> str:
    """The site path of a chapter's record page."""
    return f"{RECORDS_FOLDER}/{chapter}.html"


def anchor_part(part) -> str:
    """One level of a key as part of an HTML id (unambiguous, no characters a URL fragment must escape)."""
    return ANCHOR_SAFE.sub(lambda m: "~" + "".join(f"{b:02X}" for b in m[0].encode("utf-8")), str(part))


def output_anchor(kind: str, name: str) -> str:
    """The id of a figure's or table's record on its chapter's page: figure-NAME, table-NAME."""
    return f"{kind}-{anchor_part(name)}"


def value_anchor(path) -> str:
    """The id of an in-text value's record: value-KEY.SUBKEY (list items by their index)."""
    return "value-" + ".".join(anchor_part(p) for p in path)


def job_anchor(record_name: str) -> str:
    """The id of a job's record (validate_outcomes, analyse_outcomes's record `outcomes`, ...) on a page."""
    return f"job-{anchor_part(record_name)}"


def key_text(path) -> str:
    """A value's key as a reader reads it: text.rate_micro, hypotheses.0.id."""
    return ".".join(str(p) for p in path)


def attribute(text: str) -> str:
    """Text as an HTML attribute value, also safe inside a markdown raw-HTML code span (no backticks)."""
    return html.escape(str(text), quote=True).replace("`", "&#96;")


def code_url(repo_url: str | None, commit: str, path: str) -> str | None:
    """The code file at the commit that ran on the repository's web site, or None when either is unknown."""
    commit = commit.split("+")[0]
    if not repo_url or not commit or commit == "unknown":
        return None
    return f"{repo_url.rstrip('/')}/blob/{commit}/{path}"


def analysis_module(record: dict, chapter: str) -> str:
    """The code file that says most about how a chapter's outputs were made: its own module (chapters/NAME.py),
    found among every module the job imported (chapters/__init__.py among them), else the rule's script."""
    return next((p for p in sorted(record.get("code", {})) if p.endswith(f"/chapters/{chapter}.py")),
                record.get("script", {}).get("path", ""))


def raw_html(markup: str) -> str:
    """Markup as a pandoc raw-HTML inline: kept on the site, dropped from the Typst PDF."""
    return f"`{markup}`{{=html}}"


def value_markdown(text: str, href: str, title: str) -> str:
    """An in-text value as markdown: on the site a link to its record, titled with the values file and key; in
    the PDF the text alone (the link's tags are raw HTML). The value itself is always escaped text."""
    shown = md_text(text)
    if not shown:
        return shown
    return raw_html(f'<a class="gc-value" href="{attribute(href)}" title="{attribute(title)}">') + shown + raw_html("</a>")


def mark_links(href: str, what: str, data_href: str | None = None) -> str:
    """The small links under a figure or table: its provenance record and, if given, the data behind it."""
    links = [f'<a class="gc-provenance" href="{attribute(href)}" aria-label="{attribute("Provenance record of " + what)}">Provenance</a>']
    if data_href:
        links.append(f'<a class="gc-provenance-data" href="{attribute(data_href)}" aria-label="{attribute("Data behind " + what + " (CSV)")}">Data (CSV)</a>')
    return '<span class="gc-provenance-mark">' + " ".join(links) + "</span>"


def figure_mark(href: str, what: str) -> str:
    """The provenance link of a figure, as raw HTML for its caption (the caption links its data already)."""
    return raw_html(mark_links(href, what))


def table_mark(href: str, what: str, data_href: str | None = None) -> str:
    """The provenance links under a table, as a raw-HTML block (site only)."""
    return "```{=html}\n<p class=\"gc-provenance-line\">" + mark_links(href, what, data_href).replace("`", "&#96;") + "</p>\n```\n"


def pdf_pointer(chapters: list[str], site_url: str | None) -> str:
    """The PDF's one sentence per chapter: where the records of its figures, tables and numbers are."""
    pages = [records_page(c) for c in chapters]
    where = " and ".join(f"{site_url.rstrip('/')}/{p}" if site_url else p for p in pages)
    return (f"The provenance of every table, figure and number in this chapter (the rule and code that made it, "
            f"the SHA-256 of its inputs and the data behind it) is recorded on the book's website, at {where}.")


# ---- in-text values that know where they came from -------------------------------------------------------


class _Traced:
    """What every traced value holds: the record it comes from, its key there and the link to its record."""

    source: str
    path: tuple
    href: str

    def _repr_markdown_(self) -> str:
        # Quarto renders an inline expression's text/markdown as markdown: the value and its link, escaped.
        return value_markdown(str(self), self.href, f"{self.source}, key {key_text(self.path)}")

    def __str__(self) -> str:
        return self._plain()


class TracedStr(_Traced, str):
    """A text value of a chapter's values record."""

    def _plain(self) -> str:
        return str.__str__(self)


class TracedInt(_Traced, int):
    """A whole-number value of a chapter's values record."""

    def _plain(self) -> str:
        return int.__repr__(self)


class TracedFloat(_Traced, float):
    """A number value of a chapter's values record."""

    def _plain(self) -> str:
        return float.__repr__(self)


class TracedDict(dict):
    """A mapping of a values record whose items are traced."""


class TracedList(list):
    """A list of a values record whose items are traced."""


def trace(value, source: str, href_of, path: tuple = ()):
    """A values record (parsed JSON) whose texts and numbers, shown inline, render as links to their records:
    `source` names the record (the link's title) and `href_of(path)` gives the link of the value at `path`.
    Booleans and nulls stay as they are (they cannot be subclassed)."""
    if isinstance(value, dict):
        return TracedDict({k: trace(v, source, href_of, (*path, k)) for k, v in value.items()})
    if isinstance(value, list):
        return TracedList(trace(v, source, href_of, (*path, i)) for i, v in enumerate(value))
    kind = {str: TracedStr, int: TracedInt, float: TracedFloat}.get(type(value))
    if kind is None:
        return value
    traced = kind(value)
    traced.source, traced.path, traced.href = source, path, href_of(path)
    return traced


def value_leaves(value, path: tuple = ()):
    """Every text or number in a values record with its key, in the record's order."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from value_leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from value_leaves(v, (*path, i))
    elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
        yield path, value

