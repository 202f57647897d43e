"""Turn an export and its mapping into the codebook and codings tables, validated, plus a report of what was dropped."""

import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from goodcare.refi.archive import RefiError, open_export
from goodcare.refi.excerpts import excerpt_of
from goodcare.refi.mapping import DROP, read_mapping, resolve_participants, study_code
from goodcare.refi.project import Project, read_project
from goodcare.refi.schema import check_schema
from goodcare.validate import validate_file

SCAN_NOTE = ("not run by this import: the workflow's disclosure gate (rule disclose_quotes) scans every excerpt of "
             "codings.csv for identifiers before anything is published, and a hit stops the build")
LISTED = 5  # elements named in one error line
# codebook.label and codebook.definition limits (schemas.Codebook): longer ones (normal in MAXQDA) are shortened
# with an ellipsis, and counted in the report, rather than stopping the import.
MAX_LABEL, MAX_DEFINITION = 80, 1000


def shortened(text: str, limit: int) -> tuple[str, bool]:
    """The text cut to `limit` characters with a closing ellipsis, and whether it was cut."""
    return (text, False) if len(text) <= limit else (text[: limit - 1] + "\u2026", True)


def listing(wheres: list[str]) -> str:
    """A few element paths, and how many more."""
    more = f" and {len(wheres) - LISTED} more" if len(wheres) > LISTED else ""
    return "; ".join(wheres[:LISTED]) + more


def build_codebook(project: Project, mapping, file: str) -> tuple[pd.DataFrame, dict, dict]:
    """Codebook rows in code-tree order, what each REFI code became, and counts for the report."""
    targets, rows, seen = {}, [], {}
    cut = {"labels_shortened": 0, "definitions_shortened": 0}
    for code in project.codes.values():
        target = study_code(code, mapping, file)
        targets[code.guid] = target
        if target is None or target == DROP:
            continue
        if target.code_id in seen:
            raise RefiError(file, code.where, f"code id {target.code_id} is also given to the code at {seen[target.code_id]}")
        seen[target.code_id] = code.where
        label, label_cut = shortened(target.label, MAX_LABEL)
        definition, definition_cut = shortened(target.definition, MAX_DEFINITION)
        cut["labels_shortened"] += label_cut
        cut["definitions_shortened"] += definition_cut
        rows.append({"code_id": target.code_id, "theme": target.theme, "sub_theme": target.sub_theme,
                     "label": label, "definition": definition})
    frame = pd.DataFrame(rows, columns=["code_id", "theme", "sub_theme", "label", "definition"])
    counts = {"codes_in_export": len(project.codes), "codes_imported": len(rows),
              "codes_dropped_by_mapping": sum(t == DROP for t in targets.values()),
              "grouping_codes": sum(t is None and project.codes[g].has_children for g, t in targets.items()),
              "codes_without_code_id": sum(t is None and not project.codes[g].has_children for g, t in targets.items()),
              "definitions_from_label": sum(1 for t in targets.values() if t not in (None, DROP) and t.from_label), **cut}
    return frame, targets, counts


def build_codings(project: Project, mapping, targets: dict, file: str, with_excerpts: bool) -> tuple[pd.DataFrame, dict]:
    """One row per selection and code, numbered S0001... in reading order (source, then position)."""
    # Nothing coded, nothing to attribute: an export without codings needs no participant mapping.
    coded = any(s.codes for s in project.selections.values())
    people = resolve_participants(project, mapping, file) if coded else {s: None for s in project.selections}
    unknown = [s.where for s in project.selections.values() for c in s.codes if c not in project.codes]
    if unknown:
        raise RefiError(file, None, f"{len(unknown)} coding(s) refer to a code that is not in the codebook: {listing(unknown)}")
    kept = [s for s in project.selections.values() if people[s.guid] != DROP and any(targets[c] != DROP for c in s.codes)]
    unmapped_sources = sorted({s.source for s in kept if people[s.guid] is None}, key=lambda g: project.sources[g].index)
    if unmapped_sources:
        wheres = [f"{project.sources[g].where} guid {g}" for g in unmapped_sources]
        raise RefiError(file, None, f"{len(wheres)} coded source(s) not mapped to a participant: {listing(wheres)}; "
                        "add source or case rows to the mapping (python -m goodcare.refi template lists them)")
    unmapped_codes = sorted({c for s in kept for c in s.codes if targets[c] is None}, key=list(project.codes).index)
    if unmapped_codes:
        wheres = [project.codes[c].where for c in unmapped_codes]
        raise RefiError(file, None, f"{len(wheres)} code(s) with codings have no code id: {listing(wheres)}; "
                        "add code rows to the mapping, or name the codes like 'INN01 label'")
    kept.sort(key=lambda s: (project.sources[s.source].index, -1 if s.start is None else s.start, s.order))
    excerpt_counts = {"unavailable": 0, "shortened": 0, "out_of_range": 0}
    rows = []
    for sel in kept:
        for code in sel.codes:
            if targets[code] == DROP:
                continue
            excerpt = excerpt_of(sel.text, excerpt_counts) if with_excerpts else None
            rows.append({"participant_id": people[sel.guid], "code_id": targets[code].code_id, "excerpt": excerpt})
    width = max(4, len(str(len(rows))))  # the generator's width, so a round trip gives the same ids
    frame = pd.DataFrame(rows, columns=["participant_id", "code_id", "excerpt"])
    frame.insert(0, "segment_id", [f"S{i:0{width}d}" for i in range(1, len(rows) + 1)])
    dropped_sources = {s.source for s in project.selections.values() if people[s.guid] == DROP}
    counts = {"segments": len(rows), "participants": int(frame["participant_id"].nunique()),
              "sources_in_export": len(project.sources), "sources_used": len({s.source for s in kept}),
              "sources_dropped_by_mapping": len(dropped_sources),
              "selections_merged": project.dropped["duplicate selections"],
              "duplicate_codings_merged": project.dropped["duplicate codings"]}
    excerpts = {"included": with_excerpts, **excerpt_counts, "identifier_scan": SCAN_NOTE if with_excerpts else "not needed"}
    return frame, {"codings": counts, "excerpts": excerpts}


