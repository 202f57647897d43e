"""Cost on a SLURM cluster: cold `snakemake analyses` locally, through SLURM ungrouped, and through SLURM grouped.

    bash ci/local-slurm.sh start                      # or any cluster where sbatch works
    pip install -e ".[slurm]"
    python benchmarks/slurm_benchmark.py --repeats 3  # prints the table for BENCHMARKS.md

Each build runs on a fresh temporary copy of the project (bundled data). SLURM builds use profiles/slurm
as it is (one group), the same profile with its `groups` and `group-components` keys removed (ungrouped),
and with a group per stage (validation; analyses) for comparison; jobs submitted are the "submitted with SLURM jobid" lines of Snakemake's output.
"""

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import copy_project  # noqa: E402  (the same copy the workflow tests use)

SUBMITTED = re.compile(r"has been submitted with SLURM jobid (\d+)")
GROUP_KEYS = ("groups", "group-components")


def write_profile(dest: Path, grouping: str) -> Path:
    """The project's SLURM profile in a folder of its own, its job groups as they are ("profile"),
    removed ("none"), or one per stage ("stages": validation, analyses)."""
    settings = yaml.safe_load((ROOT / "profiles" / "slurm" / "config.yaml").read_text())
    if grouping != "profile":
        rules = list(settings.get("groups", {}))
        settings = {k: v for k, v in settings.items() if k not in GROUP_KEYS}
    if grouping == "stages":
        settings["groups"] = {r: "validate" if r.startswith("validate") else "analyse" for r in rules}
        settings["group-components"] = {"validate": 30, "analyse": 30}
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "config.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
    return dest


def cold_build(tmp: Path, args: list[str]) -> tuple[float, int]:
    """A cold `analyses` on a fresh copy; its wall time and the number of SLURM submissions."""
    project = copy_project(Path(tempfile.mkdtemp(dir=tmp)) / "project")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "snakemake", *args, "analyses"], cwd=project, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"snakemake {' '.join(args)} failed:\n{proc.stderr[-4000:]}")
    shutil.rmtree(project)
    return elapsed, len(SUBMITTED.findall(proc.stdout + proc.stderr))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    if not shutil.which("sbatch"):
        sys.exit("sbatch is not on PATH: start a cluster first (bash ci/local-slurm.sh start)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        setups = {
            "local, `--cores 2`": ["--cores", "2"],
            "SLURM, ungrouped": ["--profile", str(write_profile(tmp / "ungrouped", "none"))],
            "SLURM, a group per stage": ["--profile", str(write_profile(tmp / "stages", "stages"))],
            "SLURM, one group (profiles/slurm)": ["--profile", str(write_profile(tmp / "grouped", "profile"))],
        }
        results = {name: [cold_build(tmp, cmd) for _ in range(args.repeats)] for name, cmd in setups.items()}
    nodes = subprocess.run(["sinfo", "-h", "-o", "%D nodes, %c CPUs each"], capture_output=True, text=True).stdout.strip()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; SLURM: {nodes}\n")
    print(f"| cold `snakemake analyses`, bundled data | wall seconds (median of {args.repeats}) | range | jobs submitted to SLURM |")
    print("|---|---|---|---|")
    for name, runs in results.items():
        times, jobs = [t for t, _ in runs], sorted({j for _, j in runs})
        print(f"| {name} | {statistics.median(times):.1f} | {min(times):.1f}-{max(times):.1f} | {', '.join(map(str, jobs))} |")


if __name__ == "__main__":
    main()
