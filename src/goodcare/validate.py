"""Validate one study table: read it, run its pandera model lazily, then its cross-table checks."""

import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow
import pyarrow.compute as pc
import pandas as pd
import pandera.pandas as pa

from goodcare import vocab
from goodcare.problems import Problem, ProblemLimit, shown_value, sort_problems
from goodcare.readcsv import TableReadError, read_table
from goodcare.schemas import MODELS, ROW_CHECKS, column_kinds, free_text_columns

# Tables each table refers to; its rule reads their validated versions.
REFERENCES = {
    "organisations": (),
    "participants": ("organisations",),
    "outcomes": ("participants",),
    "experience": ("participants",),
    "codebook": (),
    "codings": ("participants", "codebook"),
}
# (column, referenced table, referenced column)
FOREIGN_KEYS = {
    "participants": [("org_id", "organisations", "org_id")],
    "outcomes": [("participant_id", "participants", "participant_id")],
    "experience": [("participant_id", "participants", "participant_id")],
    "codings": [("participant_id", "participants", "participant_id"), ("code_id", "codebook", "code_id")],
}
# pandera checks this many rows at a time, so a file of bad rows costs one chunk's failure cases in memory, and
# checking stops at the first chunk that fills the problem cap. Uniqueness is checked across the whole file.
CHUNK_ROWS = 50_000
# Tables whose rows must come from people using services or carers.
ROLE_RESTRICTED = {"outcomes": vocab.SERVICE_USER_ROLES, "experience": vocab.SERVICE_USER_ROLES}


@dataclass
class Result:
    """The typed frame (None if unreadable), every problem found, and the row count."""

    frame: pd.DataFrame | None
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_name(check: str) -> tuple[str, str]:
    """Split pandera's check text into a short name and the rule it states."""
    if check in ROW_CHECKS:
        return ROW_CHECKS[check][0], check
    name = check.split("(", 1)[0]
    return name, check.replace("not_nullable", "a value is required").replace("field_uniqueness", "values are unique")


def schema_problems(err: pa.errors.SchemaErrors, name: str, lines: list[int], free_text: set[str], skip: dict, limit: ProblemLimit) -> None:
    """Turn pandera's failure cases into one problem per failing cell (or per row, for row checks), capped."""
    cases = without_reported(err.failure_cases, skip)
    # Only the first cases of each column and check can be listed: the rest are counted without a Python loop.
    rank = cases.groupby(["column", "check"], dropna=False, sort=False).cumcount()
    count_unlisted(cases[rank >= limit.per_column], limit)
    seen = set()
    for case in cases[rank < limit.per_column].itertuples(index=False):
        idx = None if pd.isna(case.index) else int(case.index)
        check, rule = check_name(str(case.check))
        if case.schema_context == "DataFrameSchema" and idx is not None:
            key = (idx, check)
            if key in seen:
                continue  # row-wise checks come once per column; report them once per row
            seen.add(key)
            columns = ROW_CHECKS.get(str(case.check), (None, ("participant_id", "domain")))[1]
            where = ", ".join(columns)
            if not limit.room(where):
                limit.count(where, 1)
                continue
            row = err.data.loc[idx] if err.data is not None and idx in err.data.index else None
            value = ", ".join(f"{c}={shown_value(row[c])}" for c in columns if row is not None and c in row)
            limit.add(Problem(name, lines[idx], where, check, rule if check != "multiple_fields_uniqueness" else "each combination appears once", value))
            continue
        if not limit.room(case.column):
            limit.count(case.column, 1)
            continue
        line = lines[idx] if idx is not None else None
        limit.add(Problem(name, line, case.column, check, rule, shown_value(case.failure_case, case.column in free_text)))


def without_reported(cases: pd.DataFrame, skip: dict) -> pd.DataFrame:
    """Failure cases minus the cells already reported (a value of the wrong type, a field too long)."""
    index = pd.to_numeric(cases["index"], errors="coerce")
    drop = np.zeros(len(cases), dtype=bool)
    for column, mask in skip.items():
        at = (cases["column"] == column).to_numpy(dtype=bool) & index.notna().to_numpy()
        if at.any() and mask.any():
            drop[at] = mask[index[at].astype(int).to_numpy()]
    return cases[~drop]


def count_unlisted(cases: pd.DataFrame, limit: ProblemLimit) -> None:
    """Count failure cases that will not be listed: one per cell, or one per row for row-wise checks."""
    rowwise = (cases["schema_context"] == "DataFrameSchema") & cases["index"].notna()
    for column, n in cases[~rowwise].groupby("column", dropna=False).size().items():
        limit.count(None if pd.isna(column) else column, int(n))
    for check, n in cases[rowwise].drop_duplicates(["index", "check"]).groupby("check").size().items():
        columns = ROW_CHECKS.get(str(check), (None, ("participant_id", "domain")))[1]
        limit.count(", ".join(columns), int(n))


