"""Workflow tests on a temporary copy: cold build, no-op rebuild, one change reruns only its dependants."""

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from conftest import EVERY_GATE, ROOT, snakemake

pytestmark = pytest.mark.workflow


def job_counts(dry_run_output: str) -> dict[str, int]:
    """The 'Job stats' table of a Snakemake dry run, as {rule: count} (without the total)."""
    counts, in_table = {}, False
    for line in dry_run_output.splitlines():
        if line.startswith("Job stats:"):
            in_table = True
            continue
        if in_table:
            parts = line.split()
            if not parts:
                if counts:
                    break
                continue
            if len(parts) == 2 and parts[1].isdigit() and parts[0] != "total":
                counts[parts[0]] = int(parts[1])
    return counts


def digests(folder) -> dict[str, str]:
    """SHA-256 of every file below `folder`."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def project(built_project, tmp_path):
    """A private copy of the built project (results and Snakemake's records included), to change freely."""
    dest = tmp_path / "project"
    shutil.copytree(built_project, dest, symlinks=True)
    return dest


def test_cold_build_makes_every_chapter_output(built_results):
    for chapter in ("methods", "micro", "outcomes"):
        assert (built_results / "values" / f"{chapter}.json").is_file()
        assert any((built_results / "tables" / chapter).glob("*.csv"))
    for table in ("organisations", "participants", "outcomes", "experience", "codebook", "codings"):
        assert (built_results / "validated" / f"{table}.parquet").is_file()


def test_second_build_has_nothing_to_do(project):
    out = snakemake(project, "analyses", "--dry-run")
    assert "Nothing to be done" in out.stdout + out.stderr, out.stdout


def test_changing_outcomes_reruns_only_its_dependants(project):
    path = project / "data" / "outcomes.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # Change one answer's content (Snakemake compares checksums of small inputs: a touch is not enough).
    fields = lines[1].rstrip("\n").split(",")
    fields[2] = "1" if fields[2] != "1" else "2"
    lines[1] = ",".join(fields) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    jobs = job_counts(snakemake(project, "analyses", "--dry-run").stdout)
    # Outcomes feed chapter 6, the scorecard built on it, and the input hashes of the back matter; the key ledger
    # reads every chapter's staged cells (a group's decision is book-wide), so every gate reads the ledger again.
    assert jobs == {"validate_table": 1, "analyse_outcomes": 1, "analyse_performance": 1, "analyse_howmade": 1,
                    **dict.fromkeys(EVERY_GATE, 1), "disclosure_report": 1, "changes": 1, "analyses": 1}, jobs
    # The README says exactly this (and that the default target then reruns the render).
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    claim = readme[readme.index("<!-- rerun:outcomes"):readme.index("<!-- /rerun -->")]
    named = set(re.findall(r"`([a-z_]+)`", claim.split("-->", 1)[1]))
    assert named == (set(jobs) - {"analyses"}) | {"render"}, named


def test_validation_failure_leaves_data_and_other_results_untouched(project):
    path = project / "data" / "outcomes.csv"
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = text[1].rstrip("\n").split(",")
    fields[2] = "7"  # current_level must be 1-4
    text[1] = ",".join(fields) + "\n"
    path.write_text("".join(text), encoding="utf-8")
    raw_before = digests(project / "data")
    other_before = {k: v for k, v in digests(project / "results").items() if "outcomes" not in k}
    proc = snakemake(project, "analyses", check=False)
    assert proc.returncode != 0
    assert "outcomes.csv:2 column 'current_level'" in proc.stderr
    assert "less_than_or_equal_to" in proc.stderr
    assert digests(project / "data") == raw_before
    other_after = {k: v for k, v in digests(project / "results").items() if "outcomes" not in k}
    assert other_after == other_before
    report = project / "logs" / "validate" / "outcomes.report.json"
    assert '"valid": false' in report.read_text()


def test_config_overrides_paths(project, tmp_path):
    out = tmp_path / "elsewhere"
    snakemake(project, "validate", "--config", f"results_dir={out}", f"logs_dir={tmp_path / 'logs'}")
    assert (out / "validated" / "codings.parquet").is_file()


def test_lint_is_clean(project):
    proc = snakemake(project, "--lint", check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_without_quarto_the_default_target_stops_before_any_job_with_one_sentence(project):
    import os
    import shutil as sh
    import subprocess
    import sys

    # The same machine without Quarto: every folder that holds a `quarto` is taken off PATH.
    path = os.pathsep.join(d for d in os.environ["PATH"].split(os.pathsep) if not (Path(d) / "quarto").exists())
    assert sh.which("quarto", path=path) is None
    (project / "data" / "outcomes.csv").write_text((project / "data" / "outcomes.csv").read_text() + "", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "snakemake", "--cores", "2"], cwd=project, capture_output=True, text=True,
                          env={**os.environ, "PATH": path})
    assert proc.returncode != 0
    last = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()][-1]
    assert "Quarto is not installed" in last, proc.stderr[-2000:]  # the useful sentence is the last thing shown
    assert "Finished jobid" not in proc.stdout + proc.stderr  # it stopped before any job ran
    assert not (project / "_book").exists() and not (project / "logs" / "render").exists()


