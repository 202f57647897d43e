"""The rendered site in headless Chromium, served over a local HTTP server: every page loads without console
errors and without serious or critical axe-core violations; its links, images and #anchors resolve; every
figure is a drawn SVG with alt text and its data; the PDF and CSV downloads are files; the search box finds
a chapter by a word only that chapter has. The checker itself is shown failing on a tiny hand-written site.

Playwright drives Debian's Chromium (`executable_path`; nothing downloads a browser or a driver) and
axe-playwright-python supplies axe-core (its bundled axe.min.js, injected into each page: no network).
"""

import json
import re

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import sync_playwright

import sitecheck
from conftest import ROOT, require_tool
from goodcare import qmd

pytestmark = pytest.mark.e2e

# The pages of the book, known before the render: index.qmd -> index.html, chapters/x.qmd -> chapters/x.html.
CHAPTERS = [p.relative_to(ROOT).with_suffix(".html").as_posix() for p in qmd.book_chapters(ROOT)]


# ---- fixtures: one server, one browser, one visit per page ----------------------------------------------


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """Headless Chromium (the system's) with a fresh profile, for the whole session."""
    chromium = require_tool("chromium", "the site is checked in a real browser: apt-get install chromium")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path_factory.mktemp("chromium-profile"),
            executable_path=chromium,
            headless=True,
            args=sitecheck.CHROMIUM_FLAGS,
        )
        yield context
        context.close()


@pytest.fixture(scope="session")
def fetcher(site):
    return sitecheck.Fetcher(site)


@pytest.fixture(scope="session")
def seen(browser, site):
    """`seen(page)`: what the browser saw on a page of the book, each page visited once per session."""
    visitor = sitecheck.Visitor(browser, site, AXE_SCRIPT)
    reports = {}

    def see(page: str) -> sitecheck.PageReport:
        if page not in reports:
            reports[page] = visitor.visit(page)
        return reports[page]

    return see


def console_errors(report: sitecheck.PageReport, base_url: str) -> list[str]:
    # Chromium asks each origin for /favicon.ico once, on the first page that declares no icon, and logs the
    # 404 on whichever page that happens to be: the browser's request, not the page's. It is left out here
    # and checked once for the site by test_the_site_has_an_icon. Nothing else is filtered: a CDN script or
    # web font that cannot load offline is an error (the book should not depend on it).
    favicon = base_url + "favicon.ico"
    return [f"{m['type']}: {m['text']} [{m['url']}]" for m in report.console if m["url"] != favicon]


def page_problems(report: sitecheck.PageReport, base_url: str, fetcher: sitecheck.Fetcher) -> dict[str, list]:
    return {
        "console errors": console_errors(report, base_url),
        "axe (serious, critical)": sitecheck.serious_violations(report),
        "links": sitecheck.link_problems(report, fetcher),
        "figures": sitecheck.figure_problems(report),
    }


# ---- every page -----------------------------------------------------------------------------------------


def test_every_chapter_is_a_page_of_the_site(book_dir):
    pages = sitecheck.html_pages(book_dir)
    assert set(CHAPTERS) <= set(pages), f"missing from the site: {sorted(set(CHAPTERS) - set(pages))}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_page_has_no_console_errors(page, seen, site):
    errors = console_errors(seen(page), site)
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("page", CHAPTERS)
def test_page_has_no_serious_or_critical_axe_violations(page, seen):
    violations = sitecheck.serious_violations(seen(page))
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("page", CHAPTERS)
def test_page_links_images_and_anchors_resolve(page, seen, fetcher):
    report = seen(page)
    assert any(ref["kind"] == "link" and fetcher.is_local(ref["url"]) for ref in report.refs), "no internal links read"
    problems = sitecheck.link_problems(report, fetcher)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", CHAPTERS)
def test_page_figures_are_drawn_svgs_with_alt_text(page, seen):
    problems = sitecheck.figure_problems(seen(page))
    assert not problems, "\n".join(problems)


def test_other_html_pages_pass_the_same_checks(book_dir, seen, site, fetcher):
    # Any HTML the book ships besides its chapters (e.g. a report it links to) is a page of the site too.
    others = [p for p in sitecheck.html_pages(book_dir) if p not in CHAPTERS]
    failures = {}
    for page in others:
        problems = {k: v for k, v in page_problems(seen(page), site, fetcher).items() if v}
        if problems:
            failures[page] = problems
    assert not failures, json.dumps(failures, indent=1)


def test_the_site_has_an_icon(seen, site, fetcher):
    # Without <link rel="icon"> a browser asks for /favicon.ico, and logs a console error when there is none
    # (declared icons are fetched by the link check above).
    icons = [r for r in seen(CHAPTERS[0]).refs if r["kind"] == "resource" and "icon" in r["rel"].split()]
    answer = fetcher.get(site + "favicon.ico")
    assert icons or answer.status == 200, (
        f"no <link rel='icon'> in the pages and /favicon.ico answers HTTP {answer.status}: the browser's request "
        "for it fails on the first page a reader opens (a console error)"
    )


