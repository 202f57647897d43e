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
from goodcare.provlinks import book_setting
from goodcare.recordpages import write_record_pages

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
# There is no allow-list: a good render prints none (ipykernel is held to 6.x, which has no TCP notice).
WARNING = re.compile(r"\[WARNING\]|\bWARN(ING)?\b|^warning:|\bERROR\b|Unable to resolve crossref")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
TRACEBACK = "Traceback (most recent call last)"
# Written into every rendered book: publish replaces or deletes a folder only if it carries this file.
BOOK_MARKER = ".goodcare-book"
MARKER_TEXT = "This folder was made by goodcare's render; the next render replaces it whole.\n"


class RenderError(Exception):
    """The render failed; nothing of it was published."""


def render_warnings(log_text: str) -> list[str]:
    """Lines of a Quarto render log that must fail the build: any warning or error."""
    lines = (ANSI.sub("", line).strip() for line in log_text.splitlines())
    return [line for line in lines if WARNING.search(line)]


def traceback_errors(log_text: str) -> list[str]:
    """The exception line that closes each Python traceback in a render log (a kernel's, say), so a failed
    render names its cause and not only the logger's first line."""
    errors, depth = [], None
    for raw in log_text.splitlines():
        line = ANSI.sub("", raw).rstrip()
        indent = len(line) - len(line.lstrip())
        if line.lstrip().startswith(TRACEBACK):
            depth = indent
        elif depth is not None and line.strip() and indent <= depth:
            # The first line back at the traceback's own indent, after its indented frames.
            errors.append(line.strip())
            depth = None
    return errors


def file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below a folder, keyed by relative path, in sorted order (the marker left out)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).as_posix() != BOOK_MARKER
    }


def mark_as_book(folder: Path) -> None:
    """Leave the marker that says a render made this folder, so a later render may replace it."""
    (folder / BOOK_MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def made_by_render(folder: Path) -> bool:
    """Whether a folder carries the marker an earlier render wrote (anything else belongs to the user)."""
    marker = folder / BOOK_MARKER
    return marker.is_file() and not marker.is_symlink() and marker.read_text(encoding="utf-8", errors="replace") == MARKER_TEXT


def remove_old_book(folder: Path) -> None:
    """Delete a folder an earlier render made; refuse (deleting nothing) anything else at that path."""
    if not folder.exists() and not folder.is_symlink():
        return
    if folder.is_symlink() or not folder.is_dir() or not made_by_render(folder):
        raise RenderError(f"{folder.name} exists and was not made by a render (it has no {BOOK_MARKER}), so it was "
                          "left as it is and the new book was not published: set book_dir to a folder of its own")
    shutil.rmtree(folder)


def publish(staging: Path, book_dir: Path) -> None:
    """Swap the freshly rendered book in for the old one, so readers never see half a book; only a folder an
    earlier render made (it carries the marker) is ever replaced or deleted."""
    mark_as_book(staging)
    old = book_dir.with_name(f".{book_dir.name}.old")
    remove_old_book(old)
    if book_dir.exists() or book_dir.is_symlink():
        if book_dir.is_symlink() or not book_dir.is_dir() or not made_by_render(book_dir):
            remove_old_book(book_dir)  # raises: the folder is the user's
        book_dir.rename(old)
    staging.rename(book_dir)
    remove_old_book(old)


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
        causes = [f"raised {error}" for error in traceback_errors(log_text)[:3]]
        detail = "; ".join(problems[:5] + causes + [f"{m} was not produced" for m in missing]) or f"quarto exited with {proc.returncode}"
        raise RenderError(f"The book was not rendered ({detail}). Full log: {log_path}")
    # The pages the figures', tables' and numbers' provenance links lead to (Quarto knows nothing of them).
    write_record_pages(staging, results, project, book_setting(project, "repo-url"), book_setting(project, "title") or "The book")
    publish(staging, book_dir)
    write_json({"book_dir": book_dir.name, "files": file_hashes(book_dir)}, manifest)
