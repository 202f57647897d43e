"""Shared fixtures: the project root and a cold `snakemake analyses` build on a temporary copy."""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from goodcare import determinism

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


# Fixtures that build the workflow on a temporary copy: a test that uses one (directly or not) is a workflow
# test, and one that renders the book is also end to end (out of the default run; CI runs it with -m e2e).
BUILDS = {"built_project", "built_results", "rendered_project", "rendered_results", "book_dir"}
RENDERS = {"rendered_project", "rendered_results", "book_dir"}
# Every chapter's disclosure gate, and the key ledger they all read: it reads every chapter's staged cells (one
# decision per group for the book), so a change to any chapter's cells reruns it and them.
EVERY_GATE = {"disclosure_keys", *(f"disclose_{c}" for c in ("methods", "micro", "outcomes", "personalisation", "innovation",
                                                             "sustainability", "performance", "appendices", "howmade", "calibration"))}


def pytest_collection_modifyitems(config, items):
    """Mark tests by the builds they need, so `-m "not workflow"` is a true unit run."""
    for item in items:
        needs = set(getattr(item, "fixturenames", ()))
        if needs & BUILDS:
            item.add_marker(pytest.mark.workflow)
        if needs & RENDERS:
            item.add_marker(pytest.mark.e2e)


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


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test (the identifier scans must run offline)."""
    def refuse(*args, **kwargs):
        raise AssertionError("the identifier scan tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


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


def require_tool(name: str, why: str) -> str:
    """The path of a command the book tests need: skipped without it, failed instead where CI requires it
    (GOODCARE_REQUIRE_BOOK=1, set by .ci/run, which installs Quarto, Chromium and poppler)."""
    path = shutil.which(name)
    if path is None:
        problem = f"`{name}` is not on PATH ({why})"
        if os.environ.get("GOODCARE_REQUIRE_BOOK") == "1":
            pytest.fail(f"GOODCARE_REQUIRE_BOOK=1 but {problem}")
        pytest.skip(problem)
    return path


@pytest.fixture(scope="session")
def rendered_project(tmp_path_factory) -> Path:
    """A temporary copy of the project after the default target, `snakemake --cores 2`: the rendered book.

    Built as the README's real-data command builds it: `--config data_dir=... results_dir=...`, the data a copy
    under another name outside the project (the project's own data/ keeps no table, so the book can only come
    from the overridden folder) and the results in a folder of another name. That folder lies inside the project:
    Typst refuses a figure outside the project root ("would escape the project root"), so the book needs it
    there (README, "Real data"). CI's one render proves the command."""
    require_tool("quarto", "install Quarto >= 1.10: conda env create -f environment.yml, or Quarto's installer")
    base = tmp_path_factory.mktemp("rendered")
    project = copy_project(base / "project")
    shutil.copytree(project / "data", base / "study-data")
    for table in project.glob("data/*.csv"):
        table.unlink()
    snakemake(project, "--config", f"data_dir={base / 'study-data'}", f"results_dir={project / 'study-results'}")
    return project


@pytest.fixture(scope="session")
def rendered_results(rendered_project) -> Path:
    """The results folder of the render (overridden, as the README's real-data command does)."""
    return rendered_project / "study-results"


@pytest.fixture(scope="session")
def book_dir(rendered_project) -> Path:
    """The rendered book (site and PDF) of the default target."""
    return rendered_project / "_book"


@pytest.fixture(scope="session")
def site(book_dir):
    """The base URL of the rendered book, served from 127.0.0.1 on a free port."""
    import sitecheck  # here, so that runs without the book never import its HTTP and HTML helpers

    with sitecheck.serve(book_dir) as base_url:
        yield base_url
