"""The data dictionary, generated from the pandera models: every column's type, rule and meaning."""

import pandas as pd

from goodcare.schemas import MODELS, ROW_CHECKS, column_kinds

KIND_NAMES = {"int": "integer", "float": "number", "bool": "true/false", "str": "text"}


def check_text(check) -> str:
    """One pandera check as a short rule a reader understands."""
    st, name = check.statistics, check.name
    if name == "isin":
        return "one of " + ", ".join(str(v) for v in st["allowed_values"])
    if name == "str_matches":
        return f"pattern {st['pattern']}"
    if name == "str_length":
        return f"length {st.get('min_value') or 0} to {st.get('max_value')}"
    symbols = {"greater_than_or_equal_to": (">=", "min_value"), "greater_than": (">", "min_value"),
               "less_than_or_equal_to": ("<=", "max_value"), "less_than": ("<", "max_value")}
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
    frame["column"] = "`" + frame["column"] + "`"
    text = frame.to_markdown(index=False)
    rules = table_rules(table)
    return text + ("\n\nAlso checked: " + "; ".join(rules) + "." if rules else "")


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
