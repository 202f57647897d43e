"""Back matter (How this was made): software versions, input hashes, the pipeline by stage and the rule graph."""

from pathlib import Path

import pandas as pd

from goodcare import provenance, rulegraph
from goodcare.outputs import ChapterResult, Figure, Table, about_no_one

# What each rule file of the workflow does, in the order data flow through them.
STAGE_LABELS = {"refi": "Import (REFI-QDA)", "validate": "Validate", "analyse": "Analyse",
                "disclosure": "Disclosure gate", "book": "Render"}
BOX = {"boxstyle": "round,pad=0.5", "facecolor": "#e8f1f8", "edgecolor": "#0072B2"}
END = {"boxstyle": "round,pad=0.5", "facecolor": "#f2f2f2", "edgecolor": "#555555"}


class StagePlot:
    """The pipeline as one row of boxes, data to book, each stage with its number of rules."""

    def __init__(self, boxes: list[str]):
        self.boxes = boxes

    def save(self, path, format="svg", width=6.3, height=0.8, verbose=False, metadata=None):
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(width, height))
        xs = [i / (len(self.boxes) - 1) for i in range(len(self.boxes))]
        for i, (x, text) in enumerate(zip(xs, self.boxes)):
            ax.text(x, 0.5, text, ha="center", va="center", fontsize=7.5, bbox=END if i in (0, len(xs) - 1) else BOX)
        for a, b in zip(xs, xs[1:]):
            ax.annotate("", xy=(b - 0.075, 0.5), xytext=(a + 0.075, 0.5),
                        arrowprops={"arrowstyle": "-|>", "color": "#555555", "lw": 1.2})
        ax.set_xlim(-0.09, 1.09)
        ax.set_ylim(0, 1)
        ax.axis("off")
        fig.subplots_adjust(left=0, right=1, top=1, bottom=0)
        fig.savefig(path, format=format, metadata=metadata)
        plt.close(fig)


class RuleGraphPlot:
    """Every rule, one row per depth in the graph, with an arrow from each rule to those that read its outputs."""

    def __init__(self, rules: list[str], edges: list[tuple[str, str]]):
        self.rules, self.edges = rules, edges

    def save(self, path, format="svg", width=11.0, height=7.5, verbose=False, metadata=None):
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        depth = rulegraph.depths(self.rules, self.edges)
        rows: dict[int, list[str]] = {}
        for rule in sorted(self.rules, key=lambda r: (depth[r], r)):
            rows.setdefault(depth[rule], []).append(rule)
        pos = {r: ((i + 0.5) / len(row), -d) for d, row in rows.items() for i, r in enumerate(row)}
        fig, ax = plt.subplots(figsize=(width, height))
        for a, b in self.edges:
            ax.annotate("", xy=pos[b], xytext=pos[a], arrowprops={"arrowstyle": "->", "color": "#999999", "shrinkA": 9, "shrinkB": 9, "lw": 0.6})
        for rule, (x, y) in pos.items():
            ax.text(x, y, rule.replace("_", "\n", 1), ha="center", va="center", fontsize=6.5, bbox=BOX)
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-max(rows) - 0.5, 0.5)
        ax.axis("off")
        fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.01)
        fig.savefig(path, format=format, metadata=metadata)
        plt.close(fig)


def stage_table(stages: list[dict]) -> pd.DataFrame:
    """One row per stage of the pipeline: its name, the rule file that defines it and its rules."""
    return pd.DataFrame([{"stage": STAGE_LABELS.get(s["stage"], s["stage"]), "rule_file": f"rules/{s['stage']}.smk",
                          "rules": len(s["rules"]), "rule_names": " ".join(s["rules"])} for s in stages])


def analyse(frames: dict[str, pd.DataFrame], seed: int = 0, reps: int = 0, level: float = 0.95, inputs: list[str] | None = None,
            stages: list[dict] | None = None, rulegraph_file: str | None = None, project: str = ".") -> ChapterResult:
    """Record software, input hashes, the pipeline by stage and the full rule graph (no timestamps)."""
    versions = provenance.package_versions()
    hashes = pd.DataFrame({"File": [Path(p).name if "instruments" not in p else f"instruments/{Path(p).name}" for p in inputs or []],
                           "SHA-256": [provenance.sha256(Path(p)) for p in inputs or []]})
    by_stage = stage_table(stages or [])
    boxes = ["Data\n(CSV tables)"] + [f"{r.stage}\n{r.rules} rule{'s' if r.rules != 1 else ''}" for r in by_stage.itertuples()] + ["Book\n(site + PDF)"]
    stage_alt = ("Diagram of the pipeline, left to right: the data tables, then "
                 + ", then ".join(f"{r.stage.lower()} ({r.rules} rule{'s' if r.rules != 1 else ''})" for r in by_stage.itertuples())
                 + ", and the book (site and PDF).")
    rules, edges = rulegraph.read_graph(Path(rulegraph_file)) if rulegraph_file else ([], [])
    graph_alt = (f"Diagram of the workflow's {len(rules)} rules, each with arrows to the rules that read its outputs: "
                 + "; ".join(f"{a} feeds {b}" for a, b in edges) + ".")
    edge_frame = pd.DataFrame(edges, columns=["from", "to"])
    software = pd.DataFrame({"Package": list(versions), "Version": list(versions.values())})
    # Versions, hashes, rule names, the commit and the rule count describe the software and files, not
    # people or organisations: each is a number about no one (whole columns for tables and the figures).
    return ChapterResult(
        tables={"software": Table(software, about_no_one("Version", where="column")),
                "input-hashes": Table(hashes, about_no_one("SHA-256", where="column"))},
        figures={"howmade-workflow": Figure(StagePlot(boxes), by_stage, stage_alt, height=0.8,
                                            cells=about_no_one("rules", where="column"), labels=2),
                 "howmade-rulegraph": Figure(RuleGraphPlot(rules, edges), edge_frame, graph_alt, width=11.0, height=7.5,
                                             cells=about_no_one("from", "to", where="column"), labels=0)},
        values={"commit": provenance.git_commit(Path(project).resolve()), "n_rules": len(rules),
                "n_stages": len(by_stage)},
        value_cells=about_no_one("commit", "n_rules", "n_stages"),
    )
