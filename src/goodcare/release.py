"""A citable release: the book, published results, provenance, data checksums, environment and a Workflow Run RO-Crate."""

import json
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from goodcare.citation import load_citation
from goodcare.crate import Released, Run, crate_json
from goodcare.outputs import write_json
from goodcare.provenance import git_commit, package_versions, sha256, withheld_settings
from goodcare.records import files_below
from goodcare.render import BOOK_MARKER, PDF_NAME, Marker, RenderError, file_hashes, made_by, publish

RELEASE = Marker(".goodcare-release", "This folder was made by goodcare's release; the next release replaces it whole.\n",
                 "a release", "release", "release_dir")
# What the book reads from the results (after the disclosure gate); the rest of results/ is intermediate or
# validated data, or reports on them, and stays out.
PUBLISHED = ("tables", "figures", "values")
# Bookkeeping files of Snakemake and the render, not part of what they made.
BOOKKEEPING = {".snakemake_timestamp", BOOK_MARKER}
DATA_CHECKSUMS = "checksums/data.sha256"
CRATE = "ro-crate-metadata.json"
GENERATOR = re.compile(r'<meta name="generator" content="quarto-([0-9][0-9.]*)"')


class ReleaseError(Exception):
    """The release was not made; nothing of it was published."""


@dataclass
class Sources:
    """What a release is made from, as the workflow names it."""

    book: Path  # the rendered book (site and PDF)
    results: Path  # the results folder
    records: list[Path]  # provenance records
    data: list[Path]  # the data files the run read (described by hash, never copied)
    data_dir: Path
    register: Path | None  # the register of names and places: neither copied nor hashed
    workflow: list[Path]  # the Snakefile first, then the rule files it includes
    environment: list[Path]  # environment.yml, pyproject.toml
    citation: Path


def release_refusal(release_dir: Path) -> str | None:
    """The sentence that stops a release before any job when its folder exists and no release made it, or None."""
    if (release_dir.exists() or release_dir.is_symlink()) and (release_dir.is_symlink() or not made_by(release_dir, RELEASE)):
        return (f"Refusing to release, nothing was changed: release_dir exists and was not made by a release (it has no "
                f"{RELEASE.name}), so it belongs to you: set release_dir to a folder of its own.")
    return None


def is_bookkeeping(path: Path) -> bool:
    """Whether a file is Snakemake's or the render's bookkeeping rather than part of what they made."""
    return path.name in BOOKKEEPING


def copied_files(src: Sources) -> dict[str, Path]:
    """Release path -> the file copied there: the book, the published results, the workflow, environment, citation."""
    plan = {f"book/{p.relative_to(src.book).as_posix()}": p for p in files_below([src.book]) if not is_bookkeeping(p)}
    for part in PUBLISHED:
        folder = src.results / part
        plan.update({f"results/{part}/{p.relative_to(folder).as_posix()}": p
                     for p in files_below([folder] if folder.is_dir() else []) if not is_bookkeeping(p)})
    plan.update({f"workflow/{p.as_posix()}": p for p in src.workflow})
    plan.update({f"environment/{p.name}": p for p in src.environment})
    plan["CITATION.cff"] = src.citation
    return dict(sorted(plan.items()))


def same_file(a: Path, b: Path | None) -> bool:
    """Whether two paths name one file (the register may be named relative or absolute, through a link)."""
    return b is not None and Path(a).resolve() == Path(b).resolve()


def data_name(path: Path, data_dir: Path) -> str:
    """A data file's name in the release: its path inside the data folder, or its own name if it lies elsewhere
    (the data folder's own path may be private, so it is never published)."""
    path, data_dir = Path(path).resolve(), Path(data_dir).resolve()
    return path.relative_to(data_dir).as_posix() if path.is_relative_to(data_dir) else path.name


def data_checksums(data: list[Path], data_dir: Path, register: Path | None) -> dict[str, str]:
    """SHA-256 of each data file by its release name, sorted; the register of names is left out (even its hash
    would let anyone confirm a guess of who is on it)."""
    return dict(sorted((data_name(p, data_dir), sha256(p)) for p in data if not same_file(p, register)))


def sha256sum_text(checksums: dict[str, str]) -> str:
    """Checksums in `sha256sum` format, so `sha256sum -c` in the data folder checks the data against the release."""
    return "".join(f"{digest}  {name}\n" for name, digest in checksums.items())


def published_path(name: str, roots: dict[str, Path]) -> str:
    """A path a record names, as the release publishes it: a relative one as it is; an absolute one from the
    configured folder it lies in ("data_dir/outcomes.csv", "results_dir/values/micro.json") or from the project,
    else by its own name, so no private folder (a home directory) is published."""
    path = Path(name)
    if not path.is_absolute():
        return name
    for key, root in roots.items():
        root = Path(root).resolve()
        if path.resolve().is_relative_to(root):
            inside = path.resolve().relative_to(root).as_posix()
            return inside if key == "." else f"{key}/{inside}"
    return path.name


