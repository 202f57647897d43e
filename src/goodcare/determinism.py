"""Rebuild `analyses` from scratch in a temporary copy and compare every output's hash with a build."""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from goodcare.provenance import git_commit
from goodcare.records import digests

PROJECT_PARTS = ["Snakefile", "rules", "scripts", "config", "envs", "data", "src", "chapters", "assets", "docs", "_quarto.yml",
                 "_quarto-synthetic.yml", "index.qmd", "CITATION.cff", "snapshots", "environment.yml", "pyproject.toml"]
STEP = re.compile(r"\d+ of \d+ steps \(\d+%\) done")  # Snakemake's progress line
COMPARED = ["validated", "tables", "figures", "values"]  # provenance records name the commit, so they are left out


def output_hashes(results: Path) -> dict[str, str]:
    """SHA-256 of every compared output below a results folder, keyed by path relative to it."""
    folders = [results / part for part in COMPARED if (results / part).exists()]
    return {Path(p).relative_to(results).as_posix(): h for p, h in digests(folders).items()}


def copy_project(project: Path, dest: Path) -> Path:
    """Copy what the workflow needs (no results, logs or Snakemake records): a clean clone, for the workflow."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = project / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        elif src.exists():
            shutil.copy2(src, dest / part)
    return dest


def fresh_build(project: Path, workdir: Path, cores: int = 2, progress=None) -> Path:
    """Copy the project (no results, no Snakemake records) and build `analyses` there; return its results."""
    copy_project(project, workdir)
    env = {**os.environ, "GOODCARE_COMMIT": git_commit(project)}  # the copy has no git history of its own
    command = [sys.executable, "-m", "snakemake", "--cores", str(cores), "analyses"]
    with subprocess.Popen(command, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
        output = []
        for line in proc.stdout:
            output.append(line)
            if progress and STEP.search(line):
                progress(f"  rebuild: {STEP.search(line)[0]}")
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, command, "".join(output[-40:]))
    return workdir / "results"


def differences(a: dict[str, str], b: dict[str, str]) -> list[str]:
    """Outputs that are missing on one side or differ in content."""
    return [f"{name}: {'missing in rebuild' if name not in b else 'missing in build' if name not in a else 'differs'}"
            for name in sorted(set(a) | set(b)) if a.get(name) != b.get(name)]


def main(argv=None) -> int:
    """Command line: python -m goodcare.determinism [--project .] [--results results]."""
    parser = argparse.ArgumentParser(description="Rebuild analyses from scratch and compare every output's hash.")
    parser.add_argument("--project", type=Path, default=Path.cwd())
    parser.add_argument("--results", type=Path, default=None, help="the build to compare with (default: PROJECT/results)")
    args = parser.parse_args(argv)
    current = output_hashes(args.results or args.project / "results")
    if not current:
        print("No build to compare with: run `snakemake --cores 4 analyses` first.")
        return 2
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731 (progress on stderr, results on stdout)
    say(f"Rebuilding `analyses` from scratch in a temporary copy to compare {len(current)} outputs (about a minute) ...")
    with tempfile.TemporaryDirectory() as tmp:
        rebuilt = output_hashes(fresh_build(args.project.resolve(), Path(tmp), progress=say))
    diff = differences(current, rebuilt)
    for line in diff:
        print(line)
    print(f"{len(current)} outputs compared, {len(diff)} difference(s).")
    return 1 if diff else 0


if __name__ == "__main__":
    raise SystemExit(main())
