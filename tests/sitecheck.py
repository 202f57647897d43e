"""Checking the rendered site in a real browser: a local HTTP server, what Chromium saw on each page, and
the checks tests/test_site.py applies to it.

`visit` is the only part that drives the browser (Playwright on the system's Chromium): it loads a page,
records its console, runs axe-core and reads the links, images and figures from the live DOM. Every
judgement (`link_problems`, `figure_problems`, `download_problems`, `unique_words`, ...) is a plain
function of what was recorded plus HTTP answers from the local server, so the tests can show on a tiny
hand-written site that each check fails when it should.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import http.client
import http.server
import io
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import lxml.html

# Flags for Chromium on a machine without a network: without them it waits on connections it cannot make
# (QUIC, component updates, sync, background fetches). Playwright adds --headless itself (headless=True) and
# --user-data-dir (launch_persistent_context), always a fresh folder from the caller.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

SERIOUS = ("serious", "critical")
CSV_LINK_TEXT = "Data behind this figure (CSV)"
PDF_LINK_LABEL = "Download PDF"

# ---- serving a folder -------------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` with http.server on 127.0.0.1 and a free port; yields the base URL (ends in /)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def html_pages(directory: Path) -> list[str]:
    """Every HTML page under `directory` (posix paths relative to it), Quarto's site_libs left out."""
    directory = Path(directory)
    return sorted(
        p.relative_to(directory).as_posix()
        for p in directory.rglob("*.html")
        if "site_libs" not in p.relative_to(directory).parts
    )


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes


class Fetcher:
    """GET over HTTP from the local server, once per URL (fragment dropped), redirects not followed: a link
    must answer 200 itself."""

    def __init__(self, base_url: str):
        self.base = urlsplit(base_url)
        self._cache: dict[str, Response] = {}
        self._ids: dict[str, set[str]] = {}

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        return (parts.scheme, parts.netloc) == (self.base.scheme, self.base.netloc)

    def get(self, url: str) -> Response:
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        if target not in self._cache:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            try:
                conn.request("GET", target)
                answer = conn.getresponse()
                self._cache[target] = Response(answer.status, answer.getheader("Content-Type", ""), answer.read())
            finally:
                conn.close()
        return self._cache[target]

    def ids(self, url: str) -> set[str]:
        """The element ids (and <a name>s) of the HTML page at `url`, as the server sends it."""
        key = urlsplit(url).path
        if key not in self._ids:
            body = self.get(url).body
            tree = lxml.html.fromstring(body) if body.strip() else None
            self._ids[key] = set() if tree is None else set(tree.xpath("//@id | //a/@name"))
        return self._ids[key]


# ---- what the browser saw ---------------------------------------------------------------------------

