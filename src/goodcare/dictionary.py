"""The data dictionary, generated from the pandera models: every column's type, rule and meaning."""

import re

import pandas as pd

from goodcare.markup import MARKUP, md_code, md_text

from goodcare.schemas import MODELS, ROW_CHECKS, column_kinds

KIND_NAMES = {"int": "integer", "float": "number", "bool": "true/false", "str": "text"}


def check_text(check) -> str:
    """One pandera check as a short rule a reader understands."""
    st, name = check.statistics, check.name
    if name == "isin":
        return "one of " + ", ".join(md_code(v) for v in st["allowed_values"])
    if name == "str_matches":
        return f"pattern {md_code(st['pattern'])}"
    if name == "str_length":
        return f"length {st.get('min_value') or 0} to {st.get('max_value')}"
    symbols = {"greater_than_or_equal_to": ("at least", "min_value"), "greater_than": ("more than", "min_value"),
               "less_than_or_equal_to": ("at most", "max_value"), "less_than": ("less than", "max_value")}
    if name in symbols:
        symbol, key = symbols[name]
        return f"{symbol} {st[key]:g}" if isinstance(st[key], (int, float)) else f"{symbol} {st[key]}"
    return name


def table_dictionary(table: str) -> pd.DataFrame:
    """One row per column of a table: column, type, allowed values or range, missing allowed, meaning."""
    model = MODELS[table]
    schema, kinds = model.to_schema(), column_kinds(model)
    rows = []
    for name, col in schema.columns.items():
        rules = [check_text(c) for c in col.checks] + (["unique"] if col.unique else [])
        rows.append({"column": name, "type": KIND_NAMES[kinds[name]], "allowed": "; ".join(rules) or "any",
                     "missing": "allowed" if col.nullable else "not allowed", "meaning": col.description})
    return pd.DataFrame(rows)


def table_rules(table: str) -> list[str]:
    """Rules that span columns or tables, in words (row checks of the model)."""
    names = {check.name for check in MODELS[table].to_schema().checks}
    return [error for error, (name, _) in ROW_CHECKS.items() if name in names]


def markdown(table: str) -> str:
    """The dictionary of one table as a markdown pipe table, with its cross-column rules below."""
    frame = table_dictionary(table)
    frame["column"] = frame["column"].map(md_code)
    # Values, ranges and meanings are published as text; patterns and column names are code spans.
    for column in ("type", "missing", "meaning"):
        frame[column] = frame[column].map(md_text)
    frame["allowed"] = frame["allowed"].map(escape_rule)
    text = frame.to_markdown(index=False)
    rules = table_rules(table)
    return text + ("\n\nAlso checked: " + md_text("; ".join(rules) + ".") if rules else "")


def markdown_list(table: str) -> str:
    """The dictionary of one table as a list, one entry per column (reads well on the site and on an A4 page,
    where five columns of code and prose would not fit)."""
    entries = []
    for row in table_dictionary(table).itertuples():
        required = "may be missing" if row.missing == "allowed" else "required"
        entries.append(f"- {md_code(row.column)} ({md_text(row.type)}, {required}): {md_text(row.meaning)}"
                       + ("" if row.allowed == "any" else f" Allowed: {escape_rule(row.allowed)}."))
    rules = table_rules(table)
    return "\n".join(entries) + ("\n\nAlso checked: " + md_text("; ".join(rules) + ".") if rules else "")


def escape_rule(rule: str) -> str:
    """An `allowed` entry as markdown: its code spans kept, everything else escaped as text."""
    parts = re.split(r"(`[^`]*`)", rule)
    return "".join(part if part.startswith("`") else MARKUP.sub(r"\\\1", part) for part in parts)


def readme_section() -> str:
    """The column documentation of data/README.md (kept in step with the schemas by a test)."""
    parts = []
    for table, model in MODELS.items():
        parts.append(f"### `{table}.csv`\n\n{model.__doc__}\n\n{markdown(table)}\n")
    return "\n".join(parts)


def main() -> None:
    """Print the README section (python -m goodcare.dictionary)."""
    print(readme_section(), end="")


if __name__ == "__main__":
    main()
