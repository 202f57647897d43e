"""Benchmark of the book's render: cold (site + PDF), after an edit to one chapter's prose, kernel start-up share.

    python benchmarks/render_benchmark.py --repeats 2     # needs Quarto on PATH; about 10 minutes; prints markdown

Progress goes to stderr; the table goes to stdout (copied into BENCHMARKS.md by hand).
"""

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from benchmark import copy_project, machine, say, snakemake  # noqa: E402  (the same helpers as the main benchmark)

CHAPTER = "chapters/06-outcomes.qmd"


def render_seconds(project: Path) -> tuple[float, str]:
    """Run the render job alone (everything before it is built) and return its wall time and Quarto's log."""
    seconds = snakemake(project, "--forcerun", "render")[0]
    return seconds, (project / "logs" / "render" / "quarto.log").read_text(encoding="utf-8")


def edit_prose(project: Path, i: int) -> float:
    """Add a sentence to one chapter's prose and rebuild the default target (only the render reruns)."""
    path = project / CHAPTER
    path.write_text(path.read_text(encoding="utf-8") + f"\nA sentence added for the benchmark, edit number {'I' * (i + 1)}.\n",
                    encoding="utf-8")
    return snakemake(project)[0]


def kernel_start_seconds(repeats: int) -> float:
    """One Jupyter kernel start with the chapters' usual imports, as Quarto pays it for every chapter and format."""
    import nbformat
    from nbclient import NotebookClient

    cell = nbformat.v4.new_code_cell("from goodcare import book\nfrom IPython.display import Markdown")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        NotebookClient(nbformat.v4.new_notebook(cells=[cell]), kernel_name="python3").execute()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp) / "project")
        say("building everything up to the book, then the book once (warm-up)")
        snakemake(project)
        cold, logs = [], ""
        for i in range(args.repeats):
            say(f"cold render {i + 1} of {args.repeats}")
            seconds, logs = render_seconds(project)
            cold.append(seconds)
        edits = []
        for i in range(args.repeats):
            say(f"edit loop {i + 1} of {args.repeats}: one sentence in {CHAPTER}")
            edits.append(edit_prose(project, i))
        starts = len(re.findall(r"Starting python3 kernel", logs))
        pages = len(re.findall(r"^\s*\[\s*\d+/\d+\]", logs, flags=re.M))
    say("kernel start-up")
    kernel = kernel_start_seconds(3)
    print(f"Machine: {machine()}\n")
    print(f"| measure | seconds (median of {args.repeats}) |\n|---|---|")
    print(f"| render job, site + PDF (cold: `--forcerun render`) | {statistics.median(cold):.1f} |")
    print(f"| default target after one sentence changed in {CHAPTER} | {statistics.median(edits):.1f} |")
    print(f"| one kernel start with the chapters' imports | {kernel:.2f} |\n")
    print(f"Quarto rendered {pages} documents and started {starts} kernels (every chapter once per format): about "
          f"{starts * kernel:.0f} s of kernel start-up, {100 * starts * kernel / statistics.median(cold):.0f}% of the render.")


if __name__ == "__main__":
    main()
