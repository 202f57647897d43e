"""Published text stays text: markdown escaping, code spans, spreadsheet formulas, and the chapters that use them."""

import shutil

import pandas as pd
import pytest

from conftest import ROOT
from goodcare import book, qmd
from goodcare.markup import md_code, md_text, neutralise_formulas, restore_formula

HOSTILE = "*Bold* <script>alert(1)</script> [link](http://x.example) @fig-x $x^2$ | pipe & `code` #tag ~sub~"


@pytest.mark.parametrize("markup", ["*", "<", "[", "@", "$", "|", "&", "`", "#", "~", "_", "^", "{", "\\"])
def test_every_markup_character_is_escaped(markup):
    assert md_text(f"a{markup}b") == f"a\\{markup}b"


@pytest.mark.parametrize("text,escaped", [("1. first", "1\\. first"), ("- item", "\\- item"), ("> quote", "\\> quote"),
                                          ("3.5 is fine - mid-line", "3.5 is fine - mid-line")])
def test_block_openers_are_escaped_only_where_they_open_a_block(text, escaped):
    assert md_text(text) == escaped


def test_text_is_one_line_and_code_spans_hold_backticks():
    assert md_text("two\nlines") == "two lines"
    assert md_code("a`b") == "``a`b``" and md_code("`x") == "`` `x ``"


def test_formulas_are_neutralised_for_spreadsheets_and_restored_for_readers():
    frame = pd.DataFrame({"text": ["=SUM(A1)", "+1", "-2", "@cmd", "plain", None], "n": [1, -2, 3, 4, 5, 6]})
    safe = neutralise_formulas(frame)
    assert safe["text"].tolist()[:5] == ["'=SUM(A1)", "'+1", "'-2", "'@cmd", "plain"]
    assert safe["n"].tolist() == [1, -2, 3, 4, 5, 6]  # numbers are numbers, not text
    assert [restore_formula(v) for v in safe["text"]][:5] == frame["text"].tolist()[:5]
    assert restore_formula("'quoted") == "'quoted"  # an apostrophe the author wrote stays


def test_markdown_tables_escape_cells_but_not_markup_columns():
    table = book.markdown_table(pd.DataFrame({"Label": [HOSTILE], "Tested in": ["@sec-outcomes"]}), markup=("Tested in",))
    assert "<script>" not in table and "\\<script\\>" in table and "\\@fig-x" in table and "\\|" in table
    assert "| @sec-outcomes" in table


def test_hostile_codebook_text_reaches_the_appendix_as_text(built_results, tmp_path):
    results = tmp_path / "results"
    shutil.copytree(built_results, results)
    path = results / "tables" / "appendices" / "innovation-codes.csv"
    codes = pd.read_csv(path, dtype=str, keep_default_na=False)
    codes.loc[0, "Label"] = HOSTILE
    codes.loc[1, "Definition"] = "=HYPERLINK(\"http://x.example\")"
    neutralise_formulas(codes).to_csv(path, index=False)
    chapter = qmd.parse(ROOT / "chapters" / "a3-innovation-codes.qmd")
    shown = "\n".join(qmd.execute(chapter, {"GOODCARE_RESULTS": str(results)}))
    assert "\\<script\\>alert(1)\\</script\\>" in shown and "<script>" not in shown
    assert "\\[link\\](http://x.example)" in shown and "\\@fig-x" in shown
    assert "=HYPERLINK" in shown and "'=HYPERLINK" not in shown  # the reader sees the text, not the apostrophe


@pytest.mark.parametrize("text", ["= heading", "- item", "+ item", "/ term: x", "1. first", "== two"])
def test_table_cells_that_would_open_a_typst_block_are_made_inert_for_typst(text):
    cell = book.md_cell(text)
    assert cell.startswith(book.TYPST_INERT) and cell.endswith(" ".join(md_text(text).split()))


@pytest.mark.parametrize("text", ["plain", "-0.45 (-1.20 to 0.31)", "12 (34%)", "0.5", "mid - dash"])
def test_ordinary_cells_are_not_prefixed(text):
    assert book.md_cell(text) == md_text(text)


def test_dash_runs_stay_hyphens():
    assert md_text("<!-- c -->") == "\\<!\\-\\- c \\-\\-\\>" and md_text("a - b") == "a - b"
