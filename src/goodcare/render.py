"""Render the Quarto book once for both formats and publish it atomically."""

import hashlib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from goodcare.book import RESULTS_ENV
from goodcare.outputs import write_json
from goodcare.provenance import commit_time
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


@dataclass(frozen=True)
class Marker:
    """The file a step leaves in a folder it publishes whole, so that only that step ever replaces or deletes it."""

    name: str
    text: str
    maker: str  # who writes it, as said in a refusal ("a render")
    what: str  # what it publishes ("book")
    key: str  # the config key of its folder


BOOK = Marker(BOOK_MARKER, MARKER_TEXT, "a render", "book", "book_dir")


def source_date_epoch(project: Path, environ=os.environ) -> str:
    """The time Typst dates the PDF with (SOURCE_DATE_EPOCH, the reproducible-builds convention), so two renders of
    one commit give equal bytes: the variable if set, else the commit's time, else 0 (a copy with no git history)."""
    if environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return environ["SOURCE_DATE_EPOCH"]
    return str(commit_time(project) or 0)


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


def file_hashes(folder: Path, marker: Marker = BOOK) -> dict[str, str]:
    """SHA-256 of every file below a folder, keyed by relative path, in sorted order (the marker left out)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).as_posix() != marker.name
    }


def leave_marker(folder: Path, marker: Marker = BOOK) -> None:
    """Leave the marker that says its step (the render, by default) made this folder, so a later run may replace it."""
    (folder / marker.name).write_text(marker.text, encoding="utf-8")


def made_by(folder: Path, marker: Marker = BOOK) -> bool:
    """Whether a folder carries the marker an earlier run of its step wrote (anything else belongs to the user)."""
    path = folder / marker.name
    return path.is_file() and not path.is_symlink() and path.read_text(encoding="utf-8", errors="replace") == marker.text


def remove_marked(folder: Path, marker: Marker = BOOK) -> None:
    """Delete a folder an earlier run of the marker's step made; refuse (deleting nothing) anything else at that path."""
    if not folder.exists() and not folder.is_symlink():
        return
    if folder.is_symlink() or not folder.is_dir() or not made_by(folder, marker):
        raise RenderError(f"{folder.name} exists and was not made by {marker.maker} (it has no {marker.name}), so it was "
                          f"left as it is and the new {marker.what} was not published: set {marker.key} to a folder of its own")
    shutil.rmtree(folder)


def publish(staging: Path, book_dir: Path, marker: Marker = BOOK) -> None:
    """Swap the freshly made folder in for the old one, so readers never see half a book (or release); only a folder
    an earlier run of the same step made (it carries the marker) is ever replaced or deleted."""
    leave_marker(staging, marker)
    old = book_dir.with_name(f".{book_dir.name}.old")
    remove_marked(old, marker)
    if book_dir.exists() or book_dir.is_symlink():
        if book_dir.is_symlink() or not book_dir.is_dir() or not made_by(book_dir, marker):
            remove_marked(book_dir, marker)  # raises: the folder is the user's
        book_dir.rename(old)
    staging.rename(book_dir)
    remove_marked(old, marker)


def render_book(project: Path, results: Path, book_dir: Path, manifest: Path, log_path: Path, profile: str = "") -> None:
    """Run `quarto render` (with the Quarto profile given, if any) into a staging folder, check its log and
    outputs, then publish."""
    quarto = shutil.which("quarto")
    if quarto is None:
        raise RenderError(NO_QUARTO)
    staging = project / f".{book_dir.name}.rendering"
    shutil.rmtree(staging, ignore_errors=True)
    env = {**os.environ, RESULTS_ENV: str(results.resolve()), "QUARTO_PYTHON": sys.executable,
           "SOURCE_DATE_EPOCH": source_date_epoch(project)}
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
