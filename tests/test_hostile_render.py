"""Hostile (non-identifying) text in the data shows as literal text in the rendered site (Chromium) and the PDF.

One extra render, of only what the hostile strings reach: a copy of the project whose codebook labels and
definitions and innovation excerpts carry markup, is built (`snakemake analyses`, through the disclosure
gate), then chapter 8 (the quotes) and appendix A3 (the codebook table) are rendered alone, to HTML and
Typst PDF, by Quarto, from that build's results.
"""

import os
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from playwright.sync_api import sync_playwright

import pdfcheck
import sitecheck
from conftest import copy_project, require_tool, snakemake

pytestmark = pytest.mark.e2e

# Each string is markup for markdown, HTML, Quarto or Typst; none names or reaches anyone. Newlines inside
# are published as spaces (a quote or table cell is one line), so they are compared with whitespace collapsed.
HOSTILE = [
    '<script>document.title="PWNED"</script> scripted1',
    "<img src=x onerror=alert(2)> imaged2",
    "[linked3](javascript:alert(3))",
    "{{< meta title >}} shortcode4",
    "@sec-innovation referenced5",
    "piped6 | a | b",
    "= heading7",
    "- bulleted8",
    "*em9* _under10_ `code11` $x^2$ #set12",
    "raw13\n```{=html}\n<b>bold13</b>\n```",
    "<!-- comment14 -->",
    "quoted15\n# Heading15\n::: {.callout-note}\ncallout15\n:::",
]
RENDERED = ["chapters/08-innovation.qmd", "chapters/a3-innovation-codes.qmd"]


def plain(text: str) -> str:
    """Text compared as a reader reads it: typographic quotes straight, soft hyphens gone, whitespace collapsed."""
    return " ".join(text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "\u00ad": None})).split())


def pdf_text(pdftotext: str, pdf) -> str:
    """A PDF's text in the order it was drawn (`-raw`: a table cell's lines stay together), spaces removed, as
    a narrow column wraps long strings where it likes."""
    return re.sub(r"\s", "", plain(pdfcheck.run(pdftotext, "-raw", "-enc", "UTF-8", str(pdf), "-")))


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory):
    """Build a copy of the project with hostile codebook text and excerpts, then render the two pages they reach."""
    quarto = require_tool("quarto", "the hostile strings are checked in a real render")
    project = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    codebook = pd.read_csv(project / "data" / "codebook.csv", dtype=str, keep_default_na=False)
    inn = codebook.index[codebook["theme"].eq("innovation")]
    for i, row in enumerate(inn):
        codebook.loc[row, "label"] = HOSTILE[i % len(HOSTILE)].replace("\n", " ")[:80]
        codebook.loc[row, "definition"] = HOSTILE[(i + 9) % len(HOSTILE)]  # with the labels, every string is shown
    codebook.to_csv(project / "data" / "codebook.csv", index=False, lineterminator="\n")
    codings = pd.read_csv(project / "data" / "codings.csv", dtype=str, keep_default_na=False)
    quoted = codings.index[codings["code_id"].isin(codebook.loc[inn, "code_id"]) & codings["excerpt"].ne("")]
    for i, row in enumerate(quoted):
        codings.loc[row, "excerpt"] = HOSTILE[i % len(HOSTILE)]
    codings.to_csv(project / "data" / "codings.csv", index=False, lineterminator="\n")
    config = project / "config" / "config.yaml"  # the smallest calibration the schema allows: it is not under test
    config.write_text(config.read_text(encoding="utf-8").replace("  sims: 200\n", "  sims: 50\n")
                      .replace("  bootstrap_sims: 40\n", "  bootstrap_sims: 0\n"), encoding="utf-8")
    snakemake(project, "analyses", "--config", "bootstrap_replicates=100")
    site = project / "hostile"
    site.mkdir()
    for page in RENDERED:
        shutil.copy(project / page, site)
    shutil.copytree(project / "results", site / "results")  # inside the render's root, where Typst may read figures
    (site / "_quarto.yml").write_text("project:\n  type: default\nexecute:\n  echo: false\nformat:\n  html: default\n  typst: default\n", encoding="utf-8")
    env = {**os.environ, "GOODCARE_RESULTS": str(site / "results"), "QUARTO_PYTHON": sys.executable}
    proc = subprocess.run([quarto, "render", str(site)], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return site


def test_hostile_strings_reach_both_pages(hostile_book):
    """The premise: the strings are really published (the quotes and the codebook table carry them)."""
    quotes = pd.read_csv(hostile_book / "results" / "tables" / "innovation" / "quotes.csv", dtype=str)
    assert len(quotes) and quotes["excerpt"].map(plain).isin([plain(h) for h in HOSTILE]).all()


def test_hostile_strings_show_as_text_in_the_browser(hostile_book):
    chromium = require_tool("chromium", "the site is checked in a real browser")
    with sitecheck.serve(hostile_book) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=sitecheck.CHROMIUM_FLAGS)
        tab = browser.new_page()
        seen = {}
        for page in ("08-innovation.html", "a3-innovation-codes.html"):
            tab.goto(base + page, wait_until="load")
            seen[page] = {
                "text": tab.inner_text("main"),
                "title": tab.title(),
                "injected": tab.evaluate("""() => ({
                    scripts: [...document.querySelectorAll('main script')].filter(s => s.textContent.includes('PWNED')).length,
                    images: document.querySelectorAll('main img[src="x"]').length,
                    links: document.querySelectorAll('main a[href^="javascript"]').length,
                    bold: [...document.querySelectorAll('main b, main strong')].filter(b => /bold13/.test(b.textContent)).length,
                    headings: [...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')]
                        .filter(h => /heading7|Heading15/.test(h.textContent)).length,
                    callouts: document.querySelectorAll('main .callout').length,
                    lists: [...document.querySelectorAll('main li')].filter(li => /bulleted8/.test(li.textContent)).length,
                })"""),
            }
        browser.close()
    for page, report in seen.items():
        assert "PWNED" not in report["title"], page
        assert all(n == 0 for n in report["injected"].values()), (page, report["injected"])
    quotes_text, codes_text = plain(seen["08-innovation.html"]["text"]), plain(seen["a3-innovation-codes.html"]["text"])
    for text in HOSTILE:
        assert plain(text) in codes_text, text  # every string is a definition in appendix A3
    assert sum(plain(text) in quotes_text for text in HOSTILE) >= 3  # chapter 8 quotes a few of them


def test_hostile_strings_show_as_text_in_the_pdf(hostile_book):
    pdftotext = require_tool("pdftotext", "the PDF is read with poppler")
    codes = pdf_text(pdftotext, hostile_book / "a3-innovation-codes.pdf")
    for hostile in HOSTILE:  # "= heading7" set as a heading or "- bulleted8" as a list item would lose its mark
        assert re.sub(r"\s", "", plain(hostile)) in codes, hostile
    quotes = pdf_text(pdftotext, hostile_book / "08-innovation.pdf")
    assert sum(re.sub(r"\s", "", plain(h)) in quotes for h in HOSTILE) >= 3
