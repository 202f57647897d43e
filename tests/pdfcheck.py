"""Reading the rendered PDF with poppler, and the checks tests/test_pdf.py applies to what it reads.

The poppler wrappers (`page_texts`, `page_layouts`, `info`, `fonts`, `page_svg`) only run a command and
parse its output; every judgement is a plain function of text (or of an SVG string) so that the tests
can show, on hand-written input, that each check fails when it should.

Coordinates are PDF points with the origin at the top left of the page (as pdftotext -bbox and
pdftocairo -svg both report them): y grows down the page.
"""

from __future__ import annotations

import html
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

# ---- running poppler ----------------------------------------------------------------------------------


def run(tool: str, *args: str) -> str:
    """Stdout of a poppler command; fails with its stderr. (pdfinfo warns on stderr about Typst's
    /Suspects entry and still exits 0: warnings are not failures.)"""
    proc = subprocess.run([tool, *args], capture_output=True, text=True, encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join([tool, *args])} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return proc.stdout


def page_texts(pdftotext: str, pdf) -> list[str]:
    """The text of each page in pdftotext's reading order (its default mode: one block per paragraph or
    table cell, blocks separated by blank lines); index 0 is page 1."""
    pages = run(pdftotext, "-enc", "UTF-8", str(pdf), "-").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def info(pdfinfo: str, pdf) -> dict[str, str]:
    """pdfinfo's fields (Title, Pages, ...)."""
    return parse_pdfinfo(run(pdfinfo, "-enc", "UTF-8", str(pdf)))


def fonts(pdffonts: str, pdf) -> list[dict[str, str]]:
    """One dict per row of pdffonts (all pages): name, type, encoding, emb, sub, uni, object ID."""
    return parse_pdffonts(run(pdffonts, str(pdf)))


def page_svg(pdftocairo: str, pdf, page: int, out_dir) -> str:
    """Page `page` (1-based) as SVG, as pdftocairo draws it: vector content stays vector."""
    out = out_dir / f"page-{page}.svg"
    run(pdftocairo, "-svg", "-f", str(page), "-l", str(page), str(pdf), str(out))
    return out.read_text(encoding="utf-8")


# ---- pdfinfo and pdffonts -----------------------------------------------------------------------------


def parse_pdfinfo(text: str) -> dict[str, str]:
    fields = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key and not key.startswith(" "):
            fields.setdefault(key.strip(), value.strip())
    return fields


FONT_ROW = re.compile(r"^(?P<name>\S+)\s+(?P<type>.*?)\s+(?P<encoding>\S+)\s+(?P<emb>yes|no)\s+(?P<sub>yes|no)"
                      r"\s+(?P<uni>yes|no)\s+(?P<object>\d+\s+\d+)\s*$")


def parse_pdffonts(text: str) -> list[dict[str, str]]:
    """Rows of pdffonts' table: name, type, encoding, emb, sub, uni, object. A long font name overruns its
    column (the type then starts further right), so a row is read from its fixed tail (encoding, three
    yes/no columns, object number and generation) back to the name. A row that does not fit is an error,
    never skipped."""
    lines = text.splitlines()
    rule = next((i for i, line in enumerate(lines) if line.startswith("---")), None)
    if rule is None:
        raise ValueError(f"not pdffonts output:\n{text[:500]}")
    rows = []
    for line in lines[rule + 1:]:
        if not line.strip():
            continue
        m = FONT_ROW.match(line.strip())
        if m is None:
            raise ValueError(f"unreadable pdffonts row: {line!r}")
        rows.append(m.groupdict())
    return rows


def unembedded(rows: list[dict[str, str]]) -> list[str]:
    """Fonts whose `emb` column is not yes."""
    return [f"{row.get('name', '?')} ({row.get('type', '?')})" for row in rows if row.get("emb") != "yes"]


# ---- text: normalising, unresolved references ---------------------------------------------------------

LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}


