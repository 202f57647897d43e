"""The PDF, tested as a document: read with poppler (pdfinfo, pdffonts, pdftotext, pdftocairo) from the
book the default target renders on a temporary copy (conftest's `book_dir`).

- metadata: pages, and the book's title;
- no `??` and no unresolved @fig-/@tbl-/@sec- reference in the text;
- every font embedded;
- chapter 9's scorecard shows every number and verdict exactly as results/values/performance.json has it;
- the title page, and every page's running head or footer, say the data are synthetic;
- each figure caption's page carries the figure's drawing (vector paths above the caption);
- each chapter that shows results says once where their provenance records are, naming each record page.

The checks are functions in tests/pdfcheck.py; the unit tests at the end run them on hand-written input,
so each is shown to fail when it should (they need no PDF, but share this module's e2e mark).
"""

import json
import re

import pytest

import pdfcheck as pc
from conftest import ROOT, require_tool
from goodcare import qmd

pytestmark = pytest.mark.e2e

PDF_NAME = "what-size-is-good-care.pdf"
TITLE = "What size is good care?"
SCORECARD_CHAPTER = "How micro-enterprise performs"
POPPLER = "install poppler-utils (apt-get install poppler-utils, or conda install poppler)"


# ---- the rendered PDF ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf(book_dir):
    path = book_dir / PDF_NAME
    assert path.is_file(), f"no {PDF_NAME} in {book_dir}: it holds {sorted(p.name for p in book_dir.glob('*.pdf'))}"
    return path


@pytest.fixture(scope="module")
def texts(pdf):
    return pc.page_texts(require_tool("pdftotext", POPPLER), pdf)


@pytest.fixture(scope="module")
def layouts(pdf):
    return pc.page_layouts(require_tool("pdftotext", POPPLER), pdf)


@pytest.fixture(scope="module")
def performance(rendered_results):
    """The chapter 9 values the PDF was rendered from (the render's results folder)."""
    return json.loads((rendered_results / "values" / "performance.json").read_text(encoding="utf-8"))


def test_pdfinfo_has_pages_and_the_title(pdf, texts):
    fields = pc.info(require_tool("pdfinfo", POPPLER), pdf)
    pages = int(fields.get("Pages", "0"))
    assert pages > 0, fields
    assert len(texts) == pages, f"pdftotext read {len(texts)} pages, pdfinfo says {pages}"
    assert fields.get("Title") == TITLE, fields


def test_no_unresolved_references(texts):
    found = pc.unresolved(texts)
    assert not found, "unresolved references in the PDF:\n" + "\n".join(found)


def test_every_font_is_embedded(pdf):
    rows = pc.fonts(require_tool("pdffonts", POPPLER), pdf)
    assert rows, "pdffonts lists no fonts: a PDF with text has some"
    missing = pc.unembedded(rows)
    assert not missing, f"fonts not embedded: {missing}"


def test_scorecard_shows_the_values_exactly(texts, performance):
    rows = performance["scorecard"]
    assert rows, "performance.json has no scorecard rows"
    pages = pc.chapter_pages(texts, SCORECARD_CHAPTER)
    assert pages, f"no page opens the chapter '{SCORECARD_CHAPTER}'"
    problems = pc.scorecard_problems("\n".join(texts[n - 1] for n in pages), rows)
    assert not problems, f"the scorecard on pages {pages} differs from performance.json:\n" + "\n".join(problems)


def test_title_page_says_the_data_are_synthetic(texts):
    title_page = pc.normalise(texts[0])
    assert TITLE in title_page, f"page 1 is not the title page: {title_page[:300]}"
    assert pc.says_synthetic(title_page), f"the title page does not say the data are synthetic: {title_page[:300]}"


def test_head_and_foot_bands_hold_the_page_numbers(layouts):
    """The bands margin_words reads are where this book's running heads and footers are: a page that prints
    its number as a line of its own prints it there (pages without a number, such as blank ones, do not
    count, but most pages have one). So the synthetic-label test below reads the right place."""
    numbered = [p for p in layouts if any(line.text == str(p.number) for line in p.lines)]
    assert len(numbered) >= len(layouts) / 2, f"only pages {pc.page_ranges([p.number for p in numbered])} show their number"
    outside = [p.number for p in numbered if str(p.number) not in pc.margin_words(p)]
    assert not outside, f"the page number lies outside the head and foot bands on pages {pc.page_ranges(outside)}"


