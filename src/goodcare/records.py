"""Provenance records: for every output of a rule, the rule, script, code and input hashes, params, versions."""

import hashlib
from pathlib import Path

from goodcare.outputs import write_json
from goodcare.provenance import git_commit, package_versions, sha256


def files_below(paths) -> list[Path]:
    """Every file named, or below a folder named, in sorted order."""
    found = []
    for p in map(Path, paths):
        found += sorted(q for q in p.rglob("*") if q.is_file()) if p.is_dir() else [p]
    return found


def digests(paths) -> dict[str, str]:
    """SHA-256 of each file, keyed by its path as the workflow names it."""
    return {p.as_posix(): sha256(p) for p in files_below(paths)}


def record(rule: str, script: str, inputs, outputs, params: dict, code) -> dict:
    """The provenance record of one job: what ran, on what, with which settings, making which files."""
    code_files = digests(code)
    return {
        "rule": rule,
        "script": {"path": script, "sha256": sha256(Path(script)) if Path(script).is_file() else None},
        "code": code_files,
        # One hash over all the code that ran: changes whenever any module the job imports from the list changes.
        "code_version": hashlib.sha256("".join(f"{k}={v}" for k, v in sorted(code_files.items())).encode()).hexdigest(),
        "commit": git_commit(Path.cwd()),
        "inputs": digests(inputs),
        "outputs": digests(outputs),
        "params": params,
        "packages": package_versions(),
    }


def write_record(smk, script: str, path: str) -> None:
    """Write the record of a Snakemake job (its code inputs kept apart from its data inputs)."""
    code = smk.input.get("code", [])
    code = [code] if isinstance(code, str) else list(code)
    data = [p for p in smk.input if p not in set(code)]
    outputs = [p for p in smk.output if p != path]
    params = {k: v for k, v in smk.params.items()}
    write_json(record(smk.rule, script, data, outputs, params, code), path)
