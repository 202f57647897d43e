"""goodcare-validate: every failure is a report or one line, never a traceback."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "goodcare.validate", *map(str, args)], capture_output=True, text=True)


@pytest.fixture()
def data(tmp_path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder, ignore=shutil.ignore_patterns("instruments", "*.md", "*.txt"))
    return folder


def test_a_problem_in_organisations_is_a_report_not_a_key_error(data):
    lines = (data / "organisations.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = "X" + lines[1][1:]
    (data / "organisations.csv").write_text("".join(lines), encoding="utf-8")
    proc = run(data)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "organisations.csv:2 column 'org_id': check 'str_matches' failed" in proc.stdout
    assert "Not checked until the tables they refer to are valid: participants, outcomes, experience, codings" in proc.stdout


@pytest.mark.parametrize("make", ["missing", "folder"])
def test_a_missing_table_or_a_folder_in_its_place_is_a_problem(data, make):
    (data / "codebook.csv").unlink()
    if make == "folder":
        (data / "codebook.csv").mkdir()
    proc = run(data)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    what = "is missing" if make == "missing" else "is a folder"
    assert f"codebook.csv: check 'file' failed: the table is a file in the data folder (this one {what})" in proc.stdout


def test_a_valid_folder_passes(data):
    proc = run(data)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "All 6 tables are valid." in proc.stdout
