"""Refuse configured output folders that would overwrite or delete the data or the project's sources."""

from pathlib import Path

# Folders of the project that hold what its authors wrote: an output folder may never be one of them or inside one.
SOURCE_FOLDERS = ("src", "chapters", "rules", "scripts", "config", "assets", "envs", "docs", "tests", "benchmarks", ".git")
# Output folders the workflow writes, replaces or (for the book and the release) deletes and renames.
OUTPUTS = ("results_dir", "logs_dir", "book_dir", "release_dir")
# Folders replaced whole (the render's book, the release): each may hold no other output folder, and the
# release may not lie inside one either (the next render or build would delete or overwrite it).
REPLACED_WHOLE = ("book_dir", "release_dir")


def resolved(path: str | Path, project: Path) -> Path:
    """An absolute path with symbolic links and `..` resolved, relative paths taken from the project."""
    path = Path(path).expanduser()
    return (path if path.is_absolute() else project / path).resolve()


def overlaps(a: Path, b: Path) -> str | None:
    """How two folders overlap ('is', 'contains', 'lies inside'), or None if neither holds the other."""
    if a == b:
        return "is"
    if b.is_relative_to(a):
        return "contains"
    if a.is_relative_to(b):
        return "lies inside"
    return None


def unsafe_paths(config: dict, project: Path) -> list[str]:
    """One sentence per configured output folder that equals, contains or lies inside what the user owns."""
    project = Path(project).resolve()
    owned = {"data_dir": resolved(config["data_dir"], project)}
    owned.update({f"the project's {name}/": project / name for name in SOURCE_FOLDERS})
    problems = []
    for key in OUTPUTS:
        if key not in config:
            continue
        out = resolved(config[key], project)
        if out == project or project.is_relative_to(out):
            problems.append(f"{key} {'is' if out == project else 'contains'} the project folder itself")
            continue
        for name, folder in owned.items():
            how = overlaps(out, folder)
            if how is not None:
                problems.append(f"{key} {how} {name}")
        if key in REPLACED_WHOLE:
            problems += replaced_whole_overlaps(key, out, config, project)
    return problems


def replaced_whole_overlaps(key: str, out: Path, config: dict, project: Path) -> list[str]:
    """How a folder replaced whole (book_dir, release_dir) overlaps the other output folders it must stay apart from:
    the book may not hold them; the release may not touch them at all (said once, under release_dir)."""
    problems = []
    for other in OUTPUTS:
        if other in (key, "release_dir") or other not in config:
            continue
        how = overlaps(out, resolved(config[other], project))
        if how in ("is", "contains") or (how and key == "release_dir"):
            problems.append(f"{key} {how} {other}")
    return problems


def refusal(config: dict, project: Path) -> str | None:
    """The message that stops the workflow before any job, or None when every output folder is safe."""
    problems = unsafe_paths(config, project)
    if not problems:
        return None
    return ("Refusing to run, nothing was changed: " + "; ".join(problems) + ". Output folders (results_dir, logs_dir, "
            "book_dir, release_dir) are written, replaced and deleted by the workflow, so each must be a folder of its own, "
            "outside data_dir and the project's sources; set them with --config.")


RESULTS_OUTSIDE = (
    "The book cannot be rendered with results_dir outside the project folder (Typst refuses a figure outside "
    "the project root), so nothing was run: set results_dir to a folder inside the project, or build "
    "everything but the book with `snakemake --cores 4 analyses`."
)


def book_results_refusal(config: dict, project: Path) -> str | None:
    """The sentence that stops a run that would render the book from results outside the project, or None."""
    project = Path(project).resolve()
    return None if resolved(config["results_dir"], project).is_relative_to(project) else RESULTS_OUTSIDE
