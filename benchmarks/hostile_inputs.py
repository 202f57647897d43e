"""Peak memory and time of validating and importing pathological inputs, each in a fresh process.

    python benchmarks/hostile_inputs.py            # the full sizes of issue 14 (about 5 minutes, up to ~4 GB)
    python benchmarks/hostile_inputs.py --small    # a tenth of each, for a quick check

Prints a Markdown table (case, input size, peak RSS, seconds, first line of the report) for BENCHMARKS.md.
Each case runs in a subprocess so its peak resident memory (ru_maxrss) is its own; this process never holds a
case in memory (Linux carries a parent's high-water mark into a child it forks).
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = "participant_id,org_id,role,interviewed_by_co_researcher,age_band"

VALIDATE = """
import json, sys, pandas as pd
from goodcare.validate import validate_file
problems = validate_file("participants", sys.argv[1], {"organisations": pd.DataFrame({"org_id": ["O001"]})}).problems
print(json.dumps({"n": len(problems), "last": problems[-1].as_text() if problems else "valid"}))
"""
IMPORT = """
import json, sys
from pathlib import Path
from goodcare.refi import RefiError, import_export
out = Path(sys.argv[2]); out.mkdir(exist_ok=True)
(out / "participants.csv").write_text("participant_id,role\\nP0001,carer\\n")
try:
    r = import_export(Path(sys.argv[1]), None, out, with_excerpts=True, force=True)
    print(json.dumps({"n": r["codings"]["segments"], "last": "imported"}))
except RefiError as err:
    print(json.dumps({"n": 1, "last": str(err)}))
"""


def write_repeated(path: Path, head: str, unit: str, times: int, tail: str = "") -> Path:
    """Write head + unit * times + tail a block at a time, so this process never holds the whole file."""
    block = 100_000
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(head)
        for start in range(0, times, block):
            handle.write(unit * min(block, times - start))
        handle.write(tail)
    return path


def csv_cases(folder: Path, scale: float) -> dict[str, Path]:
    """The CSV cases of issue 14 item 3, written at `scale` (1 = the issue's sizes)."""
    mb = int(100 * scale * 1_000_000)
    return {
        f"header + {mb // 10**6} MB of rows of commas": write_repeated(folder / "rows.csv", HEADER + "\n", ",,,,\n", mb // 5),
        f"header + {mb // 10 // 10**6} MB of rows of commas": write_repeated(folder / "rows10.csv", HEADER + "\n", ",,,,\n", mb // 50),
        f"header + one line of {mb // 10**6} million commas": write_repeated(folder / "line.csv", HEADER + "\n", ",", mb, "\n"),
        "a field of 2,000,000 characters": write_repeated(folder / "field.csv", HEADER + "\nP1,O001,carer,true,", "x", 2_000_000, "\n"),
        "CR-only line endings": write_repeated(folder / "cr.csv", HEADER + "\r", "P1,O001,carer,true,80+\r", 1),
    }


BUILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from refi_build import Src, write_project
kind, n = sys.argv[1], int(sys.argv[2])
if kind == "selections":
    write_project(Path(sys.argv[4]), [Src("P0001", "ab" * n, [(2 * i, 2 * i + 1, "INN01") for i in range(n)])])
else:
    write_project(Path(sys.argv[4]), [Src("P0001", f"text {i}", [(0, 4, "INN01")]) for i in range(n)])
"""


def refi_cases(folder: Path, scale: float) -> dict[str, Path]:
    """REFI cases (built in a subprocess): many selections in one source, many sources read for excerpts."""
    tests = str(Path(__file__).resolve().parents[1] / "tests")
    selections, sources = int(30_000 * max(scale, 0.1)), int(20_000 * max(scale, 0.1))
    cases = {}
    for kind, n, label in (("selections", selections, f"{selections} selections in one source"),
                           ("sources", sources, f"{sources} sources, excerpts read")):
        path = folder / f"{kind}.qdpx"
        subprocess.run([sys.executable, "-c", BUILD, kind, str(n), tests, str(path)], check=True)
        cases[label] = path
    return cases


def run_case(script: str, *args: str) -> tuple[int, float, dict]:
    """Peak RSS (MiB), seconds and the printed summary of one case in its own process."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", script + "\nimport resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)", *args],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        return 0, seconds, {"n": None, "last": f"FAILED: {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else proc.returncode}"}
    summary_line, rss = proc.stdout.strip().splitlines()[-2:]
    return int(rss) // 1024, seconds, json.loads(summary_line)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a tenth of each size")
    args = parser.parse_args(argv)
    scale = 0.1 if args.small else 1.0
    print("| case | input | peak RSS (MiB) | seconds | problems | last line of the report |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, path in csv_cases(folder, scale).items():
            rss, seconds, summary = run_case(VALIDATE, str(path))
            print(f"| {name} | {path.stat().st_size / 1e6:.1f} MB | {rss} | {seconds:.1f} | {summary['n']} | {summary['last'][:110]} |", flush=True)
        for name, path in refi_cases(folder, scale).items():
            rss, seconds, summary = run_case(IMPORT, str(path), str(folder / f"out-{path.stem}"))
            print(f"| {name} | {path.stat().st_size / 1e6:.1f} MB | {rss} | {seconds:.1f} | {summary['n']} | {summary['last'][:110]} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