@cache
def chunk_schema(table: str) -> pa.DataFrameSchema:
    """The table's schema without its uniqueness checks, which a chunk of rows cannot decide alone."""
    schema = MODELS[table].to_schema()
    stripped = schema.update_columns({name: {"unique": False} for name, col in schema.columns.items() if col.unique})
    stripped.unique = None
    return stripped


def unique_problems(table: str, frame: pd.DataFrame, name: str, lines, free_text: set[str], skip: dict, limit: ProblemLimit) -> None:
    """Values (or combinations) that appear more than once in the whole file, reported as pandera words them."""
    schema = MODELS[table].to_schema()
    for column, col in schema.columns.items():
        if not col.unique:
            continue
        dup = frame[column].duplicated(keep=False).to_numpy(dtype=bool) & ~skip[column]
        where = dup.nonzero()[0]
        room = limit.room(column)
        for i in where[:room]:
            limit.add(Problem(name, lines()[i], column, "field_uniqueness", "values are unique", shown_value(frame.at[i, column], column in free_text)))
        limit.count(column, max(0, len(where) - room))
    if schema.unique:
        columns = list(schema.unique)
        where_cols = ", ".join(columns)
        dup = frame.duplicated(subset=columns, keep=False).to_numpy(dtype=bool) & ~skip[columns[0]]
        where = dup.nonzero()[0]
        room = limit.room(where_cols)
        for i in where[:room]:
            value = ", ".join(f"{c}={shown_value(frame.at[i, c])}" for c in columns)
            limit.add(Problem(name, lines()[i], where_cols, "multiple_fields_uniqueness", "each combination appears once", value))
        limit.count(where_cols, max(0, len(where) - room))


def model_problems(table: str, frame: pd.DataFrame, name: str, lines, free_text: set[str], skip: dict, limit: ProblemLimit) -> None:
    """Run the table's pandera checks a chunk of rows at a time, stopping once the cap is reached, then uniqueness."""
    schema = chunk_schema(table)
    for start in range(0, max(len(frame), 1), CHUNK_ROWS):
        try:
            schema.validate(frame.iloc[start:start + CHUNK_ROWS], lazy=True)
        except pa.errors.SchemaErrors as err:
            schema_problems(err, name, lines(), free_text, skip, limit)
        end = start + CHUNK_ROWS
        if limit.full and end < len(frame):
            limit.stop(lines()[end])  # the first line not checked
            return
    unique_problems(table, frame, name, lines, free_text, skip, limit)


def positions_in(values: pd.Series, reference: pd.Series) -> np.ndarray:
    """Position of each value in the reference column, -1 where it is absent (vectorised, no Python loop)."""
    found = pc.index_in(pyarrow.array(values.astype("string[pyarrow]").array), value_set=pyarrow.array(reference.astype("string[pyarrow]").array))
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False)


def reference_problems(table: str, frame: pd.DataFrame, refs: dict[str, pd.DataFrame], name: str, lines, limit: ProblemLimit) -> None:
    """Foreign keys that do not resolve, and rows from people whose role does not fit the table (capped)."""
    for column, ref_table, ref_column in FOREIGN_KEYS.get(table, []):
        missing = frame.index[positions_in(frame[column], refs[ref_table][ref_column]) < 0]
        room = limit.room(column)
        for idx in missing[:room]:
            limit.add(Problem(name, lines()[idx], column, "foreign_key", f"value exists in {ref_table}.{ref_column}", shown_value(frame.at[idx, column])))
        limit.count(column, max(0, len(missing) - room))
    if table in ROLE_RESTRICTED:
        people = refs["participants"]
        pos = positions_in(frame["participant_id"], people["participant_id"])
        role = pd.Series(np.where(pos >= 0, people["role"].astype(object).to_numpy()[pos], None), index=frame.index)
        wrong = frame.index[role.notna() & ~role.isin(ROLE_RESTRICTED[table])]
        room = limit.room("participant_id")
        allowed = " or ".join(ROLE_RESTRICTED[table])
        for idx in wrong[:room]:
            limit.add(Problem(name, lines()[idx], "participant_id", "role", f"the participant's role is {allowed}", f"{shown_value(frame.at[idx, 'participant_id'])} is {role[idx]}"))
        limit.count("participant_id", max(0, len(wrong) - room))


