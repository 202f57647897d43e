"""Every free text a chapter publishes, in one frame, scanned once for identifiers before anything is written."""

import re

import pandas as pd

from goodcare.disclosure.rules import Breach
from goodcare.disclosure.settings import Settings
from goodcare.disclosure.stage import leaves
from goodcare.disclosure.text import find_identifiers, scan_texts

LETTER = re.compile(r"[^\W\d_]")
TEXT_COLUMNS = ["output", "cell", "what", "text"]


def could_identify(text) -> bool:
    """Whether a text could hold an identifier at all: it has a letter, or nine digits (a phone or NHS number)."""
    return isinstance(text, str) and (bool(LETTER.search(text)) or sum(c.isdigit() for c in text) >= 9)


def _safe(label: str, kinds: tuple, names: tuple, fallback: str) -> str:
    """A column name or value path for a message, unless it is itself identifying (then a neutral fallback)."""
    return fallback if find_identifiers(label, kinds, names) else label


def published_texts(outputs, values: dict, quotes: pd.DataFrame | None, s: Settings) -> pd.DataFrame:
    """Every text about to be published (headers, table and figure-data cells, values, alt texts, quotes),
    each with its output, its location in words and the kind of text it is."""
    kinds, names = tuple(s.identifiers), tuple(s.names())
    rows = []
    frames = [(o.label, o.frame, "table" if o.kind == "table" else "figure data") for o in outputs if o.frame is not None]
    if quotes is not None:
        frames.append(("quotes", quotes, "quote"))
    for label, frame, kind in frames:
        for c_idx, column in enumerate(frame.columns):
            rows.append((label, f"(header of column {c_idx + 1})", f"a {kind} header", str(column)))
            shown = _safe(str(column), kinds, names, f"column {c_idx + 1}")
            for r_idx, text in enumerate(frame[column]):
                rows.append((label, f"(row {r_idx + 1}, column '{shown}')", f"a {kind} cell", text))
    for o in outputs:
        if o.kind == "figure" and "alt" in o.meta:
            rows.append((o.label, "alt text", "a figure's alt text", o.meta["alt"]))
    for path, value in leaves(values):
        if isinstance(value, str):
            rows.append(("values", f"'{_safe(path, kinds, names, 'a value whose path is withheld')}'", "an in-text value", value))
    texts = pd.DataFrame(rows, columns=TEXT_COLUMNS)
    # astype(bool): an empty mask of dtype object would select columns instead of rows.
    return texts[texts["text"].map(could_identify).astype(bool)].reset_index(drop=True)


def text_breaches(chapter: str, outputs, values: dict, quotes: pd.DataFrame | None, s: Settings) -> list[Breach]:
    """A breach per identifier kind found in any published text, naming where and the kind of text, never the text."""
    hits = scan_texts(published_texts(outputs, values, quotes, s), tuple(s.identifiers), tuple(s.names()))
    return [Breach(chapter, h.output, h.cell, "identifiers", f"{h.kind} found in {h.what}") for h in hits.itertuples()]
