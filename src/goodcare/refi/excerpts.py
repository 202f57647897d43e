"""The coded text of a selection, where an export holds it, as a tidied excerpt (read only when asked for)."""

from lxml import etree

from goodcare.refi.archive import Export, children, clean, local, norm_guid

TEXT_HOLDERS = ("TextSource", "Representation", "TextDescription", "Transcript")
MAX_EXCERPT = 1000  # codings.excerpt is at most 1000 characters
# The standard does not say what a position counts. NVivo counts UTF-16 code units (a character outside the
# Basic Multilingual Plane, an emoji say, is two), the others Unicode code points; the root's `origin` names the tool.
UTF16_ORIGINS = ("nvivo",)
OUT_OF_RANGE = object()  # a selection whose positions do not fit its text (start > end, negative, beyond the end)


def counts_utf16(export: Export) -> bool:
    """Whether the export's positions count UTF-16 code units (by the tool its `origin` names)."""
    origin = (export.root.get("origin") or "").lower()
    return any(tool in origin for tool in UTF16_ORIGINS)


def cut(export: Export, holder: etree._Element, text: str, start: int, end: int, texts: dict):
    """The text between two positions, counted as the producing tool counts them; OUT_OF_RANGE if they do not fit."""
    if counts_utf16(export):
        key = (holder, "utf-16")
        if key not in texts:  # encoded once per text, not per selection
            texts[key] = text.encode("utf-16-le", errors="surrogatepass")
        units = texts[key]
        if not 0 <= start <= end <= len(units) // 2:
            return OUT_OF_RANGE
        return units[2 * start:2 * end].decode("utf-16-le", errors="replace")
    if not 0 <= start <= end <= len(text):
        return OUT_OF_RANGE
    return text[start:end]


def holder_text(export: Export, holder: etree._Element) -> str | None:
    """The plain text a selection's positions refer to: inline content or the packed source file."""
    inline = children(holder, "PlainTextContent")
    if inline and inline[0].text is not None:
        return inline[0].text
    return export.text_at(holder.get("plainTextPath"))


def cached_text(export: Export, holder: etree._Element, texts: dict) -> str | None:
    """A holder's text, read once. Keyed by the element itself: it keeps lxml's proxy alive, where id() may be reused."""
    if holder not in texts:
        texts[holder] = holder_text(export, holder)
    return texts[holder]


def selection_text(export: Export, sel: etree._Element, texts: dict) -> str | None:
    """The coded text of a selection, where the export holds it (only read when excerpts are asked for)."""
    kind = local(sel)
    if kind == "PDFSelection":
        rep = children(sel, "Representation")
        return holder_text(export, rep[0]) if rep else None
    holder = sel.getparent()
    if kind == "TranscriptSelection":
        text = cached_text(export, holder, texts)
        if (holder, "sync") not in texts:  # a transcript's sync points, indexed once for all its selections
            texts[(holder, "sync")] = {norm_guid(p.get("guid")): p.get("position") for p in children(holder, "SyncPoint")}
        points = texts[(holder, "sync")]
        a, b = points.get(norm_guid(sel.get("fromSyncPoint"))), points.get(norm_guid(sel.get("toSyncPoint")))
        return cut(export, holder, text, int(a), int(b), texts) if text is not None and a is not None and b is not None else None
    if kind != "PlainTextSelection" or local(holder) not in TEXT_HOLDERS:
        return None
    start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
    text = cached_text(export, holder, texts)
    if text is not None:
        return cut(export, holder, text, start, end, texts)
    name = sel.get("name") or ""
    # Some tools put the whole coded text in the name; a shortened name ("...") is not the text.
    return name if len(name) == end - start and name else None


def excerpt_of(text: str | None, counts: dict) -> str | None:
    """The selection's text as an excerpt: whitespace tidied, cut to the column's limit (counted)."""
    if text is OUT_OF_RANGE:
        counts["out_of_range"] += 1
        return None
    if text is None:
        counts["unavailable"] += 1
        return None
    text = clean(text)
    if len(text) > MAX_EXCERPT:
        counts["shortened"] += 1
        text = text[: MAX_EXCERPT - 1] + "\u2026"
    return text or None
