"""Provenance at the point of use, on the rendered site (served over a local HTTP server): every figure and table
carries a link to its record and every in-text value links to its key; then figures, tables and values picked at
random (seeded) are followed, link by link, to records whose SHA-256 hashes match the files on disk and the files
the site serves. The pure checks are shown failing on hand-written pages at the end."""

import hashlib
import json
import random
import re
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

import sitecheck
from conftest import ROOT
from goodcare import qmd

CHAPTERS = [p.relative_to(ROOT).with_suffix(".html").as_posix() for p in qmd.book_chapters(ROOT)]
SEED = 16  # the number: a fixed seed, so a failure names the same picks on every run
PICKS = 6  # of each kind: figures, tables, values
# An inline expression that shows one value of a record (v["x"], t["a"]["b"]): each must render as a link.
TRACEABLE = re.compile(r"`\{python\}\s+\w+(?:\[[^\]`]+\])+\s*`")
TITLE_KEY = re.compile(r", key (\S+)$")
# A figure's or table's float (Quarto's div#fig-x, div#tbl-x), not the caption inside it (fig-x-caption-<uuid>).
FLOAT_ID = re.compile(r"(fig|tbl)-(?!.*-caption-)")


# ---- reading pages (pure) ---------------------------------------------------------------------------------


def page_tree(body: bytes):
    return lxml.html.fromstring(body)


def provenance_links(tree, page_url: str) -> list[dict]:
    """Every provenance link of a chapter page: marks under figures and tables (with their float's id) and
    in-text values (with their title and text)."""
    links = []
    for a in tree.xpath("//a[contains(concat(' ', @class, ' '), ' gc-provenance ')]"):
        owner = next((el.get("id") for el in a.iterancestors() if FLOAT_ID.match(el.get("id") or "")), None)
        kind = {"fig": "figure", "tbl": "table"}.get((owner or "").split("-")[0], "mark")
        links.append({"kind": kind, "owner": owner, "url": urljoin(page_url, a.get("href")), "page": page_url})
    for a in tree.xpath("//a[contains(concat(' ', @class, ' '), ' gc-value ')]"):
        links.append({"kind": "value", "owner": None, "url": urljoin(page_url, a.get("href")), "page": page_url,
                      "title": a.get("title") or "", "text": a.text_content()})
    return links


def unmarked_floats(tree) -> list[str]:
    """Figures and tables (Quarto's floats, fig-* and tbl-*) without a provenance link inside them."""
    floats = [f for f in tree.xpath("//div[@id]") if FLOAT_ID.match(f.get("id"))]
    return [f.get("id") for f in floats if not f.xpath(".//a[contains(concat(' ', @class, ' '), ' gc-provenance ')]")]


def recorded_files(element) -> list[tuple[str, str]]:
    """The (path, SHA-256) pairs a record's element lists."""
    return [(f.get("data-path"), f.get("data-sha256")) for f in element.xpath(".//*[@class='gc-file']")]


def hash_problems(files, project) -> tuple[list[str], int]:
    """Files of the project whose bytes do not have the recorded hash (files outside it, shown as …/name, are
    not on this machine's project and are skipped); and how many were checked."""
    problems, checked = [], 0
    for path, sha in files:
        if path.startswith("…/"):
            continue
        target = project / path
        if not target.is_file():
            problems.append(f"{path}: recorded but not on disk")
            continue
        checked += 1
        if hashlib.sha256(target.read_bytes()).hexdigest() != sha:
            problems.append(f"{path}: SHA-256 on disk differs from the record's {sha[:12]}")
    return problems, checked


def plain(text: str) -> str:
    """Text as compared between a page and a record: whitespace runs as one space, typographic quotes plain."""
    for fancy, simple in {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}.items():
        text = text.replace(fancy, simple)
    return " ".join(text.split())


def value_at(record, key: str):
    """The value at a dotted key of a values record (list items by index)."""
    for part in key.split("."):
        record = record[int(part)] if isinstance(record, list) else record[part]
    return record


# ---- following links (over HTTP) ----------------------------------------------------------------------------


