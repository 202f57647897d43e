"""Benchmarks of the workflow on this machine: cold and no-op builds, the edit loop, scale, validation cost.

    python benchmarks/benchmark.py                       # full run (about 10 minutes), prints markdown
    python benchmarks/benchmark.py --small --repeats 1   # a quick end-to-end check (CI runs this; no one-call rebuild)

Progress goes to stderr as each measurement starts; the tables go to stdout.

Not part of the test suite's timing: numbers are written to BENCHMARKS.md by hand from this output.
"""

import argparse
import csv
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import copy_project  # noqa: E402  (the same copy the workflow tests use)

from goodcare import generate  # noqa: E402
from goodcare.validate import validate_folder  # noqa: E402

TABLES = ["organisations", "participants", "outcomes", "experience", "codebook", "codings"]


def say(text: str) -> None:
    """Progress for the person waiting (stderr, so the markdown on stdout stays clean)."""
    print(f"[benchmark {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def run(cmd: list[str], cwd: Path) -> tuple[float, str]:
    """Run a command; return its wall time and output (raise if it fails)."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr[-3000:]}")
    return elapsed, proc.stdout + proc.stderr


def snakemake(project: Path, *args: str) -> tuple[float, str]:
    return run([sys.executable, "-m", "snakemake", "--cores", "2", *args], project)


def median_of(repeats: int, measure) -> float:
    return statistics.median(measure() for _ in range(repeats))


def cold_and_noop(project: Path, repeats: int) -> dict:
    """Cold `analyses` (results and Snakemake records removed each time) and the no-op rebuild."""
    def cold():
        say("cold `analyses` on the bundled data")
        for part in ("results", "logs", ".snakemake"):
            shutil.rmtree(project / part, ignore_errors=True)
        return snakemake(project, "analyses")[0]

    cold_time = median_of(repeats, cold)
    say("no-op rebuild")
    return {"cold": cold_time, "noop": median_of(repeats, lambda: snakemake(project, "analyses")[0])}


def edit_loop(project: Path, repeats: int) -> dict:
    """Change one answer in outcomes.csv, rebuild; report the jobs that reran and the time."""
    path = project / "data" / "outcomes.csv"
    original = path.read_bytes()
    times, jobs = [], ""
    for i in range(repeats):
        say(f"edit loop {i + 1} of {repeats}: one answer in outcomes.csv")
        lines = original.decode().splitlines(keepends=True)
        fields = lines[1].split(",")
        fields[2] = str(1 + (int(fields[2]) + i) % 4)
        lines[1] = ",".join(fields)
        path.write_text("".join(lines))
        jobs = snakemake(project, "analyses", "--dry-run")[1]
        times.append(snakemake(project, "analyses")[0])
    path.write_bytes(original)
    snakemake(project, "analyses")
    rerun = sorted({line.split()[1].rstrip(":") for line in jobs.splitlines() if line.startswith(("rule ", "localrule "))})
    return {"edit": statistics.median(times), "jobs": rerun}


def peak_rss_mb(folder: Path) -> dict[str, float]:
    """Peak memory per job, from Snakemake's own benchmark files."""
    peaks = {}
    for tsv in sorted(folder.glob("*.tsv")):
        rows = list(csv.DictReader(tsv.open(), delimiter="\t"))
        peaks[tsv.stem] = (float(rows[-1]["s"]), float(rows[-1]["max_rss"]))
    return peaks


def scale(project: Path, organisations: int, participants: int, tmp: Path, one_call: bool = True) -> dict:
    """Generate a large data set, then validate and analyse it with the unchanged workflow (and, with `one_call`,
    analyse it again from scratch in one call)."""
    data, res, logs = tmp / "big", tmp / "bigres", tmp / "biglogs"
    say(f"scale: generating {organisations:,} organisations and {participants:,} participants")
    start = time.perf_counter()
    generate.write_tables(generate.generate(organisations, participants), data)
    gen = time.perf_counter() - start
    cfg = ["--config", f"data_dir={data}", f"results_dir={res}", f"logs_dir={logs}"]
    say("scale: `validate`, then `analyses`")
    t_validate = snakemake(project, "validate", *cfg)[0]
    t_rest = snakemake(project, "analyses", *cfg)[0]
    jobs = peak_rss_mb(logs / "benchmark")
    t_one_call = None
    if one_call:  # a whole third build of the same commands: left out of the quick check
        shutil.rmtree(res)
        say("scale: `analyses` from scratch in one call")
        t_one_call = snakemake(project, "analyses", *cfg)[0]  # how an author runs it: validation and analyses together
    return {"generate": gen, "validate": t_validate, "analyses_after_validate": t_rest, "one_call": t_one_call,
            "jobs": jobs, "data": data}


def validation_ratios(data: Path, repeats: int) -> dict:
    """Validation set against a plain pandas load of the same files, and against frictionless if installed."""
    def plain():
        start = time.perf_counter()
        for t in TABLES:
            pd.read_csv(data / f"{t}.csv")
        return time.perf_counter() - start

    def ours():
        start = time.perf_counter()
        results = validate_folder(data)
        assert all(r.ok for r in results.values())
        return time.perf_counter() - start

    say("validation against a plain pandas load")
    out = {"plain": median_of(repeats, plain), "validate": median_of(repeats, ours)}
    out["frictionless"] = peer_ratio(data)
    return out


def peer_ratio(data: Path) -> dict | None:
    """One table (participants.csv) through frictionless, our validation and a plain load; frictionless
    checks row by row in Python, so the whole data set would take too long to be worth repeating."""
    try:
        from frictionless import Resource
        from frictionless import validate as fl_validate
    except ImportError:
        return None

    def peer():
        # Relative path + basepath (frictionless refuses absolute paths as unsafe); UTF-8 stated, since its
        # encoding detection from a sample can guess wrong.
        report = fl_validate(Resource(path="participants.csv", basepath=str(data), encoding="utf-8"))
        assert report.valid, report.flatten(["type", "message"])[:3]

    from goodcare.validate import validate_file

    orgs = validate_file("organisations", data / "organisations.csv", {}).frame
    timings = {}
    for name, call in {"frictionless": peer,
                       "ours": lambda: validate_file("participants", data / "participants.csv", {"organisations": orgs}),
                       "plain": lambda: pd.read_csv(data / "participants.csv")}.items():
        start = time.perf_counter()
        call()
        timings[name] = time.perf_counter() - start
    return timings


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.machine()}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}, {platform.platform()}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a small scale setting (for CI: correctness, not timing)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    orgs, people = (60, 1500) if args.small else (10_000, 1_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        project = copy_project(tmp / "project")
        base = cold_and_noop(project, args.repeats)
        edit = edit_loop(project, args.repeats)
        big = scale(project, orgs, people, tmp, one_call=not args.small)
        ratios = validation_ratios(big["data"], 1 if not args.small else args.repeats)
    print(f"Machine: {machine()}\n")
    print(f"| measure | seconds (median of {args.repeats}) |\n|---|---|")
    print(f"| cold `analyses`, bundled data | {base['cold']:.1f} |\n| no-op rebuild | {base['noop']:.2f} |")
    print(f"| edit loop (one value in outcomes.csv) | {edit['edit']:.1f} |\n")
    print(f"Jobs rerun after the edit: {', '.join(edit['jobs'])}\n")
    print(f"Scale ({orgs:,} organisations, {people:,} participants): generate {big['generate']:.1f} s, "
          f"`validate` alone {big['validate']:.1f} s, then `analyses` {big['analyses_after_validate']:.1f} s; "
          + (f"`analyses` from scratch in one call (validation included) {big['one_call']:.1f} s\n" if big["one_call"] is not None
             else "`analyses` from scratch in one call: not measured with --small\n"))
    print("| job | seconds | peak memory (MB) |\n|---|---|---|")
    for job, (secs, rss) in big["jobs"].items():
        print(f"| {job} | {secs:.1f} | {rss:.0f} |")
    print(f"\nValidation of every table in one process: {ratios['validate']:.1f} s; plain pandas load {ratios['plain']:.1f} s "
          f"(ratio {ratios['validate'] / ratios['plain']:.1f}x)")
    fl = ratios["frictionless"]
    if fl:
        print(f"participants.csv alone: frictionless {fl['frictionless']:.1f} s, ours {fl['ours']:.1f} s, plain load {fl['plain']:.1f} s "
              f"(frictionless / ours = {fl['frictionless'] / fl['ours']:.1f}x)")
    else:
        print("frictionless is not installed (pip install -e '.[bench]')")


if __name__ == "__main__":
    main()