def test_every_page_head_or_footer_says_the_data_are_synthetic(layouts):
    """Every page, the title page, contents and blank pages included, says so in its running head or footer
    (the label may say more; the word "synthetic" is what counts)."""
    missing = [p.number for p in layouts if not pc.says_synthetic(pc.margin_words(p))]
    assert not missing, (
        f"{len(missing)} of {len(layouts)} pages have no 'synthetic' label in their running head or footer: "
        f"pages {pc.page_ranges(missing)}")


def test_every_figure_caption_has_its_drawing(pdf, layouts, tmp_path):
    pdftocairo = require_tool("pdftocairo", POPPLER)
    captions = [(page, label, line) for page in layouts for label, line in pc.figure_captions(page)]
    assert captions, "no 'Figure N.M:' caption in the PDF"
    labels = [label for _, label, _ in captions]
    assert len(set(labels)) == len(labels), f"a figure number is captioned twice: {labels}"
    problems, found = [], []
    for number in sorted({page.number for page, _, _ in captions}):
        page = layouts[number - 1]
        boxes = pc.drawing_boxes(pc.page_svg(pdftocairo, pdf, number, tmp_path))
        for label, line in pc.figure_captions(page):
            problem, drawn = pc.figure_problem(pc.figure_region(page, line), boxes)
            found.append(f"Figure {label} (page {number}): {drawn} drawing elements")
            if problem:
                problems.append(f"Figure {label} on page {number}: {problem}")
    print("\n".join(found))
    assert not problems, "figures without their drawing:\n" + "\n".join(problems)


# ---- the checks on hand-written input (no PDF needed) -------------------------------------------------

ROWS = [
    {"id": "H1", "short": "Outcomes", "micro": "1.29", "larger": "1.07", "difference": "0.22 (95% CI \u22120.11 to 0.57)",
     "verdict": "no clear difference", "words": "The estimate favours micro-enterprises, but the interval includes no difference."},
    {"id": "H2", "short": "Cost-effectiveness", "micro": "1.90", "larger": "1.45", "difference": "0.45 (95% CI 0.002 to 0.92)",
     "verdict": "supported", "words": "Micro-enterprises did better, and the interval excludes no difference."},
]
# As pdftotext reads the table (one block per cell, hyphenated cells, wrapped intervals) and the list.
TABLE = ("Table 9.1: Scorecard of the four hypotheses.\nHypothesis\n\nMeasure\n\nMi\u00ad\ncro\n\nLargerDifference\n\n"
         "H1\nOut\u00ad\ncomes\n\nGain in the occupation score (AS\u00ad\nCOT, points)\n\n1.29 1.07\n\n"
         "0.22 (95% CI \u22120.11 to\n0.57)\n\nno\nclear\ndifference\n\n"
         "H2 Cost-ef\u00ad\nfectiveness\n\nASCOT gain per\n\u00a310 of hourly price\n\n1.90 1.45\n\n0.45 (95% CI 0.002 to\n0.92)\n\n"
         "supported\n\n")
LIST = ("\u2022 H1 Outcomes (see Chapter 6.): The estimate favours micro-enterprises, but the interval includes no\ndifference.\n"
        "\u2022 H2 Cost-effectiveness (see Chapter 6.): Micro-enterprises did better, and the interval excludes no\ndifference.\n"
        "The hypotheses supported by these data number 1 of 2.\n")


def test_normalise_joins_hyphenation_and_keeps_signs():
    assert pc.normalise("AS\u00ad\nCOT,  points\n(95%\u00a0CI \u22120.11 to\n0.57)") == "ASCOT, points (95% CI \u22120.11 to 0.57)"
    assert pc.normalise("cost-\neffective care") == "cost-effective care"
    assert pc.normalise("\ufb01gure") == "figure"
    assert "-0.11" not in pc.normalise("\u22120.11")


