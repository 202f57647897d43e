"""Shared fixtures: the project root and a cold `snakemake analyses` build on a temporary copy."""

import subprocess
import sys
from pathlib import Path

import pytest

from goodcare import determinism

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run Snakemake from this environment in `workdir`, capturing its output."""
    cmd = [sys.executable, "-m", "snakemake", "--cores", "2", *args]
    proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}")
    return proc


def copy_project(dest: Path) -> Path:
    """Copy what the workflow needs into `dest` (a clean clone, as far as the workflow is concerned)."""
    return determinism.copy_project(ROOT, dest)


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