def validate_tables(folder: Path, out_dir: Path, participants: Path | None, file: str) -> None:
    """Check the new tables with the study's own validation (the workflow would stop on them anyway).

    A codebook alone is checked against the codings already in out_dir, which it must still cover."""
    book = validate_file("codebook", folder / "codebook.csv", {})
    problems = list(book.problems)
    codings = folder / "codings.csv" if (folder / "codings.csv").is_file() else out_dir / "codings.csv"
    if book.ok and codings.is_file():
        people_csv = participants if participants and Path(participants).is_file() else codings
        people = pd.read_csv(people_csv, dtype=str, usecols=["participant_id"])
        problems += validate_file("codings", codings, {"codebook": book.frame, "participants": people}).problems
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise RefiError(file, None, f"the imported tables do not validate: {problems[0].as_text()}{more}")


def refuse_overwrite(export_name: str, out_dir: Path, tables: list[str]) -> None:
    """Stop before reading the export if a table it would write is already in out_dir (it may be the only copy)."""
    there = [f"{t}.csv" for t in tables if (Path(out_dir) / f"{t}.csv").exists()]
    if there:
        raise RefiError(export_name, None, f"{' and '.join(there)} already in {Path(out_dir).name}/; nothing was "
                        "written (pass --force to replace them, or give another --out)")


def import_export(path: Path, mapping_path: Path | None, out_dir: Path, with_excerpts: bool = False,
                  participants: Path | None = None, report_path: Path | None = None, force: bool = False,
                  allow_no_codings: bool = False) -> dict:
    """Import a .qdpx/.qde (codebook and codings) or .qdc (codebook only) into out_dir; return the report.

    Existing tables are replaced only with `force`; a project that yields no coded segment is an error
    unless `allow_no_codings` (an empty codings.csv would silently replace real ones downstream)."""
    export = open_export(path)
    try:
        return import_opened(export, mapping_path, out_dir, with_excerpts, participants, report_path, force, allow_no_codings)
    finally:
        export.close()


def import_opened(export, mapping_path: Path | None, out_dir: Path, with_excerpts: bool, participants: Path | None,
                  report_path: Path | None, force: bool, allow_no_codings: bool) -> dict:
    """The import of an opened export (its archive is read once, then closed by the caller)."""
    if not force:
        refuse_overwrite(export.name, out_dir, ["codebook", "codings"] if export.kind == "project" else ["codebook"])
    passed_over = check_schema(export)
    project = read_project(export, with_text=with_excerpts)
    mapping = read_mapping(mapping_path)
    codebook, targets, code_counts = build_codebook(project, mapping, export.name)
    frames = {"codebook": codebook}
    report = {"export": export.name, "kind": export.kind, "origin": (export.root.get("origin") or "")[:80],
              "exported_on": (export.root.get("modifiedDateTime") or export.root.get("creationDateTime") or "")[:10] or None,
              "schema_violations_passed_over": [v.as_text() for v in passed_over[:20]], "codebook": code_counts}
    if export.kind == "project":
        frames["codings"], parts = build_codings(project, mapping, targets, export.name, with_excerpts)
        if frames["codings"].empty and not allow_no_codings:
            raise RefiError(export.name, None, "the export yields no coded segment (0 codings); nothing was written "
                            "(pass --allow-no-codings to write a codings.csv with its header only)")
        report.update(parts)
    report["dropped"] = {k: v for k, v in sorted(project.dropped.items()) if v and not k.startswith("duplicate")}
    report["dropped"].update({"source_and_case_names": True, "variables": len(project.variables)})
    report["mapping"] = {"file": mapping.file, "rows_matching_nothing": mapping.unused_lines()}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        for name, frame in frames.items():
            frame.to_csv(Path(tmp) / f"{name}.csv", index=False, lineterminator="\n")
        validate_tables(Path(tmp), out_dir, participants or out_dir / "participants.csv", export.name)
        for name in frames:  # only valid tables replace what was there
            shutil.move(str(Path(tmp) / f"{name}.csv"), out_dir / f"{name}.csv")
    report["written"] = sorted(f"{name}.csv" for name in frames)
    if report_path:
        Path(report_path).parent.mkdir(parents=True, exist_ok=True)
        Path(report_path).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return report
