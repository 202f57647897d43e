"""Scan published free text for direct identifiers: normalised first, presidio's recognisers plus the shapes they miss."""

import re
import unicodedata
from functools import lru_cache

import pandas as pd

KINDS = {  # our name of each identifier kind -> presidio's entity
    "email": "EMAIL_ADDRESS",
    "phone": "PHONE_NUMBER",
    "postcode": "UK_POSTCODE",
    "nhs_number": "UK_NHS",
    "url": "URL",
    "name": "DENY_LIST",
}
ENTITY_KIND = {v: k for k, v in KINDS.items()}

# An e-mail written in words: "jo at bloggsmail dot com", "jo (at) bloggsmail [dot] co [dot] uk" (folded text).
EMAIL_IN_WORDS = re.compile(
    r"\b([a-z0-9][a-z0-9._-]*)\s*[(\[]?\s*(?:at|@)\s*[)\]]?\s*([a-z0-9-]+(?:\s*[(\[]?\s*(?:dot|\.)\s*[)\]]?\s*[a-z0-9-]+)+)\b")
DOT_WORD = re.compile(r"\s*[(\[]?\s*(?:dot|\.)\s*[)\]]?\s*")
# Ten digits in the groupings people write NHS numbers in (3-3-4, 4-3-3, or none); the check digit decides.
NHS_SHAPE = re.compile(r"(?<![\d.])(\d{3}[ -]?\d{3}[ -]?\d{4}|\d{4}[ -]?\d{3}[ -]?\d{3})(?![\d.])")
# A UK phone number by its shape alone (a transcriber's altered digits are still someone's number): +44 or
# 0, then groups of at least three digits; `_phone_shaped` counts the digits.
PHONE_SHAPE = re.compile(r"(?<![\w.+])((?:\+|00)\s?44\s?(?:\(0\)\s?)?|\(?0)(\d{2,5}\)?(?:[ -]\d{3,6}){0,3}|\d{9,10})(?![\w.])")
# A bare host (no scheme, no www., no path) is a URL only if its suffix cannot be a word of prose ("cafe.no").
BARE_SUFFIX_MIN = 3


def _without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=4096)
def _latin(char: str) -> str:
    """A non-Latin letter that looks like a Latin one (Cyrillic 'а', Greek 'ο') as that Latin letter."""
    from confusable_homoglyphs import confusables

    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"]) or []
    for entry in found:
        for glyph in entry["homoglyphs"]:
            if len(glyph["c"]) == 1 and glyph["c"].isascii() and glyph["c"].isalnum():
                return glyph["c"]
    return char


def visible(text: str, format_as_space: bool = False) -> str:
    """Text as a reader sees it: NFKC, format characters (zero-width, bidi) removed (or read as a space),
    look-alike letters mapped to Latin, accents removed, every run of whitespace one space. Case is kept
    (the URL rule needs it)."""
    gap = " " if format_as_space else ""
    text = "".join(gap if unicodedata.category(c) == "Cf" else c for c in unicodedata.normalize("NFKC", text))
    text = _without_accents(text)
    text = "".join(_latin(c) if not c.isascii() and c.isalpha() else c for c in text)
    return " ".join(text.split())


def words(text: str, format_as_space: bool = False) -> tuple:
    """The words of a text in matching form (`visible`, case-folded): letters and digits only, so hyphens,
    apostrophes and line breaks separate."""
    return tuple(re.findall(r"[a-z0-9]+", visible(text, format_as_space).casefold()))


def name_phrases(entry: str) -> list[tuple]:
    """What one register line makes identifying: the whole name, and the parts listed after `|`
    ("Margaret Oduya | Oduya": the surname alone identifies her; without `|` only the whole name does)."""
    whole, _, parts = entry.partition("|")
    phrases = [words(whole), *(words(p) for p in parts.split(","))]
    return [p for p in dict.fromkeys(phrases) if p]


@lru_cache(maxsize=8)
def _name_index(names: tuple) -> dict:
    """First word -> the phrases of the register that start with it."""
    index = {}
    for entry in names:
        for phrase in name_phrases(entry):
            index.setdefault(phrase[0], set()).add(phrase)
    return index


def has_name(text: str, names: tuple) -> bool:
    """Whether any register phrase occurs in the text as whole words, after normalisation."""
    index = _name_index(tuple(names))
    # A zero-width character may hide inside a word ("Mar\u200bgaret") or stand for the space between two.
    for found in {words(text), words(text, format_as_space=True)}:
        if any(found[i:i + len(p)] == p for i, w in enumerate(found) for p in index.get(w, ())):
            return True
    return False


@lru_cache(maxsize=1)
def _offline_tld():
    """A public-suffix extractor that uses tldextract's bundled snapshot: no download, no cache written."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def is_real_host(host: str, bare: bool) -> bool:
    """Whether a host looks like one on the internet: a registered domain under a known public suffix, no capital
    after a dot ("Mr.Smith", "so.Then"), and, written bare, a suffix that is not also a short word ("cafe.no")."""
    if re.search(r"\.[A-Z]", host):
        return False
    parts = _offline_tld()(host.lower())
    if not parts.domain or not parts.suffix:
        return False
    return not bare or "." in parts.suffix or len(parts.suffix) >= BARE_SUFFIX_MIN or parts.suffix == "uk"


def is_url(text: str) -> bool:
    """Whether a URL-like match is a real address (see `is_real_host`)."""
    match = re.match(r"(?i)^(?:([a-z][a-z0-9+.-]*)://)?(www\d?\.)?([^/\s:?#]+)(.*)$", text.strip())
    if not match:
        return False
    scheme, www, host, rest = match.groups()
    return is_real_host(host, bare=not (scheme or www or rest.startswith("/")))


def nhs_check_digit_ok(digits: str) -> bool:
    """The NHS number's modulus-11 check."""
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    return check != 10 and (check % 11) == int(digits[9])


