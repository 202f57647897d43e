"""Provenance at the point of use, as pure functions: anchors, links, the traced in-text values, the marks under
figures and tables, the PDF's pointer, and the record pages built from hand-made records."""

import hashlib
import json
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import lxml.html
import pytest

from conftest import require_tool
from goodcare import provenance, provlinks, recordpages

HOSTILE = '*Bold* <script>alert(1)</script> [link](http://x.example) "q" `code` & @fig-x'


# ---- anchors and links ------------------------------------------------------------------------------------


def test_value_anchors_are_unambiguous_and_url_safe():
    keys = [("text", "a.b"), ("text", "a", "b"), ("text", "a-b"), ("text", "a b"), ("list", 0), ("list", "0x")]
    anchors = [provlinks.value_anchor(k) for k in keys]
    assert len(set(anchors)) == len(anchors)
    assert all(a.startswith("value-") and all(c.isalnum() or c in "_-.~" for c in a) for a in anchors)
    assert provlinks.value_anchor(("text", "rate_micro")) == "value-text.rate_micro"


def test_output_and_job_anchors_name_the_kind():
    assert provlinks.output_anchor("figure", "outcomes-scores") == "figure-outcomes-scores"
    assert provlinks.output_anchor("table", "a b") != provlinks.output_anchor("table", "a-b")
    assert provlinks.job_anchor("disclose_outcomes") == "job-disclose_outcomes"


@pytest.mark.parametrize("repo,commit,expected", [
    ("https://github.com/o/r/", "abc123", "https://github.com/o/r/blob/abc123/src/x.py"),
    ("https://github.com/o/r", "abc123+changes", "https://github.com/o/r/blob/abc123/src/x.py"),
    (None, "abc123", None),
    ("https://github.com/o/r", "unknown", None),
])
def test_code_url_links_the_file_at_the_commit_only_when_both_are_known(repo, commit, expected):
    assert provlinks.code_url(repo, commit, "src/x.py") == expected


def test_book_setting_reads_the_book_section(tmp_path):
    (tmp_path / "_quarto.yml").write_text("book:\n  repo-url: https://example.org/r\n", encoding="utf-8")
    assert provlinks.book_setting(tmp_path, "repo-url") == "https://example.org/r"
    assert provlinks.book_setting(tmp_path, "site-url") is None
    assert provlinks.book_setting(tmp_path / "nowhere", "repo-url") is None


# ---- in-text values ---------------------------------------------------------------------------------------


def link_of(markdown: str) -> dict:
    """The attributes and text of the one <a> a value's markdown makes (raw HTML tags around escaped text)."""
    opening, rest = markdown.split("`{=html}", 1)
    text, closing = rest.rsplit("`</a>`{=html}", 1)
    element = lxml.html.fromstring(opening.lstrip("`") + "x</a>")
    return {**element.attrib, "text": text, "after": closing}


def test_value_markdown_links_escaped_text_with_escaped_attributes():
    md = provlinks.value_markdown(HOSTILE, 'p.html#value-a"b`c', "title <b>`")
    link = link_of(md)
    assert link["href"] == 'p.html#value-a"b`c'
    assert "`" not in md.split("`{=html}")[0].lstrip("`")  # no backtick can end the raw span early
    assert link["title"] == "title <b>`"
    assert "<script>" not in link["text"] and "\\<script\\>" in link["text"]
    assert link["after"] == ""


def test_an_empty_value_is_no_link():
    assert provlinks.value_markdown("", "p.html#x", "t") == ""


