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
# Quarto only warns about these (exit code 0), so the render log is scanned for them.
FATAL_WARNINGS = re.compile(r"Unable to resolve crossref|WARN(ING)?\b.*(crossref|not found|missing)", re.IGNORECASE)


class RenderError(Exception):
    """The render failed; the previous book was left in place."""


def render_warnings(log_text: str) -> list[str]:
    """Lines of a Quarto render log that must fail the build (unresolved references, missing files)."""
    return [line.strip() for line in log_text.splitlines() if FATAL_WARNINGS.search(line)]


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


def render_book(project: Path, results: Path, book_dir: Path, manifest: Path, log_path: Path) -> None:
    """Run `quarto render` into a staging folder, check its log and outputs, then publish."""
    quarto = shutil.which("quarto")
    if quarto is None:
        raise RenderError(NO_QUARTO)
    staging = project / f".{book_dir.name}.rendering"
    shutil.rmtree(staging, ignore_errors=True)
    env = {**os.environ, RESULTS_ENV: str(results.resolve()), "QUARTO_PYTHON": sys.executable}
    proc = subprocess.run(
        [quarto, "render", str(project), "--output-dir", staging.name],
        capture_output=True, text=True, env=env, cwd=project,
    )
    log_text = proc.stdout + proc.stderr
    Path(log_path).write_text(log_text, encoding="utf-8")
    problems = render_warnings(log_text)
    missing = [name for name in ("index.html", PDF_NAME) if not (staging / name).is_file()]
    if proc.returncode != 0 or problems or missing:
        shutil.rmtree(staging, ignore_errors=True)
        detail = "; ".join(problems[:5] + [f"{m} was not produced" for m in missing]) or f"quarto exited with {proc.returncode}"
        raise RenderError(f"The book was not rendered ({detail}); the previous book is unchanged. Full log: {log_path}")
    publish(staging, book_dir)
    write_json({"book_dir": book_dir.name, "files": file_hashes(book_dir)}, manifest)
