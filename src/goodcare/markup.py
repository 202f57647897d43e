"""Published text stays text: escaped for pandoc markdown, neutralised for spreadsheets."""

import re

import pandas as pd

# ASCII punctuation that pandoc's markdown reads as markup anywhere on a line (emphasis, code, links and
# spans, attributes, raw HTML, entities, math, citations, sub/superscript, tables, headers). A backslash
# makes each one literal in every output format.
MARKUP = re.compile(r"([\\`*_{}\[\]<>&$@~^|#])")
# At the start of a block these open a list, a quote, a header underline or a fenced div: "- ", "+ ",
# "> ", "= ", ": ", "1. ", "2) ". Only the first character (or the number's mark) needs the backslash.
BLOCK_START = re.compile(r"^(?:([-+>=:])|(\d+)([.)])(?=\s|$))")
# Two or more hyphens would be set as a dash by pandoc's smart typography ("<!--" would read "<!–").
DASHES = re.compile(r"-{2,}")
# A cell that starts with one of these is run as a formula by spreadsheet programs (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def md_text(value) -> str:
    """A value as literal markdown text on one line (a newline would end a table row or a block quote)."""
    text = MARKUP.sub(r"\\\1", " ".join(str(value).split()))
    text = DASHES.sub(lambda m: "\\-" * len(m[0]), text)
    return BLOCK_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text)


def md_code(value) -> str:
    """A value as inline code, with a fence longer than any run of backticks inside it."""
    text = " ".join(str(value).split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def neutralise_formula(value):
    """A text value a spreadsheet would run as a formula, made inert by a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a frame whose text cells and headers cannot run as spreadsheet formulas (numbers untouched)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise_formula)
    out.columns = [neutralise_formula(str(c)) for c in out.columns]
    return out


def restore_formula(value):
    """The text as written, from a published CSV cell neutralised by `neutralise_formula` (for display)."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value