def test_traced_values_behave_as_their_values_and_render_as_links():
    record = {"text": {"rate": "£12.50", "n": 17, "share": 0.5, "flag": True, "none": None}, "rows": [{"id": "H1"}]}
    traced = provlinks.trace(record, "Values record values/outcomes.json", lambda path: "p.html#" + provlinks.value_anchor(path))
    assert traced == record and json.dumps(traced) == json.dumps(record)
    rate, n = traced["text"]["rate"], traced["text"]["n"]
    assert rate == "£12.50" and str(rate) == "£12.50" and type(str(rate)) is str and rate.replace("£", "") == "12.50"
    assert n + 1 == 18 and str(n) == "17" and f"{traced['text']['share']}" == "0.5"
    assert traced["text"]["flag"] is True and traced["text"]["none"] is None
    link = link_of(rate._repr_markdown_())
    assert link["href"] == "p.html#value-text.rate" and link["text"] == "£12.50"
    assert link["title"] == "Values record values/outcomes.json, key text.rate"
    assert link_of(traced["rows"][0]["id"]._repr_markdown_())["href"] == "p.html#value-rows.0.id"


def test_a_value_renders_as_a_link_on_the_site_and_as_text_alone_in_typst(tmp_path):
    quarto = require_tool("quarto", "the value's markdown is converted by Quarto's pandoc")
    traced = provlinks.trace({"x": HOSTILE}, "Values record values/c.json", lambda path: "../provenance/c.html#value-x")
    source = tmp_path / "v.md"
    source.write_text(f"The value is {traced['x']._repr_markdown_()} here.\n", encoding="utf-8")

    def convert(to: str) -> str:
        return subprocess.run([quarto, "pandoc", str(source), "-f", "markdown", "-t", to, "--wrap=none"], capture_output=True,
                              text=True, check=True).stdout

    page = lxml.html.fromstring(convert("html"))
    links = page.xpath("//a[@class='gc-value']")
    assert [a.get("href") for a in links] == ["../provenance/c.html#value-x"]
    # The value's own text, character for character (pandoc's smart quotes aside), and no element made of it.
    assert links[0].text_content() == HOSTILE.replace('"q"', "\u201cq\u201d") and not page.xpath("//script")
    typst = convert("typst")
    assert "gc-value" not in typst and "provenance" not in typst and "script" in typst


# ---- marks and the PDF's pointer ------------------------------------------------------------------------


def test_table_mark_is_a_raw_html_block_with_both_links():
    mark = provlinks.table_mark("../provenance/c.html#table-t", "table t", "../results/tables/c/t.csv")
    assert mark.startswith("```{=html}\n") and mark.endswith("\n```\n")
    links = lxml.html.fromstring(mark.split("\n")[1]).xpath("//a")
    assert [a.get("href") for a in links] == ["../provenance/c.html#table-t", "../results/tables/c/t.csv"]
    assert all(a.get("aria-label") for a in links)


def test_figure_mark_is_one_raw_html_inline():
    mark = provlinks.figure_mark('x.html#figure-f"', "figure f")
    assert mark.startswith("`<span") and mark.endswith("`{=html}") and mark.count("`") == 2
    assert 'href="x.html#figure-f&quot;"' in mark


def test_pdf_pointer_names_every_page_once():
    sentence = provlinks.pdf_pointer(["methods", "calibration"], None)
    assert sentence.count("provenance/methods.html") == 1 and sentence.count("provenance/calibration.html") == 1
    assert "https://book.example/provenance/methods.html" in provlinks.pdf_pointer(["methods"], "https://book.example/")


# ---- record pages -------------------------------------------------------------------------------------------