def redacted_record(record: dict, register: Path | None, roots: dict[str, Path] | None = None) -> dict:
    """A provenance record fit to publish: the register of names' hash dropped, its settings withheld, and
    absolute paths named from their configured folder (`roots`: config key -> folder, "." for the project)."""
    out = dict(record)
    for part in ("inputs", "outputs", "code"):
        if isinstance(record.get(part), dict):
            out[part] = {published_path(k, roots or {}): v for k, v in record[part].items() if not same_file(Path(k), register)}
    out["params"] = withheld_settings(record.get("params", {}))
    return out


def quarto_version(book: Path) -> str | None:
    """The Quarto version that rendered the book, from the generator tag of its first page."""
    match = GENERATOR.search((book / "index.html").read_text(encoding="utf-8", errors="replace"))
    return match.group(1) if match else None


def released(path: str, name: str, folder: Path) -> Released:
    """A released file (hashed) or folder of the staged release, for the crate."""
    target = folder / path
    if target.is_dir():
        return Released(path.rstrip("/") + "/", name)
    return Released(path, name, sha256(target))


def run_of(src: Sources, folder: Path, date: str, software: dict[str, str], commit: str, checksums: dict[str, str]) -> Run:
    """What the crate says about this release, read from the staged release folder and the citation."""
    cff = load_citation(src.citation)
    workflow = [f"workflow/{p.as_posix()}" for p in src.workflow]
    outputs = [released("book", "The book (site)", folder), released(f"book/{PDF_NAME}", "The book (PDF)", folder),
               *[released(f"results/{part}", f"Published {part}", folder) for part in PUBLISHED if (folder / "results" / part).is_dir()],
               released("provenance", "Provenance records of every job", folder)]
    files = [released(DATA_CHECKSUMS, "SHA-256 of the data files (the data are not included)", folder),
             released("environment/packages.json", "Installed package versions", folder),
             *[released(f"environment/{p.name}", p.name, folder) for p in src.environment],
             released("CITATION.cff", "How to cite this compendium", folder)]
    return Run(title=cff["title"], description=cff.get("abstract", cff["title"]), version=str(cff["version"]),
               license=cff["license"], authors=cff["authors"], date=date, commit=commit, workflow=workflow[0],
               workflow_parts=workflow[1:], inputs=checksums,
               outputs=outputs, files=files, software=software)


def release_date() -> str:
    """Now, in UTC to the second: the release's date, the one value two releases of one commit and data differ in."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def stage_release(src: Sources, staging: Path, date: str) -> None:
    """Write every file of the release into an empty staging folder (copies by bytes: no times or modes carried)."""
    for dest, source in copied_files(src).items():
        (staging / dest).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, staging / dest)
    roots = {"data_dir": src.data_dir, "results_dir": src.results, ".": Path.cwd()}
    for record in src.records:
        write_json(redacted_record(json.loads(Path(record).read_text(encoding="utf-8")), src.register, roots),
                   staging / "provenance" / Path(record).name)
    checksums = data_checksums(src.data, src.data_dir, src.register)  # hashed once: the checksum file and the crate
    (staging / DATA_CHECKSUMS).parent.mkdir(parents=True, exist_ok=True)
    (staging / DATA_CHECKSUMS).write_text(sha256sum_text(checksums), encoding="utf-8")
    versions = package_versions()
    write_json(versions, staging / "environment" / "packages.json")
    quarto = quarto_version(src.book)
    software = {**versions, **({"quarto": quarto} if quarto else {})}
    commit = git_commit(Path.cwd())
    (staging / CRATE).write_text(crate_json(run_of(src, staging, date, software, commit, checksums)), encoding="utf-8")


def make_release(src: Sources, release_dir: Path, manifest: Path, date: str | None = None) -> None:
    """Stage the release beside its folder, swap it in (only over a folder an earlier release made) and write
    the manifest: the SHA-256 of every released file."""
    staging = release_dir.with_name(f".{release_dir.name}.releasing")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        stage_release(src, staging, date or release_date())
        publish(staging, release_dir, RELEASE)
    except RenderError as err:
        shutil.rmtree(staging, ignore_errors=True)
        raise ReleaseError(str(err)) from err
    except OSError as err:
        shutil.rmtree(staging, ignore_errors=True)
        # The cause only: a path in the message could name a private folder.
        raise ReleaseError(f"The release was not made ({err.strerror or type(err).__name__}); nothing was published") from err
    write_json({"release_dir": release_dir.name, "files": file_hashes(release_dir, RELEASE)}, manifest)
