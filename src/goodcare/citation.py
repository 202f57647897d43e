"""How to cite the compendium: CITATION.cff read once and written as text and BibTeX for the book."""

import re
from pathlib import Path

import yaml

from goodcare.markup import md_text

CITATION = "CITATION.cff"


def load_citation(path: Path) -> dict:
    """The citation metadata of a CITATION.cff file."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def author_names(cff: dict) -> list[str]:
    """Each author as cited: an entity by its name, a person as 'Given Family'."""
    return [a.get("name") or " ".join(p for p in (a.get("given-names"), a.get("family-names")) if p) for a in cff["authors"]]


def bibtex(cff: dict) -> str:
    """A BibTeX entry for the compendium (entities in double braces, so BibTeX never splits them)."""
    names = " and ".join(f"{{{n}}}" if "name" in a else n for n, a in zip(author_names(cff), cff["authors"]))
    key = "-".join(re.findall(r"[a-z0-9]+", cff["title"].lower())[:5])  # the title's first words
    fields = [("title", f"{{{cff['title']}}}"), ("author", f"{{{names}}}"), ("version", f"{{{cff['version']}}}")]
    fields += [(name, f"{{{cff[key_]}}}") for name, key_ in (("license", "license"), ("url", "repository-code")) if cff.get(key_)]
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@software{{{key},\n{body}\n}}"


def citation_markdown(cff: dict) -> str:
    """The 'How to cite' text of the book: one sentence and the BibTeX entry, every value as literal text."""
    sentence = f"{md_text(', '.join(author_names(cff)))}. *{md_text(cff['title'])}*. Version {md_text(cff['version'])}."
    fence = "`" * max(3, max((len(r) for r in re.findall(r"`+", bibtex(cff))), default=0) + 1)
    return f"Cite this compendium as: {sentence}\n\n{fence}bibtex\n{bibtex(cff)}\n{fence}\n"