def write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def build(tmp_path):
    """A hand-made build of one chapter: a validated table, an analysis and its gate, with real files."""
    project, outside = tmp_path / "project", tmp_path / "elsewhere"
    results = project / "results"
    raw = write(outside / "t.csv", "a\n1\n")
    parquet = write(results / "validated/t.parquet", "P")
    staged = {k: write(results / f"analysis/ch/{k}", k) for k in ("figures/f.svg", "figures/f.csv", "tables/tb.csv", "values.json")}
    values = json.dumps({"text": {"n": 17, "hostile": HOSTILE}, "rows": [{"id": "H1"}]})
    pub = {"figures/ch/f.svg": write(results / "figures/ch/f.svg", "<svg/>"), "figures/ch/f.csv": write(results / "figures/ch/f.csv", "x\n1\n"),
           "tables/ch/tb.csv": write(results / "tables/ch/tb.csv", "y\n2\n"), "values/ch.json": write(results / "values/ch.json", values)}
    code = {"src/goodcare/chapters/ch.py": "c1", "src/goodcare/stats.py": "c2"}
    common = {"commit": "abc123", "code": code, "code_version": "v", "packages": {"python": "3"}}
    records = {
        "validate_t": {**common, "rule": "validate_table", "script": {"path": "scripts/validate_table.py", "sha256": "s"},
                       "inputs": {str(outside / "t.csv"): raw}, "outputs": {"results/validated/t.parquet": parquet}, "params": {}},
        "ch": {**common, "rule": "analyse_ch", "script": {"path": "scripts/analyse.py", "sha256": "s"},
               "inputs": {"results/validated/t.parquet": parquet},
               "outputs": {f"results/analysis/ch/{k}": v for k, v in staged.items()}, "params": {"seed": 1, "note": HOSTILE}},
        "disclose_ch": {**common, "rule": "disclose_ch", "script": {"path": "scripts/disclose.py", "sha256": "s"},
                        "inputs": {f"results/analysis/ch/{k}": v for k, v in staged.items()},
                        "outputs": {f"results/{k}": v for k, v in pub.items()}, "params": {}},
    }
    for name, record in records.items():
        write(results / "provenance" / f"{name}.json", json.dumps(record))
    return project, results, records, pub


def test_lineage_runs_upstream_first(build):
    project, _, records, _ = build
    assert recordpages.lineage(records, "disclose_ch", project) == ["validate_t", "ch", "disclose_ch"]
    assert recordpages.lineage(records, "validate_t", project) == ["validate_t"]


def test_shown_paths_are_relative_to_the_project_and_never_name_a_folder_outside_it(build, tmp_path):
    project = build[0]
    assert recordpages.shown_path("results/values/ch.json", project) == "results/values/ch.json"
    assert recordpages.shown_path(str(project / "results/x.csv"), project) == "results/x.csv"
    assert recordpages.shown_path(str(tmp_path / "elsewhere/t.csv"), project) == "…/t.csv"


