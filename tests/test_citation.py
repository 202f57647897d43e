"""How to cite: CITATION.cff is valid Citation File Format, agrees with the package and the book, and the
site shows it (as text, BibTeX and Google Scholar tags)."""

import json
import tomllib

import yaml
from jsonschema import Draft7Validator

from conftest import ROOT
from goodcare import citation

SCHEMA = ROOT / "tests" / "schemas" / "citation-file-format-1.2.0.json"


def cff() -> dict:
    """The project's citation metadata."""
    return citation.load_citation(ROOT / citation.CITATION)


def test_citation_file_is_valid_citation_file_format():
    validator = Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert [e.message for e in validator.iter_errors(cff())] == []


def test_the_schema_rejects_a_citation_without_authors():
    broken = {k: v for k, v in cff().items() if k != "authors"}
    assert not Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).is_valid(broken)


def test_citation_agrees_with_the_package_and_the_book():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    quarto = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    assert cff()["version"] == project["version"] == quarto["citation"]["version"]
    assert cff()["license"] == project["license"]["text"]
    assert citation.author_names(cff()) == [quarto["citation"]["author"]] == [quarto["book"]["author"]]


def test_cited_text_is_literal_markdown():
    hostile = {"title": "*Bold* <script>x</script> [a](javascript:x)", "version": "1", "authors": [{"name": "A_b_"}]}
    text = citation.citation_markdown(hostile).split("\n\n")[0]
    assert "<script>" not in text and "\\<script\\>" in text and "\\*Bold\\*" in text and "\\[a\\]" in text


def test_bibtex_keeps_an_entity_whole_and_names_a_person():
    entry = citation.bibtex({"title": "T", "version": "2", "authors": [{"name": "The team"},
                                                                   {"given-names": "Jo", "family-names": "Bloggs"}]})
    assert "author = {{The team} and Jo Bloggs}" in entry and entry.startswith("@software{t,")


def test_the_site_shows_how_to_cite(book_dir):
    html = (book_dir / "index.html").read_text(encoding="utf-8")
    assert 'id="how-to-cite"' in html
    assert "@software{what-size-is-good-care" in html
    assert '<meta name="citation_title" content="What size is good care?">' in html
