"""Render the Quarto book once for both formats and publish it atomically."""

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from goodcare.book import RESULTS_ENV
from goodcare.outputs import write_json

PDF_NAME = "what-size-is-good-care.pdf"
NO_QUARTO = (
    "Quarto is not installed, so everything up to the book was built but the book was not rendered: "
    "install Quarto >= 1.10 (conda env create -f environment.yml, or pip install '.[quarto]') and rerun; "
    "`snakemake --cores 4 analyses` builds everything else without it."
)
NO_QUARTO_AT_START = (
    "Quarto is not installed, so nothing was run: install Quarto >= 1.10 (conda env create -f environment.yml, "
    "or pip install '.[quarto]') and rerun, or build everything but the book with `snakemake --cores 4 analyses`."
)
# Every warning fails the render (Quarto exits 0 on an unresolved reference, pandoc on a failed math
# conversion, Typst on a missing font): pandoc's "[WARNING]", Quarto's "WARN", Typst's "warning:", and errors.
WARNING = re.compile(r"\[WARNING\]|\bWARN(ING)?\b|^warning:|\bERROR\b|Unable to resolve crossref")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# The short allow-list: each entry is one exact message and why it is harmless here.
ALLOWED_WARNINGS = {
    # ipykernel >= 7 warns at every kernel start that its ZeroMQ sockets use TCP without CurveZMQ keys.
    # Quarto's Jupyter runner (resources/jupyter/notebook.py) creates its KernelManager without any
    # configuration, so the transport cannot be switched to IPC from the project; the kernel listens on
    # 127.0.0.1 only, for the seconds one chapter takes to execute on the build machine.
    "ipykernel-tcp": re.compile(r"\[IPKernelApp\] WARNING \| Kernel is running over TCP without encryption\. "
                                r"All communication \(including code and outputs\) is sent in plain text and is "
                                r"susceptible to eavesdropping\. Use IPC transport or launch with kernel "
                                r"manager-provisioned CurveZMQ keys to enable transport encryption\.$"),
}


class RenderError(Exception):
    """The render failed; nothing of it was published."""


def allowed(line: str) -> bool:
    """Whether a warning line is on the allow-list (matched exactly, never by a loose pattern)."""
    return any(pattern.search(line) for pattern in ALLOWED_WARNINGS.values())


def render_warnings(log_text: str) -> list[str]:
    """Lines of a Quarto render log that must fail the build: any warning or error not on the allow-list."""
    lines = (ANSI.sub("", line).strip() for line in log_text.splitlines())
    return [line for line in lines if WARNING.search(line) and not allowed(line)]


def file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below a folder, keyed by relative path, in sorted order."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def publish(staging: Path, book_dir: Path) -> None:
    """Swap the freshly rendered book in for the old one, so readers never see half a book."""
    old = book_dir.with_name(f".{book_dir.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if book_dir.exists():
        book_dir.rename(old)
    staging.rename(book_dir)
    shutil.rmtree(old, ignore_errors=True)


def render_book(project: Path, results: Path, book_dir: Path, manifest: Path, log_path: Path, profile: str = "") -> None:
    """Run `quarto render` (with the Quarto profile given, if any) into a staging folder, check its log and
    outputs, then publish."""
    quarto = shutil.which("quarto")
    if quarto is None:
        raise RenderError(NO_QUARTO)
    staging = project / f".{book_dir.name}.rendering"
    shutil.rmtree(staging, ignore_errors=True)
    env = {**os.environ, RESULTS_ENV: str(results.resolve()), "QUARTO_PYTHON": sys.executable}
    env.pop("QUARTO_PROFILE", None)  # only the workflow's config decides the profile
    command = [quarto, "render", str(project), "--output-dir", staging.name] + (["--profile", profile] if profile else [])
    proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd=project)
    log_text = proc.stdout + proc.stderr
    Path(log_path).write_text(log_text, encoding="utf-8")
    problems = render_warnings(log_text)
    missing = [name for name in ("index.html", PDF_NAME) if not (staging / name).is_file()]
    if proc.returncode != 0 or problems or missing:
        shutil.rmtree(staging, ignore_errors=True)
        detail = "; ".join(problems[:5] + [f"{m} was not produced" for m in missing]) or f"quarto exited with {proc.returncode}"
        raise RenderError(f"The book was not rendered ({detail}). Full log: {log_path}")
    publish(staging, book_dir)
    write_json({"book_dir": book_dir.name, "files": file_hashes(book_dir)}, manifest)