class Follower:
    """Follows links over the local server and checks what each record says against the disk and the site."""

    def __init__(self, fetcher: sitecheck.Fetcher, project):
        self.fetcher, self.project, self.checked = fetcher, project, 0

    def target(self, url: str):
        """The element a link's #fragment names, on the page the server sends."""
        answer = self.fetcher.get(url)
        assert answer.status == 200, f"{url}: HTTP {answer.status}"
        fragment = urlsplit(url).fragment
        found = page_tree(answer.body).xpath(f"//*[@id='{fragment}']")
        assert found, f"{url}: no element with id {fragment!r}"
        return found[0]

    def served_sha(self, url: str) -> str:
        answer = self.fetcher.get(url)
        assert answer.status == 200, f"{url}: HTTP {answer.status}"
        return hashlib.sha256(answer.body).hexdigest()

    def check_files(self, element, where: str) -> list[str]:
        problems, checked = hash_problems(recorded_files(element), self.project)
        self.checked += checked
        return [f"{where}: {p}" for p in problems] + ([] if checked else [f"{where}: no file of the project to check"])

    def check_jobs(self, element, url: str) -> list[str]:
        """Follow the record's links to its jobs and check their inputs' and outputs' hashes."""
        problems = []
        for href in sorted(set(element.xpath(".//a[starts-with(@href, '#job-')]/@href"))):
            problems += self.check_files(self.target(urljoin(url, href)), href)
        return problems

    def check_output(self, link: dict, chapter_tree) -> list[str]:
        """A figure's or table's record: the kind and name, its files' hashes on disk, the same bytes served as
        the figure the page shows and as the data it links, and the jobs behind it."""
        record, where = self.target(link["url"]), f"{link['owner']} -> {link['url']}"
        if "gc-output" not in (record.get("class") or ""):
            # A table the chapter assembles from a values file or a report: that record's files and jobs.
            return self.check_files(record, where) + self.check_jobs(record, link["url"])
        problems = [] if record.get("data-kind") == link["kind"] else [f"{where}: a {record.get('data-kind')} record"]
        name = link["owner"].split("-", 1)[1]
        if record.get("data-name") != name:
            problems.append(f"{where}: the record of {record.get('data-name')!r}, not {name!r}")
        problems += self.check_files(record, where)
        recorded = dict(recorded_files(record))
        # What the reader is shown is what was recorded: the figure's image, the data links of record and mark.
        floated = chapter_tree.xpath(f"//*[@id='{link['owner']}']")[0]
        shown = [urljoin(link["page"], s) for s in floated.xpath(".//img/@src")]
        shown += [urljoin(link["page"], h) for h in floated.xpath(
            f".//a[contains(@class, 'gc-provenance-data') or normalize-space() = '{sitecheck.CSV_LINK_TEXT}']/@href")]
        shown += [urljoin(link["url"], h) for h in record.xpath(".//a[@href][code]/@href")]
        for url in shown:
            path = next((p for p in recorded if urlsplit(url).path.endswith("/" + p.split("/", 1)[-1])), None)
            if path is None:
                problems.append(f"{where}: {url} is not among the recorded files")
            elif self.served_sha(url) != recorded[path]:
                problems.append(f"{where}: the site serves {url} with another SHA-256 than the record's")
        return problems + self.check_jobs(record, link["url"])

    def check_value(self, link: dict) -> list[str]:
        """A value's record: its key is the one the link's title names, the value there is the text shown, and the
        values file's hash matches the disk and the copy the site serves."""
        where = f"{link['text']!r} on {link['page']} -> {link['url']}"
        key = TITLE_KEY.search(link["title"])
        if key is None:
            return [f"{where}: the title {link['title']!r} names no key"]
        row = self.target(link["url"])
        if row.get("class") == "gc-report":  # a report's value: the report's file and hash
            return self.check_files(row, where)
        problems = [] if row.get("data-key") == key[1] else [f"{where}: the record of key {row.get('data-key')!r}"]
        values_file = self.target(urljoin(link["url"], row.xpath(".//a/@href")[0]))
        problems += self.check_files(values_file, where)
        path, sha = recorded_files(values_file)[0]
        record = json.loads((self.project / path).read_text(encoding="utf-8"))
        if plain(str(value_at(record, key[1]))) != plain(link["text"]):
            problems.append(f"{where}: the values file has {value_at(record, key[1])!r} at {key[1]}")
        served = urljoin(link["url"], values_file.xpath(".//a/@href")[0])
        if self.served_sha(served) != sha:
            problems.append(f"{where}: the site serves the values file with another SHA-256")
        return problems + self.check_jobs(values_file, link["url"])


