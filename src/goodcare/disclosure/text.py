"""Scan free text (excerpts) for direct identifiers with presidio's recognisers, offline and without an NLP model."""

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


@lru_cache(maxsize=1)
def _offline_tld():
    """A public-suffix extractor that uses tldextract's bundled snapshot: no download, no cache written."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def _recognisers(kinds: tuple, names: tuple) -> list:
    from presidio_analyzer import PatternRecognizer
    from presidio_analyzer.predefined_recognizers import (
        EmailRecognizer, NhsRecognizer, PhoneRecognizer, UkPostcodeRecognizer, UrlRecognizer,
    )

    class OfflineEmailRecognizer(EmailRecognizer):
        """presidio's e-mail recogniser, validating the domain against the bundled suffix list."""

        def validate_result(self, pattern_text: str):
            return _offline_tld()(pattern_text).fqdn != ""

    make = {
        "email": OfflineEmailRecognizer,
        "phone": lambda: PhoneRecognizer(supported_regions=("GB",)),  # phonenumbers, valid UK numbers only
        "postcode": UkPostcodeRecognizer,
        "nhs_number": NhsRecognizer,  # pattern plus the NHS modulus-11 check digit
        "url": UrlRecognizer,
    }
    found = [make[k]() for k in kinds if k in make]
    if "name" in kinds and names:
        found.append(PatternRecognizer(supported_entity=KINDS["name"], deny_list=list(names), name="DenyListRecognizer"))
    return found


@lru_cache(maxsize=4)
def analyzer(kinds: tuple, names: tuple):
    """A presidio AnalyzerEngine with only pattern, phone and deny-list recognisers and the no-op NLP engine."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine

    registry = RecognizerRegistry(supported_languages=["en"])
    for recogniser in _recognisers(kinds, names):
        registry.add_recognizer(recogniser)
    engine = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["en"])


def find_identifiers(text: str, kinds: tuple, names: tuple = ()) -> list[str]:
    """The kinds of identifier found in one text (sorted, each once); the matches themselves are not returned."""
    if not isinstance(text, str) or not text.strip():
        return []
    entities = [KINDS[k] for k in kinds if k in KINDS and (k != "name" or names)]
    if not entities:
        return []
    results = analyzer(tuple(kinds), tuple(names)).analyze(text=text, language="en", entities=entities)
    return sorted({ENTITY_KIND[r.entity_type] for r in results})


def scan(segments: pd.DataFrame, kinds: tuple, names: tuple = ()) -> pd.DataFrame:
    """One row per identifier kind found per segment: segment_id, kind (never the text or the match)."""
    found = {text: find_identifiers(text, kinds, names) for text in segments["excerpt"].dropna().unique()}  # each text once
    rows = [{"segment_id": sid, "kind": kind} for sid, text in zip(segments["segment_id"], segments["excerpt"]) for kind in found.get(text, [])]
    return pd.DataFrame(rows, columns=["segment_id", "kind"])
