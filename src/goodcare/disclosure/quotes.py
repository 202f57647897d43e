"""Quotes: the book-wide identifier scan and k-anonymous attributions, and a chapter's published quotes."""

from pathlib import Path

import pandas as pd

from goodcare.disclosure.attribution import attributions, is_k_anonymous
from goodcare.disclosure.rules import Breach, DisclosureError
from goodcare.disclosure.settings import Settings
from goodcare.disclosure.text import scan


def book_quotes(stages: list[Path]) -> pd.DataFrame:
    """Every staged quote of the book: chapter and segment id."""
    parts = [pd.read_csv(Path(s) / "quotes.csv", dtype=str, keep_default_na=False).assign(chapter=Path(s).name)
             for s in stages if (Path(s) / "quotes.csv").is_file()]
    return pd.concat(parts, ignore_index=True)[["chapter", "segment_id"]] if parts else pd.DataFrame(columns=["chapter", "segment_id"])


def run_attributions(stages: list[Path], codings, participants, organisations, s: Settings) -> tuple[pd.DataFrame, dict]:
    """Scan every excerpt in codings for identifiers (a hit stops the build), then attribute every quote.

    Returns the attributions (segment_id, attribution, level, withheld) and the book-wide quotes report.
    """
    hits = scan(codings[["segment_id", "excerpt"]], tuple(s.identifiers), tuple(s.names()))
    if len(hits):
        raise DisclosureError([Breach("all", "codings.csv (excerpts)", f"segment {h.segment_id}", "identifiers", f"{h.kind} found") for h in hits.itertuples()])
    quotes = book_quotes(stages)
    unknown = sorted(set(quotes["segment_id"]) - set(codings["segment_id"]))
    if unknown:
        raise DisclosureError([Breach(q, "quotes", f"segment {sid}", "contract", "no such segment in codings.csv")
                               for q, sid in quotes[quotes["segment_id"].isin(unknown)].itertuples(index=False)])
    table = attributions(quotes, codings, participants, organisations, s.k_anonymity, tuple(s.coarsening))
    shown = table[~table["withheld"].astype(bool)].drop_duplicates("participant_id")
    if not is_k_anonymous(shown["released"], s.k_anonymity):  # recomputed from what will be published
        raise DisclosureError([Breach("all", "quotes", "attributions", "k_anonymity", "a released attribution is shared by fewer than k people")])
    people = table.drop_duplicates("participant_id")
    report = {
        "excerpts_scanned": int(codings["excerpt"].notna().sum()),
        "identifier_kinds": list(s.identifiers),
        "identifiers_found": 0,
        "quotes": int(len(quotes)),
        "people_quoted": int(len(people)),
        "k": s.k_anonymity,
        "people_coarsened": int((people["level"] > 0).sum()),
        "people_withheld": int(people["withheld"].astype(bool).sum()),
        "by_level": {str(k): int(v) for k, v in people["level"].value_counts().sort_index().items()},
    }
    return table.drop(columns="participant_id"), report


def publish_quotes(chapter: str, quotes, attributions_table, codings, breaches: list) -> tuple[pd.DataFrame | None, dict]:
    """A chapter's quotes as published: its label columns, the excerpt and the attribution (withheld ones dropped)."""
    if quotes is None:
        return None, {}
    if attributions_table is None or codings is None:
        breaches.append(Breach(chapter, "quotes", "all", "contract", "only chapters that read codings.csv may quote"))
        return None, {}
    rows = quotes.merge(attributions_table, on="segment_id", how="left")
    rows = rows.merge(codings[["segment_id", "excerpt"]], on="segment_id", how="left")
    withheld = rows["withheld"].astype(str).str.lower().isin(["true", "1"])
    labels = [c for c in quotes.columns if c != "segment_id"]
    table = rows.loc[~withheld, [*labels, "excerpt", "attribution"]].reset_index(drop=True)
    return table, {"quotes": int(len(rows)), "published": int((~withheld).sum()), "withheld": int(withheld.sum())}