def test_every_record_names_the_files_it_was_made_from(built_project):
    import json

    records = sorted((built_project / "results" / "provenance").glob("*.json"))
    assert len(records) >= 15
    for path in records:
        rec = json.loads(path.read_text())
        assert rec["rule"] and rec["code"] and rec["outputs"] and rec["packages"]["pandas"]
        for name, digest in {**rec["inputs"], **rec["outputs"], **rec["code"]}.items():
            assert hashlib.sha256((built_project / name).read_bytes()).hexdigest() == digest, (path.name, name)


def test_changing_analysis_code_reruns_its_rule_and_changes_its_record(project):
    import json

    record = project / "results" / "provenance" / "micro.json"
    before = json.loads(record.read_text())
    module = project / "src" / "goodcare" / "chapters" / "micro.py"
    module.write_text(module.read_text() + "\n# a reviewer's change\n")
    jobs = job_counts(snakemake(project, "analyses", "--dry-run").stdout)
    # The key ledger and every gate (and so the scorecard, which reads the gates' values) run again on the new
    # analysis, then the book's disclosure report; no other analysis.
    assert jobs == {"analyse_micro": 1, **dict.fromkeys(EVERY_GATE, 1), "analyse_performance": 1, "disclosure_report": 1,
                    "changes": 1, "analyses": 1}, jobs
    snakemake(project, "analyses")
    after = json.loads(record.read_text())
    assert after["code_version"] != before["code_version"]
    assert after["code"]["src/goodcare/chapters/micro.py"] != before["code"]["src/goodcare/chapters/micro.py"]
    assert after["outputs"] == before["outputs"]  # same code behaviour, same bytes


@pytest.mark.slow
def test_two_builds_in_separate_folders_are_byte_identical(built_project, tmp_path):
    from goodcare.determinism import differences, fresh_build, output_hashes

    first = output_hashes(built_project / "results")
    second = output_hashes(fresh_build(built_project, tmp_path))
    assert len(first) > 50
    assert differences(first, second) == []


def test_workflow_references_mirror_the_validation_code(root):
    """rules/common.smk repeats the table references so the Snakefile needs no heavy import; keep them equal."""
    import ast

    from goodcare.validate import REFERENCES

    text = (root / "rules" / "common.smk").read_text()
    start = text.index("REFERENCES = {") + len("REFERENCES = ")
    declared = ast.literal_eval(text[start:text.index("}\n", start) + 1])
    assert {k: tuple(v) for k, v in declared.items()} == REFERENCES


def test_the_slurm_profile_groups_every_job_of_analyses(project):
    # A rule missing from the profile's group would go to SLURM as a job of its own (and wait for the scheduler).
    import yaml

    from conftest import ROOT

    profile = yaml.safe_load((ROOT / "profiles" / "slurm" / "config.yaml").read_text())
    jobs = job_counts(snakemake(project, "analyses", "--dry-run", "--forceall").stdout)
    rules = set(jobs) - {"analyses"}  # the target rule has no action: Snakemake never submits it
    assert rules <= set(profile["groups"]), rules - set(profile["groups"])
    assert profile["group-components"]["study"] >= sum(jobs[r] for r in rules)