# ---- the rendered site ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages(site):
    """Every chapter page's tree and provenance links."""
    fetcher = sitecheck.Fetcher(site)
    trees = {site + page: page_tree(fetcher.get(site + page).body) for page in CHAPTERS}
    return fetcher, trees, {url: provenance_links(tree, url) for url, tree in trees.items()}


@pytest.mark.e2e
def test_every_figure_and_table_links_its_record(pages):
    _, trees, links = pages
    missing = {page: unmarked_floats(tree) for page, tree in trees.items() if unmarked_floats(tree)}
    assert not missing
    kinds = [link["kind"] for page_links in links.values() for link in page_links]
    assert kinds.count("figure") >= 5 and kinds.count("table") >= 20


@pytest.mark.e2e
def test_every_in_text_value_links_its_record(pages, site):
    _, _, links = pages
    short = {}
    for path in qmd.book_chapters(ROOT):
        page = path.relative_to(ROOT).with_suffix(".html").as_posix()
        expected = len(TRACEABLE.findall(path.read_text(encoding="utf-8")))
        shown = [link for link in links[site + page] if link["kind"] == "value"]
        if len(shown) < expected:
            short[page] = f"{len(shown)} value links for {expected} inline values"
    assert not short


@pytest.mark.e2e
def test_random_figures_tables_and_values_lead_to_records_that_match_the_files(pages, rendered_project):
    fetcher, trees, links = pages
    follower = Follower(fetcher, rendered_project)
    pick = random.Random(SEED)
    problems, followed = [], 0
    for kind in ("figure", "table", "value"):
        pool = sorted((link for page_links in links.values() for link in page_links if link["kind"] == kind),
                      key=lambda link: (link["page"], link["url"], link.get("text", "")))
        for link in pick.sample(pool, min(PICKS, len(pool))):
            problems += follower.check_value(link) if kind == "value" else follower.check_output(link, trees[link["page"]])
            followed += 1
    assert followed == 3 * PICKS and follower.checked >= 3 * PICKS, (followed, follower.checked)
    assert not problems, "\n".join(problems)


# ---- the checks themselves ----------------------------------------------------------------------------------


PAGE = b"""<html><body>
<div id="fig-a"><img src="a.svg"><a class="gc-provenance" href="p/c.html#figure-a">Provenance</a></div>
<div id="tbl-b"><table></table></div>
<p>It was <a class="gc-value" href="p/c.html#value-text.n" title="Values record values/c.json, key text.n">17</a>.</p>
</body></html>"""


def test_links_and_unmarked_floats_are_read_from_a_page():
    tree = page_tree(PAGE)
    links = provenance_links(tree, "http://h/chapters/x.html")
    assert [(l["kind"], l["owner"], l["url"]) for l in links] == [
        ("figure", "fig-a", "http://h/chapters/p/c.html#figure-a"), ("value", None, "http://h/chapters/p/c.html#value-text.n")]
    assert links[1]["text"] == "17" and TITLE_KEY.search(links[1]["title"])[1] == "text.n"
    assert unmarked_floats(tree) == ["tbl-b"]


def test_hash_check_fails_on_a_changed_file_and_skips_files_outside(tmp_path):
    (tmp_path / "r.csv").write_text("a\n", encoding="utf-8")
    good = hashlib.sha256(b"a\n").hexdigest()
    assert hash_problems([("r.csv", good), ("…/raw.csv", "x")], tmp_path) == ([], 1)
    problems, _ = hash_problems([("r.csv", "0" * 64), ("gone.csv", good)], tmp_path)
    assert len(problems) == 2 and "differs" in problems[0] and "not on disk" in problems[1]


def test_value_at_reads_dotted_keys_and_list_items():
    assert value_at({"text": {"n": 17}, "rows": [{"id": "H1"}]}, "rows.0.id") == "H1"
    assert plain("micro\u2011 \u2019s  x") == "micro\u2011 's x"
