"""Validate one study table: read it, run its pandera model lazily, then its cross-table checks."""

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow
import pyarrow.compute as pc
import pandas as pd
import pandera.pandas as pa

from goodcare import vocab
from goodcare.problems import Problem, shown_value, sort_problems
from goodcare.readcsv import TableReadError, read_table, record_lines
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


def schema_problems(err: pa.errors.SchemaErrors, name: str, lines: list[int], free_text: set[str], skip: set) -> list[Problem]:
    """Turn pandera's failure cases into one problem per failing cell (or per row, for row checks)."""
    cases = err.failure_cases
    problems, seen = [], set()
    for case in cases.itertuples(index=False):
        idx = None if pd.isna(case.index) else int(case.index)
        if (idx, case.column) in skip:
            continue  # already reported as a value of the wrong type
        check, rule = check_name(str(case.check))
        if case.schema_context == "DataFrameSchema" and idx is not None:
            key = (idx, check)
            if key in seen:
                continue  # row-wise checks come once per column; report them once per row
            seen.add(key)
            columns = ROW_CHECKS.get(str(case.check), (None, ("participant_id", "domain")))[1]
            row = err.data.loc[idx] if err.data is not None and idx in err.data.index else None
            value = ", ".join(f"{c}={shown_value(row[c])}" for c in columns if row is not None and c in row)
            problems.append(Problem(name, lines[idx], ", ".join(columns), check, rule if check != "multiple_fields_uniqueness" else "each combination appears once", value))
            continue
        line = lines[idx] if idx is not None else None
        problems.append(Problem(name, line, case.column, check, rule, shown_value(case.failure_case, case.column in free_text)))
    return problems


def positions_in(values: pd.Series, reference: pd.Series) -> np.ndarray:
    """Position of each value in the reference column, -1 where it is absent (vectorised, no Python loop)."""
    found = pc.index_in(pyarrow.array(values.astype("string[pyarrow]").array), value_set=pyarrow.array(reference.astype("string[pyarrow]").array))
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False)


def reference_problems(table: str, frame: pd.DataFrame, refs: dict[str, pd.DataFrame], name: str, lines) -> list[Problem]:
    """Foreign keys that do not resolve, and rows from people whose role does not fit the table."""
    problems = []
    for column, ref_table, ref_column in FOREIGN_KEYS.get(table, []):
        missing = positions_in(frame[column], refs[ref_table][ref_column]) < 0
        for idx in frame.index[missing]:
            problems.append(Problem(name, lines()[idx], column, "foreign_key", f"value exists in {ref_table}.{ref_column}", shown_value(frame.at[idx, column])))
    if table in ROLE_RESTRICTED:
        people = refs["participants"]
        pos = positions_in(frame["participant_id"], people["participant_id"])
        role = pd.Series(np.where(pos >= 0, people["role"].astype(object).to_numpy()[pos], None), index=frame.index)
        wrong = role.notna() & ~role.isin(ROLE_RESTRICTED[table])
        for idx in frame.index[wrong]:
            allowed = " or ".join(ROLE_RESTRICTED[table])
            problems.append(Problem(name, lines()[idx], "participant_id", "role", f"the participant's role is {allowed}", f"{shown_value(frame.at[idx, 'participant_id'])} is {role[idx]}"))
    return problems


def validate_file(table: str, path: Path, refs: dict[str, pd.DataFrame]) -> Result:
    """Validate one CSV file against its model and the validated tables it references."""
    model = MODELS[table]
    name = Path(path).name
    kinds, free_text = column_kinds(model), free_text_columns(model)
    try:
        frame, problems, failed_cells, text = read_table(path, kinds, free_text)
    except TableReadError as err:
        return Result(None, sort_problems(err.problems))
    cache: dict[str, list[int]] = {}

    def lines() -> list[int]:
        # Line numbers are only worked out when there is something to report.
        if "lines" not in cache:
            cache["lines"] = record_lines(text)
        return cache["lines"]

    try:
        model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems += schema_problems(err, name, lines(), free_text, failed_cells)
    problems += reference_problems(table, frame, refs, name, lines)
    return Result(frame, sort_problems(problems))


def validate_folder(data_dir: Path) -> dict[str, Result]:
    """Validate every table of a data folder, referenced tables first (what the workflow does, in one go)."""
    results: dict[str, Result] = {}
    for table in REFERENCES:  # declared so that every table comes after the tables it refers to
        if any(results[ref].frame is None or not results[ref].ok for ref in REFERENCES[table]):
            continue  # its references are broken; their report comes first
        refs = {ref: results[ref].frame for ref in REFERENCES[table]}
        results[table] = validate_file(table, Path(data_dir) / f"{table}.csv", refs)
    return results


def main(argv: list[str] | None = None) -> int:
    """Command line: `goodcare-validate DATA_DIR` prints every problem and exits 1 if there is any."""
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
    result = validate_file(table, Path(smk.input.csv), refs)
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
