"""Back matter (How this was made): software versions, input hashes, code version and the workflow graph."""

import subprocess
import sys
from pathlib import Path

import pandas as pd

from goodcare import provenance
from goodcare.outputs import ChapterResult, Figure, Table, about_no_one


class GraphPlot:
    """A matplotlib drawing of the rule graph with the `save` call the output writer uses."""

    def __init__(self, nodes: dict[int, str], edges: list[tuple[int, int]]):
        self.nodes, self.edges = nodes, edges

    def save(self, path, format="svg", width=6.3, height=3.6, verbose=False, metadata=None):
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        depth = provenance.layers(self.nodes, self.edges)
        columns: dict[int, list[int]] = {}
        for node in sorted(self.nodes, key=lambda n: (depth[n], self.nodes[n])):
            columns.setdefault(depth[node], []).append(node)
        # Top to bottom, one row per depth; wide rows are spread over the full width.
        pos = {n: (1.4 * (i - (len(col) - 1) / 2), -d) for d, col in columns.items() for i, n in enumerate(col)}
        fig, ax = plt.subplots(figsize=(width, height))
        for src, dst in self.edges:
            ax.annotate("", xy=pos[dst], xytext=pos[src], arrowprops={"arrowstyle": "->", "color": "#888888", "shrinkA": 14, "shrinkB": 14})
        for node, (x, y) in pos.items():
            ax.text(x, y, self.nodes[node].replace("_", "\n", 1), ha="center", va="center", fontsize=7,
                    bbox={"boxstyle": "round", "facecolor": "#e8f1f8", "edgecolor": "#0072B2"})
        ax.set_xlim(min(x for x, _ in pos.values()) - 0.8, max(x for x, _ in pos.values()) + 0.8)
        ax.set_ylim(-max(depth.values()) - 0.5, 0.5)
        ax.axis("off")
        fig.subplots_adjust(left=0.01, right=0.99, top=0.98, bottom=0.02)
        fig.savefig(path, format=format, metadata=metadata)
        plt.close(fig)


def workflow_graph(snakefile: Path) -> tuple[dict[int, str], list[tuple[int, int]]]:
    """The rule graph as Snakemake itself reports it."""
    dot = subprocess.run([sys.executable, "-m", "snakemake", "--rulegraph", "--nolock", "--quiet", "-s", str(snakefile)],
                         cwd=snakefile.parent, capture_output=True, text=True, check=True).stdout
    return provenance.rule_graph(dot)


def analyse(frames: dict[str, pd.DataFrame], seed: int = 0, reps: int = 0, level: float = 0.95, inputs: list[str] | None = None, snakefile: str = "Snakefile") -> ChapterResult:
    """Record software, input hashes and the workflow graph (no timestamps, so reruns are identical)."""
    versions = provenance.package_versions()
    hashes = pd.DataFrame({"File": [Path(p).name if "instruments" not in p else f"instruments/{Path(p).name}" for p in inputs or []],
                           "SHA-256": [provenance.sha256(Path(p)) for p in inputs or []]})
    nodes, edges = workflow_graph(Path(snakefile).resolve())
    alt = (f"Diagram of the workflow's {len(nodes)} rules and the order they run in: "
           + "; ".join(f"{nodes[s]} feeds {nodes[d]}" for s, d in edges) + ".")
    graph = pd.DataFrame({"from": [nodes[s] for s, _ in edges], "to": [nodes[d] for _, d in edges]})
    software = pd.DataFrame({"Package": list(versions), "Version": list(versions.values())})
    # Versions, hashes, rule names, the commit and the rule count describe the software and files, not
    # people or organisations: each is a number about no one (whole columns for tables and the figure).
    return ChapterResult(
        tables={"software": Table(software, about_no_one("Version", where="column")),
                "input-hashes": Table(hashes, about_no_one("SHA-256", where="column"))},
        figures={"howmade-workflow": Figure(GraphPlot(nodes, edges), graph, alt, height=4.2, cells=about_no_one("from", "to", where="column"), labels=0)},
        values={"commit": provenance.git_commit(Path(snakefile).resolve().parent), "n_rules": len(nodes)},
        value_cells=about_no_one("commit", "n_rules"),
    )