def _phone_shaped(match: re.Match) -> bool:
    """Whether a phone-shaped match has a UK number's length: 9 or 10 digits after the 0 or +44."""
    digits = re.sub(r"\D", "", match[2])
    return len(digits) in (9, 10) and digits[0] != "0"


def extra_kinds(text: str, kinds: tuple) -> set:
    """The kinds presidio's recognisers miss: e-mails in words, NHS numbers in any grouping, phone-shaped numbers."""
    found, plain = set(), visible(text)
    if "email" in kinds:
        for m in EMAIL_IN_WORDS.finditer(plain.casefold()):
            if " " in m[0] and is_real_host(DOT_WORD.sub(".", m[2]), bare=False):
                found.add("email")
    if "nhs_number" in kinds and any(nhs_check_digit_ok(re.sub(r"\D", "", m[1])) for m in NHS_SHAPE.finditer(plain)):
        found.add("nhs_number")
    if "phone" in kinds and any(_phone_shaped(m) for m in PHONE_SHAPE.finditer(plain)):
        found.add("phone")
    return found


def _recognisers(kinds: tuple) -> list:
    from presidio_analyzer.predefined_recognizers import (
        EmailRecognizer, NhsRecognizer, PhoneRecognizer, UkPostcodeRecognizer, UrlRecognizer,
    )

    class OfflineEmailRecognizer(EmailRecognizer):
        """presidio's e-mail recogniser, validating the domain against the bundled suffix list."""

        def validate_result(self, pattern_text: str):
            return _offline_tld()(pattern_text).fqdn != ""

    class RealHostUrlRecognizer(UrlRecognizer):
        """presidio's URL recogniser, keeping only real hosts (not "so.Then", "Mr.Smith" or "cafe.no")."""

        def validate_result(self, pattern_text: str):
            return is_url(pattern_text)

    make = {
        "email": OfflineEmailRecognizer,
        "phone": lambda: PhoneRecognizer(supported_regions=("GB",)),  # phonenumbers, valid UK numbers
        "postcode": UkPostcodeRecognizer,
        "nhs_number": NhsRecognizer,  # pattern plus the NHS modulus-11 check digit
        # presidio's patterns ignore case; the validator sees the text as written, so the capital in "so.Then" counts.
        "url": RealHostUrlRecognizer,
    }
    return [make[k]() for k in kinds if k in make]


@lru_cache(maxsize=4)
def analyzer(kinds: tuple):
    """A presidio AnalyzerEngine with only pattern and phone recognisers and the no-op NLP engine."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine

    registry = RecognizerRegistry(supported_languages=["en"])
    for recogniser in _recognisers(kinds):
        registry.add_recognizer(recogniser)
    engine = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["en"])


def find_identifiers(text: str, kinds: tuple, names: tuple = ()) -> list[str]:
    """The kinds of identifier found in one text (sorted, each once); the matches themselves are not returned."""
    if not isinstance(text, str) or not text.strip():
        return []
    kinds = tuple(kinds)
    found = extra_kinds(text, kinds)
    if "name" in kinds and names and has_name(text, tuple(names)):
        found.add("name")
    entities = [KINDS[k] for k in kinds if k in KINDS and k != "name"]
    if entities:
        results = analyzer(tuple(k for k in kinds if k != "name")).analyze(text=visible(text), language="en", entities=entities)
        found |= {ENTITY_KIND[r.entity_type] for r in results}
    return sorted(found)


def scan(segments: pd.DataFrame, kinds: tuple, names: tuple = ()) -> pd.DataFrame:
    """One row per identifier kind found per segment: segment_id, kind (never the text or the match)."""
    found = {text: find_identifiers(text, kinds, names) for text in segments["excerpt"].dropna().unique()}  # each text once
    rows = [{"segment_id": sid, "kind": kind} for sid, text in zip(segments["segment_id"], segments["excerpt"]) for kind in found.get(text, [])]
    return pd.DataFrame(rows, columns=["segment_id", "kind"])


def scan_texts(texts: pd.DataFrame, kinds: tuple, names: tuple = ()) -> pd.DataFrame:
    """The published-text scan: `texts` has output, cell, what (the kind of text) and text; returns one row per
    identifier kind found per text, without the text."""
    unique = {t: find_identifiers(t, kinds, names) for t in texts["text"].unique() if isinstance(t, str)}
    rows = [{"output": o, "cell": c, "what": w, "kind": k}
            for o, c, w, t in texts[["output", "cell", "what", "text"]].itertuples(index=False) for k in unique.get(t, [])]
    return pd.DataFrame(rows, columns=["output", "cell", "what", "kind"])
