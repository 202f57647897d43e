"""The workflow's full rule graph, kept in docs/rulegraph.dot: written from Snakemake's own `--rulegraph`."""

import argparse
import re
import subprocess
import sys
from pathlib import Path

GRAPH_FILE = Path("docs") / "rulegraph.dot"
NODE = re.compile(r'^\s*(\d+)\[label = "([^"]+)"')
EDGE = re.compile(r"^\s*(\d+) -> (\d+)")


def parse_dot(dot: str) -> tuple[list[str], list[tuple[str, str]]]:
    """Rule names and (upstream, downstream) edges of a DOT rule graph, sorted, self-loops dropped."""
    ids = {m[1]: m[2] for m in map(NODE.match, dot.splitlines()) if m}
    edges = {(ids[m[1]], ids[m[2]]) for m in map(EDGE.match, dot.splitlines()) if m and m[1] != m[2]}
    return sorted(ids.values()), sorted(edges)


def normal_dot(rules: list[str], edges: list[tuple[str, str]]) -> str:
    """One stable DOT text for a rule graph (sorted names as node ids), so equal graphs give equal bytes."""
    lines = ["// The workflow's rule graph (default configuration), from `snakemake --rulegraph`.",
             "// Regenerate after changing the rules: python -m goodcare.rulegraph (a test checks it is current).",
             "digraph rules {"]
    lines += [f'    "{rule}";' for rule in rules]
    lines += [f'    "{a}" -> "{b}";' for a, b in edges]
    return "\n".join(lines + ["}"]) + "\n"


def read_graph(path: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """Rule names and edges of a graph file written by normal_dot."""
    text = Path(path).read_text(encoding="utf-8")
    rules = sorted(re.findall(r'^    "([^"]+)";$', text, flags=re.M))
    edges = sorted(re.findall(r'^    "([^"]+)" -> "([^"]+)";$', text, flags=re.M))
    return rules, edges


def depths(rules: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """Depth of each rule: 0 for rules with no upstream rule, else one more than its deepest input."""
    depth = {r: 0 for r in rules}
    for _ in rules:  # longest-path relaxation; the graph is small and acyclic
        for src, dst in edges:
            depth[dst] = max(depth[dst], depth[src] + 1)
    return depth


def snakemake_rulegraph(project: Path) -> str:
    """The rule graph as Snakemake itself draws it for the project's default target and configuration."""
    proc = subprocess.run([sys.executable, "-m", "snakemake", "--rulegraph", "--nolock", "--quiet"],
                          cwd=project, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"snakemake --rulegraph failed in {project}:\n{proc.stderr[-2000:]}")
    return proc.stdout


def main(argv: list[str] | None = None) -> None:
    """Command line: rewrite docs/rulegraph.dot from the workflow (run it from the project folder)."""
    parser = argparse.ArgumentParser(description="Write docs/rulegraph.dot from `snakemake --rulegraph`.")
    parser.add_argument("--project", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    target = args.project / GRAPH_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(normal_dot(*parse_dot(snakemake_rulegraph(args.project))), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