def normalise(text: str) -> str:
    """Text as one line, for comparing with strings from the results.

    - A line broken by hyphenation: Typst's hyphen comes out as U+00AD (soft hyphen) before the break; it
      and the break go, joining the word ("AS\\u00ad\\nCOT" -> "ASCOT"). A hard hyphen at the end of a line
      stays and joins without a space ("cost-\\neffective" -> "cost-effective").
    - Every other run of whitespace (newlines, no-break and thin spaces) becomes one space.
    - Typographic ligatures are spelt out.
    Nothing else changes: digits, signs (U+2212 minus is not hyphen-minus), %, brackets and punctuation
    are compared as they are, so a wrong number or sign cannot pass."""
    for lig, letters in LIGATURES.items():
        text = text.replace(lig, letters)
    text = re.sub(r"\u00ad\s*", "", text)
    text = re.sub(r"(?<=\w)-[ \t]*\n\s*(?=\w)", "-", text)
    return re.sub(r"\s+", " ", text).strip()


# `??` is what a PDF shows for a reference nothing resolved; Quarto leaves an unresolved cross-reference
# as its source, `?@fig-x` (with or without the question mark).
UNRESOLVED = re.compile(r"\?\?+|\??@(?:fig|tbl|sec)-[\w:-]*")


def unresolved(pages: list[str]) -> list[str]:
    """Each `??` and unresolved @fig-/@tbl-/@sec- reference, with its page and some context."""
    found = []
    for number, text in enumerate(pages, 1):
        flat = normalise(text)
        for m in UNRESOLVED.finditer(flat):
            found.append(f"page {number}: {m.group(0)!r} in '...{flat[max(0, m.start() - 50):m.end() + 50]}...'")
    return found


# ---- chapters -----------------------------------------------------------------------------------------

HEADING = re.compile(r"^(?:\d+|[A-Z])\.\s+(?P<title>\S.*)$")  # "9. How micro-enterprise performs", "A. Interview schedule"
PAGE_NUMBER = re.compile(r"^(?:\d+|[ivxlcdm]+)$")


def first_line(text: str) -> str:
    """A page's first line of text that is not a bare page number."""
    return next((line.strip() for line in text.splitlines() if line.strip() and not PAGE_NUMBER.match(line.strip())), "")


def opened_chapter(text: str) -> str | None:
    """The title of the chapter a page opens (its first line is the numbered or lettered heading), else
    None. Numbered chapters' running heads read "Chapter 9. ...", so they do not count; an appendix's
    running head repeats its heading, so an appendix's later pages count as opening the same title."""
    line = first_line(text)
    if line == "Appendices":
        return line
    m = HEADING.match(line)
    return m.group("title") if m else None


def chapter_pages(pages: list[str], title: str) -> list[int]:
    """The 1-based numbers of the pages of the chapter titled `title`: from the page its heading opens to
    the page before the next chapter (or part) opens."""
    numbers: list[int] = []
    for number, text in enumerate(pages, 1):
        opens = opened_chapter(text)
        if numbers and opens is not None and opens != title:
            break
        if numbers or opens == title:
            numbers.append(number)
    return numbers


# ---- the scorecard ------------------------------------------------------------------------------------

SCORED = ("micro", "larger", "difference", "verdict")
NUMBER_BEFORE = r"(?<![\w.,\-\u2212+])"  # the first value starts a token: not "10.22" for "0.22", not "−0.22"
ROW_SPAN = 400  # characters a row's label and measure may take between its id and its values


def fold_minus(text: str) -> str:
    return text.replace("\u2212", "-")


def scorecard_problems(text: str, rows: list[dict]) -> list[str]:
    """How the scorecard in `text` (the chapter's pages) differs from the scorecard rows of the values.

    A row passes when its id (e.g. "H1") is followed, before any other row's id and within ROW_SPAN
    characters, by its micro, larger, difference and verdict in that order with only whitespace between
    them (the table's columns as pdftotext reads a row), each exactly as in the values once both sides
    are normalised. So a wrong number, a swapped pair or another row's verdict all fail. Each row's
    `words` must also follow its id (the list under the table)."""
    flat = normalise(text)
    ids = [str(row["id"]) for row in rows]
    problems = []
    for row in rows:
        rid = str(row["id"])
        others = "|".join(rf"(?<!\w){re.escape(o)}(?!\w)" for o in ids if o != rid) or r"(?!)"
        head = rf"(?<!\w){re.escape(rid)}(?!\w)(?:(?!{others}).){{0,{ROW_SPAN}}}?"
        values = " ".join(normalise(str(row[k])) for k in SCORED if row.get(k) not in (None, ""))
        pattern = head + NUMBER_BEFORE + re.escape(values) + r"(?!\w)"
        if not re.search(pattern, flat, re.S):
            start = re.search(rf"(?<!\w){re.escape(rid)}(?!\w)", flat)
            seen = flat[start.start():start.start() + 200] if start else "(the id is not in the text)"
            hint = ""
            if re.search(fold_minus(pattern), fold_minus(flat), re.S):
                hint = " (it matches if minus signs are ignored: the PDF and the values use different minus characters)"
            problems.append(f"{rid}: expected '{values}' after '{rid}'{hint}; the text there reads '{seen}'")
        words = normalise(str(row.get("words") or ""))
        if words and not re.search(head + re.escape(words), flat, re.S):
            problems.append(f"{rid}: its words '{words}' do not follow '{rid}' in the text")
    return problems