class StrictParser(HTMLParser):
    """Collects the tags of a page, so a test can see no markup came from a record's text."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def test_chapter_page_has_an_anchor_per_output_and_value_with_the_recorded_hashes(build):
    project, results, records, pub = build
    page = recordpages.chapter_page("ch", records, project, results, "https://github.com/o/r", "Book <i>")
    tree = lxml.html.fromstring(page)
    ids = set(tree.xpath("//@id"))
    assert {"figure-f", "table-tb", "values-file", "value-text.n", "value-text.hostile", "value-rows.0.id",
            "job-validate_t", "job-ch", "job-disclose_ch"} <= ids
    figure = tree.get_element_by_id("figure-f")
    hashes = {f.get("data-path"): f.get("data-sha256") for f in figure.xpath(".//*[@class='gc-file']")}
    assert hashes["results/figures/ch/f.svg"] == pub["figures/ch/f.svg"]
    assert hashes["results/figures/ch/f.csv"] == pub["figures/ch/f.csv"]
    assert hashes["results/validated/t.parquet"] == records["ch"]["inputs"]["results/validated/t.parquet"]
    # The code at the commit, linked on the repository; the data behind it, linked in the site.
    hrefs = figure.xpath(".//a/@href")
    assert "https://github.com/o/r/blob/abc123/src/goodcare/chapters/ch.py" in hrefs
    assert "../results/figures/ch/f.csv" in hrefs
    value = tree.get_element_by_id("value-text.hostile")
    assert value.get("data-key") == "text.hostile" and HOSTILE in value.text_content()
    # Every text from a record is escaped: the only tags are the page's own.
    parser = StrictParser()
    parser.feed(page)
    assert "script" not in parser.tags and "i" not in parser.tags
    assert "…/t.csv" in tree.get_element_by_id("job-validate_t").text_content()
    assert "elsewhere" not in page


def test_chapter_page_without_repo_url_names_path_and_commit_as_text(build):
    project, results, records, _ = build
    page = recordpages.chapter_page("ch", records, project, results, None, "Book")
    assert "github" not in page and "blob/" not in page
    job = lxml.html.fromstring(page).get_element_by_id("job-ch")
    assert "abc123" in job.text_content() and "src/goodcare/chapters/ch.py" in job.text_content()


def test_write_record_pages_writes_every_page_and_copies_the_data_files(build, tmp_path):
    project, results, _, pub = build
    site = tmp_path / "site"
    pages = recordpages.write_record_pages(site, results, project, None, "Book")
    assert [p.relative_to(site).as_posix() for p in pages] == ["provenance/index.html", "provenance/ch.html"]
    for name in ("figures/ch/f.csv", "tables/ch/tb.csv", "values/ch.json"):
        assert hashlib.sha256((site / "results" / name).read_bytes()).hexdigest() == pub[name]
    assert not (site / "results/figures/ch/f.svg").exists()  # the figure itself is Quarto's to copy
    index = lxml.html.fromstring(pages[0].read_text(encoding="utf-8"))
    assert {"job-validate_t", "job-ch", "job-disclose_ch", "report-disclosure", "report-changes"} <= set(index.xpath("//@id"))
    # Written twice, the pages are byte-identical (no timestamps, a stable order).
    again = recordpages.write_record_pages(tmp_path / "again", results, project, None, "Book")
    assert [p.read_bytes() for p in pages] == [p.read_bytes() for p in again]


def test_record_pages_withhold_the_register_of_names_settings(build):
    project, results, records, _ = build
    # Names listed inline in the config, and the register's file: the names are what the register protects.
    records["disclose_ch"]["params"] = {"settings": {"deny_list": ["Alex Smith"], "deny_list_file": "data/register.txt", "k": 5}}
    page = recordpages.chapter_page("ch", records, project, results, None, "Book")
    assert "Alex Smith" not in page and "register.txt" not in page
    job = lxml.html.fromstring(page).get_element_by_id("job-disclose_ch").text_content()
    assert job.count(provenance.WITHHELD) == 2 and '"k": 5' in job


# ---- what the chapters call ----------------------------------------------------------------------------------


def test_book_links_are_relative_to_the_chapter_being_executed(tmp_path, monkeypatch):
    from goodcare import book

    (tmp_path / "_quarto.yml").write_text("book:\n  title: T\n", encoding="utf-8")
    write(tmp_path / "results/tables/ch/t.csv", "Group,Share\nMicro,12%\n")
    write(tmp_path / "results/values/ch.json", json.dumps({"text": {"n": "17 people"}, "figures": {"f": {"alt": "Bars"}}}))
    (tmp_path / "chapters").mkdir()
    monkeypatch.setenv(book.RESULTS_ENV, str(tmp_path / "results"))
    monkeypatch.chdir(tmp_path / "chapters")
    book._traced_values.cache_clear()
    table = book.published_table("ch", "t")
    assert table.startswith("| Group") and "Micro" in table
    links = lxml.html.fromstring(table.split("```{=html}\n")[1].split("\n```")[0]).xpath("//a/@href")
    assert links == ["../provenance/ch.html#table-t", "../results/tables/ch/t.csv"]
    assert link_of(book.values("ch")["text"]["n"]._repr_markdown_())["href"] == "../provenance/ch.html#value-text.n"
    assert "../provenance/ch.html#figure-f" in book.figure_markdown("ch", "f", "Caption.")
    note = book.provenance_note("index")
    assert "../provenance/index.html" in note and "provenance/index.html." in note.split("when-format=\"typst\"")[1]
    book._traced_values.cache_clear()