# Run in the page after it loaded. URLs are resolved by the browser (el.href / new URL against baseURI).
# A figure is Quarto's <figure> that is not a table float; its images are waited for (decode) and painted
# into a canvas to count the pixels that are not blank: an SVG that loads but draws nothing is caught.
COLLECT_JS = r"""
async () => {
  const abs = (raw) => { try { return new URL(raw, document.baseURI).href; } catch (e) { return raw; } };
  const refs = [];
  const take = (selector, attr, kind) => {
    for (const el of document.querySelectorAll(selector)) {
      const raw = el.getAttribute(attr);
      if (raw !== null) refs.push({kind, raw, url: abs(raw), rel: el.getAttribute('rel') || ''});
    }
  };
  take('a[href]', 'href', 'link');
  take('img[src]', 'src', 'image');
  take('link[href]:not([rel~="preconnect"]):not([rel~="dns-prefetch"])', 'href', 'resource');
  take('script[src]', 'src', 'script');
  take('iframe[src], source[src], video[src], audio[src]', 'src', 'media');

  const painted = (img, w, h) => {
    try {
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(w)); canvas.height = Math.max(1, Math.round(h));
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        const blank = data[i + 3] === 0 || (data[i] > 250 && data[i + 1] > 250 && data[i + 2] > 250);
        if (!blank) n++;
      }
      return n;
    } catch (e) { return -1; }
  };
  const figures = [];
  for (const fig of document.querySelectorAll('figure:not(.quarto-float-tbl)')) {
    const holder = fig.closest('[id^="fig-"]');
    const caption = fig.querySelector('figcaption');
    const images = [];
    for (const img of fig.querySelectorAll('img')) {
      img.scrollIntoView();
      await img.decode().catch(() => null);
      const r = img.getBoundingClientRect();
      images.push({src: img.currentSrc || img.src, alt: img.getAttribute('alt'), complete: img.complete,
                   naturalWidth: img.naturalWidth, width: r.width, height: r.height,
                   painted: img.complete && img.naturalWidth > 0 ? painted(img, r.width, r.height) : 0});
    }
    for (const svg of fig.querySelectorAll('svg')) {
      const r = svg.getBoundingClientRect();
      const title = svg.querySelector('title');
      images.push({src: 'inline svg', alt: svg.getAttribute('aria-label') || (title ? title.textContent : null),
                   complete: true, naturalWidth: r.width, width: r.width, height: r.height, painted: null});
    }
    figures.push({id: holder ? holder.id : '', caption: caption ? caption.textContent.trim().slice(0, 120) : '',
                  images,
                  csv: [...fig.querySelectorAll('a[href]')]
                         .filter(a => a.textContent.trim() === '%CSV%').map(a => a.href)});
  }
  const pdf = [...document.querySelectorAll('a[href]')]
    .filter(a => [a.getAttribute('aria-label'), a.getAttribute('title'), a.textContent.trim()].includes('%PDF%'))
    .map(a => a.href);
  const csv = [...document.querySelectorAll('a[href]')]
    .filter(a => a.textContent.trim() === '%CSV%').map(a => a.href);
  return {refs, figures, pdf, csv, title: document.title};
}
""".replace("%CSV%", CSV_LINK_TEXT).replace("%PDF%", PDF_LINK_LABEL)


@dataclass
class PageReport:
    """What the browser saw on one page."""

    page: str
    url: str
    console: list[dict] = field(default_factory=list)  # {type, text, url}: console errors and uncaught exceptions
    violations: list[dict] = field(default_factory=list)  # axe-core's, every impact
    refs: list[dict] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)
    pdf: list[str] = field(default_factory=list)
    csv: list[str] = field(default_factory=list)
    title: str = ""


class Visitor:
    """Loads pages in one browser tab and records what each showed (console, axe, DOM)."""

    def __init__(self, context, base_url: str, axe_script: str):
        self.base_url = base_url
        self.axe_script = axe_script
        self.tab = context.new_page()
        self._console: list[dict] = []
        self.tab.on("console", self._on_console)
        self.tab.on("pageerror", self._on_pageerror)

    def _on_console(self, message) -> None:
        # Chromium's SEVERE level: console.error and resources that failed to load (logged as errors).
        if message.type == "error":
            self._console.append({"type": "error", "text": message.text, "url": message.location.get("url", "")})

    def _on_pageerror(self, error) -> None:  # an uncaught exception in the page's scripts
        self._console.append({"type": "pageerror", "text": str(error), "url": ""})

    def visit(self, page: str) -> PageReport:
        self._console.clear()
        url = self.base_url + page
        self.tab.goto(url, wait_until="load")
        # Late requests (web fonts, lazily loaded scripts) fail or finish before the page counts as seen.
        with contextlib.suppress(Exception):
            self.tab.wait_for_load_state("networkidle", timeout=5000)
        seen = self.tab.evaluate(COLLECT_JS)
        self.tab.evaluate(self.axe_script)
        axe = self.tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
        return PageReport(page=page, url=url, console=list(self._console), violations=axe["violations"], **seen)


# ---- judgements ---------------------------------------------------------------------------------------


def serious_violations(report: PageReport) -> list[str]:
    """axe-core violations of impact serious or critical, one line per rule with the first elements."""
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])} element(s)): {v['help']}; e.g. "
        + "; ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:3])
        for v in report.violations
        if v.get("impact") in SERIOUS
    ]