# ---- page geometry: words, running heads and footers --------------------------------------------------


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class Line:
    text: str
    box: Box


@dataclass
class Page:
    number: int
    width: float
    height: float
    blocks: list[list[Line]] = field(default_factory=list)  # each block: its lines, in reading order
    words: list[tuple[str, Box]] = field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        return [line for block in self.blocks for line in block]


def _box(el) -> Box:
    return Box(*(float(el.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))


def parse_bbox_layout(xhtml: str) -> list[Page]:
    """Pages, blocks, lines and words from `pdftotext -bbox-layout` output."""
    body = xhtml[xhtml.index("<doc"):xhtml.index("</doc>") + len("</doc>")]
    doc = ET.fromstring(re.sub(r"\sxmlns=\"[^\"]*\"", "", body))
    pages = []
    for number, p in enumerate(doc.iter("page"), 1):
        page = Page(number, float(p.get("width")), float(p.get("height")))
        for block in p.iter("block"):
            lines = []
            for line in block.iter("line"):
                words = [(html.unescape(w.text or ""), _box(w)) for w in line.iter("word")]
                page.words += words
                lines.append(Line(" ".join(t for t, _ in words), _box(line)))
            page.blocks.append(lines)
        pages.append(page)
    return pages


def page_layouts(pdftotext: str, pdf) -> list[Page]:
    return parse_bbox_layout(run(pdftotext, "-enc", "UTF-8", "-bbox-layout", str(pdf), "-"))


# The running head sits in the top margin, the footer in the bottom one. On the book's A4 pages the head
# is at y 45-57 pt and the body starts at 81 pt; the page number is at y 790-801 pt and the body ends above
# 774 pt. A word counts as head or footer only if it lies wholly in these bands.
HEAD_BAND = 0.085  # of the page height, from the top (71.6 pt on A4)
FOOT_BAND = 0.08  # from the bottom (774.5 pt down on A4)


def margin_words(page: Page) -> list[str]:
    """The words of the page's running head and footer."""
    top, bottom = HEAD_BAND * page.height, (1 - FOOT_BAND) * page.height
    return [text for text, box in page.words if box.y1 <= top or box.y0 >= bottom]


def page_ranges(numbers: list[int]) -> str:
    """1-based page numbers as ranges: [2, 3, 4, 7] -> "2-4, 7"."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(f"{a}-{b}" if b > a else f"{a}" for a, b in runs)


def says_synthetic(words: list[str] | str) -> bool:
    text = words if isinstance(words, str) else " ".join(words)
    return "synthetic" in normalise(text).lower()


# ---- figures ------------------------------------------------------------------------------------------

CAPTION = re.compile(r"^Figure\s+((?:\d+|[A-Z])\.\d+):")


def figure_captions(page: Page) -> list[tuple[str, Line]]:
    """The figure captions on a page: lines that start "Figure N.M:". A caption is a block of its own, so
    where the same number starts several lines (a reference wrapped to the start of a line, "Figure G.1:
    each table ..."), the line that starts a block is the caption. No line that might be a caption is
    dropped unseen: a number that starts no block keeps every line it starts."""
    starts: dict[str, list[tuple[bool, Line]]] = {}
    for block in page.blocks:
        for k, line in enumerate(block):
            if m := CAPTION.match(line.text):
                starts.setdefault(m.group(1), []).append((k == 0, line))
    found = []
    for label, lines in starts.items():
        first = [line for is_first, line in lines if is_first]
        found += [(label, line) for line in (first or [line for _, line in lines])]
    return sorted(found, key=lambda c: c[1].box.y0)


def figure_region(page: Page, caption: Line) -> Box:
    """Where the figure the caption belongs to is drawn: the caption sits under its figure (Typst's default
    for figures), so the region runs from the lowest text above the caption (or the top of the page) down to
    the caption. The figures draw their text as paths (matplotlib's SVG), so no figure text bounds it."""
    above = [line.box.y1 for line in page.lines if line.box.y1 <= caption.box.y0 + 0.5 and line is not caption]
    return Box(0.0, max(above, default=0.0), page.width, caption.box.y0)


# --- vector content from pdftocairo's SVG

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
NOT_DRAWN = {"defs", "symbol", "clipPath", "mask", "pattern", "marker", "title", "desc", "metadata", "style"}
IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _compose(m, n):
    """m then n applied on the inside: the matrix of transform="m" on a parent and "n" on a child."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + c * b2, b * a2 + d * b2, a * c2 + c * d2, b * c2 + d * d2, a * e2 + c * f2 + e, b * e2 + d * f2 + f)


def _transform(attr: str | None):
    m = IDENTITY
    for name, args in re.findall(r"(\w+)\s*\(([^)]*)\)", attr or ""):
        v = [float(x) for x in NUMBER.findall(args)]
        if name == "matrix" and len(v) == 6:
            t = tuple(v)
        elif name == "translate":
            t = (1, 0, 0, 1, v[0], v[1] if len(v) > 1 else 0)
        elif name == "scale":
            t = (v[0], 0, 0, v[1] if len(v) > 1 else v[0], 0, 0)
        else:
            raise ValueError(f"unexpected SVG transform {name}({args})")
        m = _compose(m, t)
    return m


def _apply(m, points) -> Box | None:
    a, b, c, d, e, f = m
    xs = [a * x + c * y + e for x, y in points]
    ys = [b * x + d * y + f for x, y in points]
    return Box(min(xs), min(ys), max(xs), max(ys)) if xs else None


def _style(el, inherited: dict) -> dict:
    style = dict(inherited)
    for key in ("fill", "stroke", "fill-opacity", "stroke-opacity", "opacity", "stroke-width"):
        if el.get(key) is not None:
            style[key] = el.get(key).strip()
    for decl in (el.get("style") or "").split(";"):
        key, sep, value = decl.partition(":")
        if sep:
            style[key.strip()] = value.strip()
    return style


WHITE = {"#fff", "#ffffff", "white", "rgb(100%,100%,100%)", "rgb(255,255,255)"}


def _visible(style: dict) -> bool:
    """Paint that shows on white paper: a non-white fill or any stroke, not fully transparent."""
    def opaque(key):
        try:
            return float(style.get(key, "1")) > 0
        except ValueError:
            return True
    if not opaque("opacity"):
        return False
    fill = style.get("fill", "black").replace(" ", "").lower()  # SVG's default fill is black
    stroke = style.get("stroke", "none").replace(" ", "").lower()
    filled = fill != "none" and fill not in WHITE and opaque("fill-opacity")
    stroked = stroke != "none" and opaque("stroke-opacity") and style.get("stroke-width", "1") not in ("0", "0px")
    return filled or stroked


def drawing_boxes(svg: str) -> list[Box]:
    """The page-coordinate bounding boxes of the visible drawing in an SVG written by pdftocairo: paths,
    rectangles and images. Text is not drawing: cairo writes each glyph as a <symbol> in <defs> and
    places it with <use>, and those uses are skipped. (cairo writes path data with absolute M/L/C/Z only,
    so a path's box is the box of its numbers taken in pairs.)"""
    root = ET.fromstring(svg)
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
    boxes: list[Box] = []

    def walk(el, matrix, style, depth=0):
        tag = el.tag.replace(SVG, "")
        if tag in NOT_DRAWN or depth > 50:
            return
        matrix = _compose(matrix, _transform(el.get("transform")))
        style = _style(el, style)
        if tag == "path":
            numbers = [float(x) for x in NUMBER.findall(el.get("d") or "")]
            box = _apply(matrix, list(zip(numbers[0::2], numbers[1::2])))
            if box and _visible(style):
                boxes.append(box)
        elif tag in ("rect", "image"):
            x, y = float(el.get("x", 0)), float(el.get("y", 0))
            w, h = (float(NUMBER.match(el.get(k, "0")).group(0)) for k in ("width", "height"))
            if w > 0 and h > 0 and (tag == "image" or _visible(style)):
                boxes.append(_apply(matrix, [(x, y), (x + w, y + h)]))
        elif tag == "use":
            target = by_id.get((el.get(XLINK_HREF) or el.get("href") or "").lstrip("#"))
            if target is None or target.tag.replace(SVG, "") == "symbol":  # a glyph: text
                return
            moved = _compose(matrix, (1, 0, 0, 1, float(el.get("x", 0)), float(el.get("y", 0))))
            if target.tag.replace(SVG, "") in NOT_DRAWN:
                return
            walk(target, moved, style, depth + 1)
        for child in el:
            walk(child, matrix, style, depth + 1)

    walk(root, IDENTITY, {})
    return boxes


MIN_FIGURE_HEIGHT = 40.0  # points: a region above the caption smaller than this (1.4 cm) holds no figure
MIN_DRAWN = 10  # drawing elements: axes, ticks, marks and their labels (text as paths) make dozens to hundreds
MIN_EXTENT = 15.0  # points: the drawing's width and height at least (a speck is not a figure)


def figure_problem(region: Box, boxes: list[Box]) -> tuple[str | None, int]:
    """Why the region holds no figure (None if it does), and how many drawing elements it holds: at least
    MIN_DRAWN elements centred in the region, together at least MIN_EXTENT wide and tall, in a region at
    least MIN_FIGURE_HEIGHT tall. An empty region, a table rule, a frame alone or a speck fails. (How much
    of the region the drawing fills is not judged: a wide, short figure such as a flow chart of boxes leaves
    its SVG canvas mostly blank.)"""
    inside = [b for b in boxes
              if region.y0 - 1 <= (b.y0 + b.y1) / 2 <= region.y1 + 1 and region.x0 <= (b.x0 + b.x1) / 2 <= region.x1]
    if region.height < MIN_FIGURE_HEIGHT:
        return f"only {region.height:.0f} pt between the text above and the caption", len(inside)
    if len(inside) < MIN_DRAWN:
        return f"{len(inside)} drawing elements in the {region.height:.0f} pt above the caption (want >= {MIN_DRAWN})", len(inside)
    width = max(b.x1 for b in inside) - min(b.x0 for b in inside)
    height = max(b.y1 for b in inside) - min(b.y0 for b in inside)
    if min(width, height) < MIN_EXTENT:
        return f"the drawing above the caption is only {width:.0f} x {height:.0f} pt", len(inside)
    return None, len(inside)


# ---- where the provenance records are ----------------------------------------------------------------

# What the PDF's one sentence per chapter says before naming the record pages (goodcare.provlinks.pdf_pointer).
POINTER = "The provenance of every table, figure and number in this chapter"
# A chapter's source names the analyses whose results it shows: book.values("x"), book.table("x", ...) and
# the like; a chapter that reads the build's reports (results_dir, validation summaries, the disclosure report) points to
# the page of every job, provenance/index.html.
SHOWS_ANALYSIS = re.compile(r"book\.(?:values|table|published_table|figure_markdown|figure_files|provenance_note)\(\s*\"([a-z]+)\"")
SHOWS_REPORTS = re.compile(r"book\.(?:results_dir|validation_summaries|disclosure_report)\(")


def record_pages_expected(source: str) -> set[str]:
    """The record pages a chapter's PDF must name, from what its source reads."""
    pages = {f"provenance/{name}.html" for name in SHOWS_ANALYSIS.findall(source)}
    return pages | ({"provenance/index.html"} if SHOWS_REPORTS.search(source) else set())


def pointer_problems(text: str, pages: set[str]) -> list[str]:
    """A chapter's text (all its pages) must say where its records are exactly once, naming every page in
    `pages`; a path broken over lines by the PDF's layout still counts."""
    flat = normalise(text)
    problems = [] if flat.count(POINTER) == 1 else [f"says {POINTER!r} {flat.count(POINTER)} times, not once"]
    joined = re.sub(r"\s+", "", flat)
    return problems + [f"does not name {page}" for page in sorted(pages) if page not in joined]