def test_unresolved_detector_finds_question_marks_and_raw_references():
    pages = ["Results are in Figure ?? and ?@fig-missing.", "See @tbl-scorecard and @sec-\u00ad\nmethods.",
             "Fine: Figure 4.1, Table 9.1 and Chapter 9. Mail me at a@b.org?"]
    found = pc.unresolved(pages)
    assert [f.split(":")[0] for f in found] == ["page 1", "page 1", "page 2", "page 2"]
    assert "'??'" in found[0] and "?@fig-missing" in found[1] and "@sec-methods" in found[3]
    assert pc.unresolved(["Figure 4.1 and Table 9.1 are fine; so is a question? Yes."]) == []


def test_scorecard_matcher_accepts_the_table_as_pdftotext_reads_it():
    assert pc.scorecard_problems(TABLE + LIST, ROWS) == []


@pytest.mark.parametrize("wrong, right, row", [
    ("1.29 1.07", "1.28 1.07", "H1"),  # a wrong number
    ("1.29 1.07", "1.07 1.29", "H1"),  # micro and larger swapped
    ("\u22120.11", "0.11", "H1"),  # a lost sign
    ("\u22120.11", "-0.11", "H1"),  # hyphen-minus for U+2212
    ("0.002 to\n0.92", "0.002 to\n0.93", "H2"),  # a wrong bound after a line break
    ("1.90 1.45", "11.90 1.45", "H2"),  # the right digits inside a longer number
    ("no\nclear\ndifference", "supported", "H1"),  # a wrong verdict (another row's)
])
def test_scorecard_matcher_fails_on_a_wrong_cell(wrong, right, row):
    assert wrong in TABLE
    problems = pc.scorecard_problems(TABLE.replace(wrong, right, 1) + LIST, ROWS)
    assert problems and all(p.startswith(row + ":") for p in problems), problems


def test_scorecard_matcher_does_not_take_a_value_from_another_row_or_the_prose():
    # H2's row lost its verdict; "supported" still appears later on the page, in the prose.
    table = TABLE.replace("supported\n\n", "")
    problems = pc.scorecard_problems(table + LIST, ROWS)
    assert [p[:3] for p in problems] == ["H2:"]
    # The minus hint says what differs.
    hint = pc.scorecard_problems(TABLE.replace("\u22120.11", "-0.11") + LIST, ROWS)
    assert "minus" in hint[0]
    # A row's words must follow its own id.
    assert pc.scorecard_problems(TABLE + LIST.replace("includes no\ndifference", "excludes no\ndifference", 1), ROWS)


def chapter_title(path) -> str:
    """A chapter's title: its first heading without the label."""
    return re.sub(r"\s*\{#[^}]*\}\s*$", "", path.read_text(encoding="utf-8").splitlines()[0].lstrip("# ")).strip()


def test_every_chapter_that_shows_results_says_where_their_records_are(texts):
    checked, problems = 0, {}
    for path in qmd.book_chapters(ROOT):
        pages = pc.record_pages_expected(path.read_text(encoding="utf-8"))
        if not pages:
            continue
        numbers = pc.chapter_pages(texts, chapter_title(path))
        text = "\n".join(texts[n - 1] for n in numbers)
        found = pc.pointer_problems(text, pages) if numbers else ["its pages were not found"]
        if found:
            problems[path.name] = found
        checked += 1
    assert checked >= 15 and not problems, problems


def test_record_pages_expected_reads_what_a_chapter_shows():
    source = 'v = book.values("outcomes")\nMarkdown(book.published_table("calibration", "x"))\nbook.results_dir() / "y"'
    assert pc.record_pages_expected(source) == {"provenance/outcomes.html", "provenance/calibration.html", "provenance/index.html"}
    assert pc.record_pages_expected("No results here.") == set()