def link_problems(report: PageReport, fetcher: Fetcher) -> list[str]:
    """Every internal link, image, stylesheet and script of the page must answer 200 from the server, and
    a #fragment must be an id on the target page. External URLs are not fetched (no network here)."""
    problems = []
    for ref in report.refs:
        url = ref["url"]
        if not fetcher.is_local(url):
            continue
        answer = fetcher.get(url)
        if answer.status != 200:
            problems.append(f"{ref['kind']} {ref['raw']!r} -> HTTP {answer.status}")
            continue
        fragment = urlsplit(url).fragment
        if fragment and "html" in answer.content_type and fragment not in fetcher.ids(url):
            problems.append(f"{ref['kind']} {ref['raw']!r}: no element with id {fragment!r} on the target page")
    return problems


def figure_problems(report: PageReport) -> list[str]:
    """Every figure is drawn (an SVG image, loaded, with a non-zero rendered size and painted pixels), has
    non-empty alt text, and links the data behind it."""
    problems = []
    for fig in report.figures:
        name = fig["id"] or fig["caption"][:40] or "a figure"
        if not fig["images"]:
            problems.append(f"{name}: no image")
        for img in fig["images"]:
            where = f"{name} ({img['src'].rsplit('/', 1)[-1]})"
            if not (img["alt"] or "").strip():
                problems.append(f"{where}: no alt text")
            svg = img["src"] == "inline svg" or img["src"].startswith("data:image/svg+xml")
            if not (svg or urlsplit(img["src"]).path.lower().endswith(".svg")):
                problems.append(f"{where}: not an SVG image")
            if not (img["complete"] and img["naturalWidth"] > 0):
                problems.append(f"{where}: the image did not load")
            elif not (img["width"] > 0 and img["height"] > 0):
                problems.append(f"{where}: rendered size {img['width']}x{img['height']}")
            elif img["painted"] is not None and img["painted"] <= 0:
                problems.append(f"{where}: draws nothing (no painted pixels)")
        if not fig["csv"]:
            problems.append(f"{name}: no '{CSV_LINK_TEXT}' link")
    return problems


def download_problems(url: str, fetcher: Fetcher, kind: str) -> list[str]:
    """A download link answers 200 with a non-empty file of its kind: a PDF (starts %PDF-) or a CSV with a
    header and at least one row."""
    answer = fetcher.get(url)
    name = urlsplit(url).path
    if answer.status != 200:
        return [f"{name}: HTTP {answer.status}"]
    if not answer.body.strip():
        return [f"{name}: empty file"]
    if kind == "pdf" and not answer.body.startswith(b"%PDF-"):
        return [f"{name}: not a PDF (starts {answer.body[:8]!r})"]
    if kind == "csv":
        try:
            rows = list(csv.reader(io.StringIO(answer.body.decode("utf-8-sig"))))
        except (UnicodeDecodeError, csv.Error) as error:
            return [f"{name}: not a UTF-8 CSV ({error})"]
        if len([r for r in rows if r]) < 2:
            return [f"{name}: no data rows under the header"]
    return []


def unique_words(entries: list[dict], min_length: int = 7) -> dict[str, str]:
    """Words (lower case, letters only, at least `min_length` long) that occur in exactly one page of
    Quarto's search.json, each with that page (its href without the #section)."""
    pages = defaultdict(set)
    for entry in entries:
        page = entry["href"].split("#")[0]
        text = " ".join(str(entry.get(key) or "") for key in ("title", "section", "text"))
        for word in re.findall(r"[^\W\d_]+", text.lower()):
            if len(word) >= min_length:
                pages[word].add(page)
    return {word: next(iter(where)) for word, where in pages.items() if len(where) == 1}


def search_word(entries: list[dict], pages: list[str]) -> tuple[str, str]:
    """A word only one of `pages` contains, and that page: the longest such word (then the first
    alphabetically), so the pick is stable and as unlike other words as it can be for a fuzzy search."""
    words = {w: p for w, p in unique_words(entries).items() if p in pages}
    if not words:
        raise AssertionError("search.json has no word that occurs in exactly one chapter")
    word = min(words, key=lambda w: (-len(w), w))
    return word, words[word]
