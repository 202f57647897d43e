"""Shared fixtures: the project root and a cold `snakemake analyses` build on a temporary copy."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
# What a workflow run needs; results, logs and caches are left behind.
PROJECT_PARTS = ["Snakefile", "rules", "scripts", "config", "envs", "data", "src", "chapters", "_quarto.yml", "index.qmd"]


def snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run Snakemake from this environment in `workdir`, capturing its output."""
    cmd = [sys.executable, "-m", "snakemake", "--cores", "2", *args]
    proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}")
    return proc


def copy_project(dest: Path) -> Path:
    """Copy what the workflow needs into `dest` (a clean clone, as far as the workflow is concerned)."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        elif src.exists():
            shutil.copy2(src, dest / part)
    return dest


@pytest.fixture(scope="session")
def root() -> Path:
    """The project root."""
    return ROOT


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Path:
    """A temporary copy of the project after a cold `snakemake analyses` on the bundled data."""
    project = copy_project(tmp_path_factory.mktemp("built") / "project")
    snakemake(project, "analyses")
    return project


@pytest.fixture(scope="session")
def built_results(built_project) -> Path:
    """The results folder of the cold build."""
    return built_project / "results"