def test_pointer_check_wants_one_sentence_naming_every_page():
    # A path broken over lines: after a soft hyphen (Typst's hyphenation) or at its slash.
    sentence = "The provenance of every table, figure and number in this chapter ... is recorded at provenance/out\u00ad\ncomes.html and provenance/\nindex.html."
    assert pc.pointer_problems(sentence, {"provenance/outcomes.html", "provenance/index.html"}) == []
    assert pc.pointer_problems(sentence, {"provenance/micro.html"}) == ["does not name provenance/micro.html"]
    assert pc.pointer_problems(sentence + " " + sentence, {"provenance/index.html"})[0].startswith("says")
    assert pc.pointer_problems("nothing", set())


def test_chapter_pages_run_from_the_heading_to_the_next_chapter():
    pages = ["Contents\n9. How micro-enterprise performs . . . 23\n3", "8. Innovation\ntext\n21",
             "9. How micro-enterprise performs\nTable 9.1\n23", "24\nChapter 9. How micro-enterprise performs\n\n24",
             "10. Sustainability\n25", "Appendices\n29", "A. Interview schedule\n31", "A. Interview schedule\n32"]
    assert pc.chapter_pages(pages, "How micro-enterprise performs") == [3, 4]
    assert pc.chapter_pages(pages, "Interview schedule") == [7, 8]
    assert pc.chapter_pages(pages, "No such chapter") == []


PDFFONTS = """name                                 type              encoding         emb sub uni object ID
------------------------------------ ----------------- ---------------- --- --- --- ---------
KFORFH+LibertinusSerif-Bold-Identity-H CID Type 0C       Identity-H       yes yes yes   2792  0
SLUJYA+DejaVuSansMono-Bold           CID TrueType      Identity-H       yes yes yes   2798  0
Helvetica                            Type 1            WinAnsi          no  no  no      12  0
"""


def test_pdffonts_parser_reads_long_names_and_finds_unembedded_fonts():
    rows = pc.parse_pdffonts(PDFFONTS)
    assert [r["name"] for r in rows] == ["KFORFH+LibertinusSerif-Bold-Identity-H", "SLUJYA+DejaVuSansMono-Bold", "Helvetica"]
    assert rows[0]["type"] == "CID Type 0C" and rows[0]["emb"] == "yes"
    assert pc.unembedded(rows) == ["Helvetica (Type 1)"]
    with pytest.raises(ValueError):
        pc.parse_pdffonts(PDFFONTS + "garbled row\n")


def test_pdfinfo_parser():
    fields = pc.parse_pdfinfo("Title:           What size is good care?\nPages:           46\nPage size:       595 x 842 pts (A4)\n")
    assert fields == {"Title": "What size is good care?", "Pages": "46", "Page size": "595 x 842 pts (A4)"}


def _page(*lines, height=841.89):
    """A page of single-line blocks: (text, y0) pairs, 10 pt tall words across the page."""
    page = pc.Page(1, 595.28, height)
    for text, y in lines:
        box = pc.Box(85.0, y, 510.0, y + 10)
        page.blocks.append([pc.Line(text, box)])
        page.words += [(word, box) for word in text.split()]
    return page


def test_margin_words_read_only_the_running_head_and_footer():
    page = _page(("Chapter 9. How micro-enterprise performs", 45), ("This report is built from synthetic data", 81),
                 ("and so on", 760), ("24", 790))
    assert pc.margin_words(page) == ["Chapter", "9.", "How", "micro-enterprise", "performs", "24"]
    assert not pc.says_synthetic(pc.margin_words(page))  # the body's "synthetic" does not count
    labelled = _page(("24", 45), ("Synthetic data: not the study's findings", 792))
    assert pc.says_synthetic(pc.margin_words(labelled))
    assert pc.page_ranges([2, 3, 4, 7, 9, 10]) == "2-4, 7, 9-10"


def test_figure_captions_are_blocks_not_references():
    page = pc.Page(1, 595.28, 841.89)
    para = [pc.Line("Snakemake ran the 24 rules of", pc.Box(85, 100, 510, 110)),
            pc.Line("Figure G.1: each table is validated.", pc.Box(85, 111, 510, 121))]
    caption = [pc.Line("Figure G.1: The workflow: which rule feeds which.", pc.Box(150, 500, 450, 510))]
    page.blocks += [para, caption]
    assert [(label, line.box.y0) for label, line in pc.figure_captions(page)] == [("G.1", 500)]
    assert pc.figure_region(page, caption[0]) == pc.Box(0.0, 121, 595.28, 500)