# ---- downloads ------------------------------------------------------------------------------------------


def test_download_pdf_link_returns_the_pdf(seen, fetcher):
    links = {page: seen(page).pdf for page in CHAPTERS}
    assert all(links.values()), f"no '{sitecheck.PDF_LINK_LABEL}' link on {[p for p, v in links.items() if not v]}"
    urls = sorted({url for page_links in links.values() for url in page_links})
    problems = [p for url in urls for p in sitecheck.download_problems(url, fetcher, "pdf")]
    assert not problems, "\n".join(problems)


def test_every_data_behind_this_figure_link_returns_a_csv(book_dir, seen, fetcher):
    reports = [seen(page) for page in sitecheck.html_pages(book_dir)]
    links = sorted({url for r in reports for url in r.csv})
    figures = sum(len(r.figures) for r in reports)
    assert figures and len(links) >= figures, f"{len(links)} CSV links for {figures} figures"
    problems = [p for url in links for p in sitecheck.download_problems(url, fetcher, "csv")]
    assert not problems, "\n".join(problems)


# ---- search ---------------------------------------------------------------------------------------------


def search(browser, page_url: str, word: str) -> list[str]:
    """Type `word` into Quarto's search box on `page_url`; the paths of the results shown."""
    tab = browser.new_page()
    try:
        tab.goto(page_url, wait_until="load")
        box = tab.locator("#quarto-search input")
        box.click()
        box.press_sequentially(word)
        tab.locator(".aa-Panel").wait_for(state="visible", timeout=10_000)
        tab.wait_for_function(
            "() => document.querySelector('.aa-Panel .search-result-link, .aa-Panel .no-results')"
            " || /No results/.test(document.querySelector('.aa-Panel').innerText)",
            timeout=10_000,
        )
        hrefs = tab.eval_on_selector_all(".aa-Panel a.search-result-link", "els => els.map(a => a.href)")
    finally:
        tab.close()
    return sorted({re.sub(r"^https?://[^/]+/", "", h).split("?")[0].split("#")[0] for h in hrefs})


def test_search_finds_the_one_chapter_that_has_a_word(book_dir, browser, site):
    entries = json.loads((book_dir / "search.json").read_text(encoding="utf-8"))
    word, chapter = sitecheck.search_word(entries, CHAPTERS)
    found = search(browser, site + "index.html", word)
    assert chapter in found, f"searching {word!r} (only in {chapter}) showed {found}"


def test_search_shows_nothing_for_a_word_the_book_lacks(book_dir, browser, site):
    # The control for the test above: results come from the index, not from every page regardless.
    entries = json.loads((book_dir / "search.json").read_text(encoding="utf-8"))
    word = "zqxjvkw"
    assert word not in json.dumps(entries).lower()
    assert search(browser, site + "index.html", word) == []


# ---- the checker fails when it should (a tiny hand-written site) ---------------------------------------

BLANK_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"></svg>'
SVG = BLANK_SVG.replace("></svg>", '><rect x="10" y="10" width="100" height="60" fill="#235"/></svg>')
TINY_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tiny</title>
<link rel="icon" href="icon.svg"></head><body><main>
<h1 id="top">Tiny</h1>
<p><a href="good.html#here">fine</a> <a href="good.html">fine too</a> <a href="#top">up</a>
 <a href="missing.html">broken</a> <a href="good.html#nowhere">bad anchor</a>
 <a href="#absent">bad local anchor</a> <a href="https://example.org/">external, not fetched</a>
 <a href="book.pdf" aria-label="Download PDF">pdf</a> <a href="fake.pdf" aria-label="Download PDF">fake</a></p>
<img src="missing.png" alt="a missing picture">
<div id="fig-good"><figure class="figure"><img src="drawn.svg" alt="A dark rectangle.">
 <figcaption>Good. <a href="drawn.csv">Data behind this figure (CSV)</a>.</figcaption></figure></div>
<div id="fig-no-alt"><figure class="figure"><img src="drawn.svg">
 <figcaption>No alt. <a href="empty.csv">Data behind this figure (CSV)</a>.</figcaption></figure></div>
<div id="fig-zero"><figure class="figure"><img src="drawn.svg" alt="Hidden." style="width:0;height:0">
 <figcaption>Zero size. <a href="header-only.csv">Data behind this figure (CSV)</a>.</figcaption></figure></div>
<div id="fig-blank"><figure class="figure"><img src="blank.svg" alt="Nothing.">
 <figcaption>Draws nothing, and no data link.</figcaption></figure></div>
<div id="fig-png"><figure class="figure"><img src="drawn.png" alt="Not an SVG.">
 <figcaption>A PNG that does not exist. <a href="drawn.csv">Data behind this figure (CSV)</a>.</figcaption></figure></div>
