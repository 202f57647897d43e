"""The rule graph the book shows: docs/rulegraph.dot is Snakemake's own `--rulegraph`, and stays current."""

import pytest

from conftest import ROOT
from goodcare import rulegraph

DOT = '''digraph snakemake_dag {
    graph[bgcolor=white, margin=0];
	0[label = "all", color = "0.00 0.6 0.85", style="rounded"];
	1[label = "render", color = "0.59 0.6 0.85", style="rounded"];
	2[label = "validate_table", color = "0.64 0.6 0.85", style="rounded"];
	1 -> 0
	2 -> 1
	2 -> 2
}
'''


def test_parse_and_write_round_trip(tmp_path):
    rules, edges = rulegraph.parse_dot(DOT)
    assert rules == ["all", "render", "validate_table"]
    assert edges == [("render", "all"), ("validate_table", "render")]  # the self-loop is dropped
    path = tmp_path / "g.dot"
    path.write_text(rulegraph.normal_dot(rules, edges), encoding="utf-8")
    assert rulegraph.read_graph(path) == (rules, edges)


@pytest.mark.workflow
def test_the_committed_graph_is_the_workflows_own():
    committed = (ROOT / rulegraph.GRAPH_FILE).read_text(encoding="utf-8")
    current = rulegraph.normal_dot(*rulegraph.parse_dot(rulegraph.snakemake_rulegraph(ROOT)))
    assert committed == current, "docs/rulegraph.dot is out of date: run `python -m goodcare.rulegraph`"
