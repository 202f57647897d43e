"""Command line and Snakemake entry points of the REFI-QDA import, export, mapping template and schema check."""

import argparse
import csv
import io
import os
import sys
from collections import Counter
from pathlib import Path

from goodcare.refi.archive import RefiError, open_export
from goodcare.refi.mapping import ID_PREFIX
from goodcare.refi.project import PATH_SEP, read_project
from goodcare.refi.schema import schema_violations
from goodcare.refi.tables import import_export
from goodcare.refi.writer import write_qdpx


def summary(report: dict) -> list[str]:
    """A few lines of counts (never names or text) for the terminal or the rule's log."""
    book = report["codebook"]
    lines = [f"{report['export']}: {book['codes_imported']} codes imported of {book['codes_in_export']} "
             f"({book['grouping_codes']} theme or sub-theme levels, {book['codes_dropped_by_mapping']} dropped by the mapping, "
             f"{book['codes_without_code_id']} without a code id and not used; {book['labels_shortened']} labels and "
             f"{book['definitions_shortened']} definitions shortened to the codebook's limits)"]
    if "codings" in report:
        c = report["codings"]
        lines.append(f"{c['segments']} coded segments from {c['participants']} participants "
                     f"({c['sources_used']} of {c['sources_in_export']} sources used, {c['sources_dropped_by_mapping']} dropped by the mapping)")
        ex = report["excerpts"]
        lines.append(f"excerpts: {'included' if ex['included'] else 'not imported (use --with-excerpts)'}"
                     + (f" ({ex['unavailable']} not in the export, {ex['shortened']} shortened, {ex['out_of_range']} with positions "
                          "outside their text: start after end, negative or past the end)" if ex["included"] else ""))
        if ex["included"]:
            lines.append(f"warning: excerpts are free text that may identify people; identifier scan {ex['identifier_scan']}")
    dropped = ", ".join(f"{k} {v}" for k, v in report["dropped"].items() if v is not True)
    lines.append(f"dropped: {dropped}; source and case names")
    if report["schema_violations_passed_over"]:
        lines.append(f"schema violations outside what is imported, passed over: {len(report['schema_violations_passed_over'])}")
    if report["mapping"]["rows_matching_nothing"]:
        lines.append(f"mapping rows matching nothing (lines): {report['mapping']['rows_matching_nothing']}")
    lines.append(f"wrote {', '.join(report['written'])}")
    return lines


def mapping_template(path: Path) -> str:
    """A mapping.csv listing every source, case and codable code of an export, targets to fill in."""
    export = open_export(path)
    project = read_project(export)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["kind", "name", "target", "theme", "sub_theme"])
    names = Counter(s.name for s in project.sources.values())
    writer.writerow(["# target: a participant id (P0001) or drop; keep this file with the export, never in data/"])
    for src in project.sources.values():
        # A name shared by two sources cannot pick one out: the GUID can.
        writer.writerow(["source", src.name if src.name and names[src.name] == 1 else src.guid, "", "", ""])
    for case in project.cases:
        writer.writerow(["case", case.name or case.guid, "", "", ""])
    writer.writerow(["# target: a code id (INN01) or drop; theme and sub_theme default to the tree's first two levels"])
    for code in project.codes.values():
        if code.codable:
            prefixed = ID_PREFIX.match(code.path[-1])
            writer.writerow(["code", PATH_SEP.join(code.path), prefixed.group(1) if prefixed else "", "", ""])
    return out.getvalue()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m goodcare.refi", description="REFI-QDA (.qdpx/.qde/.qdc) import and export.")
    sub = p.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="export from a QDA tool -> codebook.csv and codings.csv")
    imp.add_argument("export", type=Path)
    imp.add_argument("--mapping", type=Path, help="mapping.csv (default: the case variable participant_id)")
    imp.add_argument("--out", type=Path, required=True, help="folder to write codebook.csv and codings.csv to")
    imp.add_argument("--with-excerpts", action="store_true", help="also import the coded text (not scanned for identifiers yet)")
    imp.add_argument("--participants", type=Path, help="participants.csv to check ids against (default: OUT/participants.csv)")
    imp.add_argument("--report", type=Path, help="write the import report (JSON, counts only) here")
    imp.add_argument("--force", action="store_true", help="replace codebook.csv and codings.csv if OUT holds them already")
    imp.add_argument("--allow-no-codings", action="store_true", help="write a codings.csv without rows when the export has no codings")
    exp = sub.add_parser("export", help="codebook.csv and codings.csv -> a .qdpx to open in a QDA tool")
    exp.add_argument("data_dir", type=Path)
    exp.add_argument("--out", type=Path, required=True)
    tpl = sub.add_parser("template", help="write a mapping.csv to fill in, listing the export's sources, cases and codes")
    tpl.add_argument("export", type=Path)
    tpl.add_argument("--out", type=Path, required=True)
    chk = sub.add_parser("check", help="list every schema violation of an export")
    chk.add_argument("export", type=Path)
    return p