def _svg(body: str) -> str:
    return ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="595pt" '
            'height="842pt" viewBox="0 0 595 842"><defs><g><symbol overflow="visible" id="glyph0-1">'
            '<path style="stroke:none;" d="M 0 0 L 5 0 L 5 -7 Z"/></symbol></g>'
            '<image id="image1" width="10" height="10" xlink:href="data:image/png;base64,AAAA"/></defs>'
            f'<g id="surface1">{body}</g></svg>')


GLYPHS = "".join(f'<use xlink:href="#glyph0-1" x="{100 + 6 * i}" y="300"/>' for i in range(40))
BARS = "".join(f'<path style="stroke:none;fill:rgb(0%,45%,85%);" d="M {100 + 20 * i} 400 L {110 + 20 * i} 400 '
               f'L {110 + 20 * i} {250 + 5 * i} L {100 + 20 * i} {250 + 5 * i} Z"/>' for i in range(12))
REGION = pc.Box(0.0, 200.0, 595.0, 420.0)


def test_drawing_boxes_skip_text_and_white_paint():
    assert pc.drawing_boxes(_svg(GLYPHS)) == []
    white = '<path style="stroke:none;fill:rgb(100%,100%,100%);fill-opacity:1;" d="M 0 200 L 595 200 L 595 420 Z"/>'
    assert pc.drawing_boxes(_svg(white)) == []
    moved = '<path style="fill:none;stroke-width:1;stroke:rgb(0%,0%,0%);" d="M 0 0 L 10 20" transform="matrix(2,0,0,2,100,300)"/>'
    assert pc.drawing_boxes(_svg(moved)) == [pc.Box(100.0, 300.0, 120.0, 340.0)]
    image = '<use xlink:href="#image1" transform="matrix(5,0,0,5,100,250)"/>'
    assert pc.drawing_boxes(_svg(image)) == [pc.Box(100.0, 250.0, 150.0, 300.0)]


def test_figure_problem_accepts_a_drawing_and_rejects_an_empty_region():
    assert pc.figure_problem(REGION, pc.drawing_boxes(_svg(GLYPHS + BARS))) == (None, 12)
    assert pc.figure_problem(REGION, pc.drawing_boxes(_svg(GLYPHS)))[0]  # text only
    assert pc.figure_problem(REGION, [])[0]  # nothing at all
    frame = '<path style="fill:none;stroke:rgb(0%,0%,0%);" d="M 50 205 L 545 205 L 545 415 L 50 415 Z"/>'
    assert pc.figure_problem(REGION, pc.drawing_boxes(_svg(frame)))[0]  # a frame around nothing
    assert pc.figure_problem(pc.Box(0.0, 20.0, 595.0, 190.0), pc.drawing_boxes(_svg(BARS)))[0]  # the drawing is below
    assert pc.figure_problem(pc.Box(0.0, 395.0, 595.0, 420.0), pc.drawing_boxes(_svg(BARS)))[0]  # a sliver of a region
    specks = "".join(f'<path style="stroke:none;fill:rgb(0%,0%,0%);" d="M {300 + i % 4} 300 L {301 + i % 4} 301 Z"/>' for i in range(12))
    assert pc.figure_problem(REGION, pc.drawing_boxes(_svg(specks)))[0]  # a speck, however many paths
    # A wide, short drawing in a tall region (a flow chart on a mostly blank canvas) is a figure.
    row = "".join(f'<path style="fill:none;stroke:rgb(0%,0%,0%);" d="M {60 + 40 * i} 300 L {90 + 40 * i} 300 '
                  f'L {90 + 40 * i} 324 L {60 + 40 * i} 324 Z"/>' for i in range(12))
    assert pc.figure_problem(REGION, pc.drawing_boxes(_svg(row))) == (None, 12)