def validate_file(table: str, path: Path, refs: dict[str, pd.DataFrame]) -> Result:
    """Validate one CSV file against its model and the validated tables it references (problems capped)."""
    model = MODELS[table]
    name = Path(path).name
    kinds, free_text = column_kinds(model), free_text_columns(model)
    try:
        frame, limit, reported, lines = read_table(path, kinds, free_text)
        model_problems(table, frame, name, lines, free_text, reported, limit)
        if limit.stopped_at is None:
            reference_problems(table, frame, refs, name, lines, limit)
    except TableReadError as err:
        return Result(None, sort_problems(err.problems))
    return Result(frame, limit.problems())


def validate_folder(data_dir: Path) -> dict[str, Result]:
    """Validate every table of a data folder, referenced tables first (what the workflow does, in one go)."""
    results: dict[str, Result] = {}
    for table in REFERENCES:  # declared so that every table comes after the tables it refers to
        if any(ref not in results or results[ref].frame is None or not results[ref].ok for ref in REFERENCES[table]):
            continue  # its references are broken; their report comes first
        refs = {ref: results[ref].frame for ref in REFERENCES[table]}
        results[table] = validate_file(table, Path(data_dir) / f"{table}.csv", refs)
    return results


def main(argv: list[str] | None = None) -> int:
    """Command line: `goodcare-validate DATA_DIR` prints every problem and exits 1 if there is any; every failure
    is a report or one line, never a traceback."""
    import os

    try:
        return check_folder(argv)
    except Exception as err:  # a bug: say where to look without echoing data the message might hold
        if os.environ.get("GOODCARE_DEBUG"):
            raise
        print(f"goodcare-validate: unexpected {type(err).__name__}; rerun with GOODCARE_DEBUG=1 to see the traceback", file=sys.stderr)
        return 2


def check_folder(argv: list[str] | None = None) -> int:
    """Validate the folder named on the command line and print the reports; return the exit code."""
    import argparse

    from goodcare.problems import format_report

    parser = argparse.ArgumentParser(description="Validate the study tables of a data folder.")
    parser.add_argument("data_dir", type=Path)
    args = parser.parse_args(argv)
    if not args.data_dir.is_dir():
        print(f"goodcare-validate: {args.data_dir} is not a folder: give the folder that holds the study tables "
              f"({', '.join(f'{t}.csv' for t in REFERENCES)}).", file=sys.stderr)
        return 2
    results = validate_folder(args.data_dir)
    failed = {t: r for t, r in results.items() if not r.ok}
    for table, result in failed.items():
        print(format_report(table, result.problems))
    skipped = [t for t in REFERENCES if t not in results]
    if skipped:
        print(f"Not checked until the tables they refer to are valid: {', '.join(skipped)}")
    if not failed and not skipped:
        print(f"All {len(results)} tables are valid.")
    return 1 if failed or skipped else 0


def run_validation(smk) -> None:
    """Snakemake: validate one table; write its typed parquet and summary, or report every problem and exit 1."""
    import sys

    from goodcare.outputs import write_json
    from goodcare.problems import format_report, write_json_report
    from goodcare.records import write_record
    from goodcare.runner import log_to

    log = log_to(smk.log[0])
    table = smk.wildcards.table
    refs = {name: pd.read_parquet(smk.input[name]) for name in REFERENCES[table]}
    try:
        result = validate_file(table, Path(smk.input.csv), refs)
    except Exception as err:  # a bug: the console says so in one line (the log has the traceback)
        import traceback

        # Where it failed, never the exception's message: it may quote a value.
        log.error("validation of %s failed: %s at\n%s", table, type(err).__name__, "".join(traceback.format_tb(err.__traceback__)))
        print(f"Validation of '{table}' stopped on an unexpected {type(err).__name__}; the traceback is in {smk.log[0]}", file=sys.__stderr__)
        sys.exit(1)
    n_rows = None if result.frame is None else len(result.frame)
    write_json_report(Path(smk.params.report), table, result.problems, n_rows)
    if not result.ok:
        report = format_report(table, result.problems) + f"\nFull report: {smk.params.report}"
        log.error(report)
        print(report, file=sys.__stderr__)  # the author sees it in the console, not only in the log
        sys.exit(1)
    result.frame.to_parquet(smk.output.parquet, index=False)
    schema = MODELS[table].to_schema()
    checks = sum(len(c.checks) for c in schema.columns.values()) + len(schema.checks)
    write_json({"table": table, "file": Path(smk.input.csv).name, "rows": n_rows, "columns": len(schema.columns), "column_checks": checks, "valid": True}, smk.output.summary)
    write_record(smk, "scripts/validate_table.py", smk.output.record)
    log.info("%s: %d rows valid", table, n_rows)


if __name__ == "__main__":
    raise SystemExit(main())