<script>console.error("boom");</script>
</main></body></html>"""


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory, browser):
    folder = tmp_path_factory.mktemp("tiny-site")
    (folder / "index.html").write_text(TINY_PAGE, encoding="utf-8")
    (folder / "good.html").write_text('<!doctype html><html lang="en"><title>Good</title><p id="here">here</p></html>')
    (folder / "drawn.svg").write_text(SVG)
    (folder / "icon.svg").write_text(SVG)
    (folder / "blank.svg").write_text(BLANK_SVG)
    (folder / "drawn.csv").write_text("group,value\nmicro,1\n")
    (folder / "empty.csv").write_text("")
    (folder / "header-only.csv").write_text("group,value\n")
    (folder / "book.pdf").write_bytes(b"%PDF-1.7\n%%EOF\n")
    (folder / "fake.pdf").write_text("<html>not a pdf</html>")
    with sitecheck.serve(folder) as base_url:
        visitor = sitecheck.Visitor(browser, base_url, AXE_SCRIPT)
        yield visitor.visit("index.html"), sitecheck.Fetcher(base_url)


def test_checker_reports_broken_links_images_and_anchors(tiny_site):
    report, fetcher = tiny_site
    problems = sitecheck.link_problems(report, fetcher)
    assert problems == [
        "link 'missing.html' -> HTTP 404",
        "link 'good.html#nowhere': no element with id 'nowhere' on the target page",
        "link '#absent': no element with id 'absent' on the target page",
        "image 'missing.png' -> HTTP 404",
        "image 'drawn.png' -> HTTP 404",
    ], problems


def test_checker_reports_figures_without_alt_size_drawing_svg_or_data(tiny_site):
    report, _ = tiny_site
    assert [f["id"] for f in report.figures] == ["fig-good", "fig-no-alt", "fig-zero", "fig-blank", "fig-png"]
    assert sitecheck.figure_problems(report) == [
        "fig-no-alt (drawn.svg): no alt text",
        "fig-zero (drawn.svg): rendered size 0x0",
        "fig-blank (blank.svg): draws nothing (no painted pixels)",
        "fig-blank: no 'Data behind this figure (CSV)' link",
        "fig-png (drawn.png): not an SVG image",
        "fig-png (drawn.png): the image did not load",
    ]


def test_checker_reports_console_errors_and_axe_violations(tiny_site):
    report, fetcher = tiny_site
    texts = [m["text"] for m in report.console]
    assert "boom" in texts and any("404" in t for t in texts), texts
    assert len(console_errors(report, fetcher.base.geturl())) == len(texts)  # the favicon rule drops nothing else
    rules = {line.split(" ")[0] for line in sitecheck.serious_violations(report)}
    assert "image-alt" in rules, rules  # the figure image without alt is critical for axe as well


def test_checker_reports_bad_downloads(tiny_site):
    report, fetcher = tiny_site
    base = fetcher.base.geturl()
    assert report.pdf == [base + "book.pdf", base + "fake.pdf"]
    assert sitecheck.download_problems(base + "book.pdf", fetcher, "pdf") == []
    problems = {
        name: sitecheck.download_problems(base + name, fetcher, name.rsplit(".", 1)[1])
        for name in ["book.pdf", "fake.pdf", "drawn.csv", "empty.csv", "header-only.csv", "none.csv"]
    }
    assert problems == {
        "book.pdf": [],
        "fake.pdf": ["/fake.pdf: not a PDF (starts b'<html>no')"],
        "drawn.csv": [],
        "empty.csv": ["/empty.csv: empty file"],
        "header-only.csv": ["/header-only.csv: no data rows under the header"],
        "none.csv": ["/none.csv: HTTP 404"],
    }


def test_search_word_is_unique_to_one_chapter():
    entries = [
        {"href": "a.html", "title": "Alpha", "section": "", "text": "continuity matters; flexibility too"},
        {"href": "a.html#s", "title": "Alpha", "section": "1.1", "text": "governance"},
        {"href": "b.html", "title": "Beta", "section": "", "text": "flexibility and governance; sustainability"},
        {"href": "c.html", "title": "Gamma", "section": "", "text": "unlisted pages do not count: sustainability"},
    ]
    # Words count on every page of the index, listed or not: "sustainability" is on b and c, so not b's own.
    assert sitecheck.unique_words(entries) == {"continuity": "a.html", "matters": "a.html", "unlisted": "c.html"}
    assert sitecheck.search_word(entries, ["a.html", "b.html"]) == ("continuity", "a.html")
    with pytest.raises(AssertionError, match="exactly one chapter"):
        sitecheck.search_word(entries, ["b.html"])


def test_axe_core_is_a_recent_4x():
    version = re.search(r"axe v(\d+)\.(\d+)\.(\d+)", AXE_SCRIPT[:500])
    assert version and (int(version[1]), int(version[2])) >= (4, 8), version