def run(args: argparse.Namespace) -> int:
    """Run one command; print results; return the exit code."""
    if args.command == "import":
        report = import_export(args.export, args.mapping, args.out, args.with_excerpts, args.participants, args.report,
                               force=args.force, allow_no_codings=args.allow_no_codings)
        print("\n".join(summary(report)))
    elif args.command == "export":
        print(f"wrote {write_qdpx(args.data_dir, args.out).name}")
    elif args.command == "template":
        if args.out.exists():
            raise RefiError(args.out.name, None, "exists already; not overwritten (it may hold your mapping)")
        args.out.write_text(mapping_template(args.export), encoding="utf-8")
        print(f"wrote {args.out.name}: fill in the target column")
    else:
        violations = schema_violations(open_export(args.export))
        for v in violations:
            print(f"{args.export.name}: {v.as_text()}{'' if v.fatal else ' (outside what is imported)'}")
        print(f"{args.export.name}: {len(violations)} schema violation(s)")
        return 1 if any(v.fatal for v in violations) else 0
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line: every failure is one line on stderr and a non-zero exit code, never a traceback."""
    args = parser().parse_args(argv)
    try:
        return run(args)
    except RefiError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"error: {Path(err.filename or '?').name}: {err.strerror or type(err).__name__}", file=sys.stderr)
        return 1
    except Exception as err:  # a bug: say where to look without echoing data the message might hold
        if os.environ.get("GOODCARE_DEBUG"):
            raise
        print(f"error: unexpected {type(err).__name__}; rerun with GOODCARE_DEBUG=1 to see the traceback", file=sys.stderr)
        return 2


def run_rule(smk) -> None:
    """Snakemake: import config['qdpx'] into the rule's outputs; the log gets counts, or the one-line error."""
    from goodcare.outputs import write_json
    from goodcare.records import record
    from goodcare.runner import log_to

    log = log_to(smk.log[0])
    out_dir = Path(smk.output.codebook).parent
    mapping = smk.input.get("mapping")
    try:
        report = import_export(Path(smk.input.qdpx), Path(mapping) if mapping else None, out_dir, False,
                               Path(smk.input.participants), Path(smk.params.report), force=True)
    except RefiError as err:
        log.error(str(err))
        # The author sees the one line in the console too, not only in the log (Snakemake shows the exit status).
        print(f"import_qdpx: {err}", file=sys.__stderr__)
        raise SystemExit(1) from None
    for line in summary(report):
        log.info(line)
    code = list(smk.input.code)
    data = [p for p in smk.input if p not in set(code)]
    rec = record(smk.rule, "scripts/import_qdpx.py", data, [p for p in smk.output if p != smk.output.record],
                 dict(smk.params.items()), code)
    # The export and the mapping may sit below a home folder: the record names them by file name (and hash) only.
    private = {Path(p).as_posix() for p in [smk.input.qdpx, mapping] if p}
    rec["inputs"] = {(Path(k).name if k in private else k): v for k, v in rec["inputs"].items()}
    write_json(rec, smk.output.record)
