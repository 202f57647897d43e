"""The benchmark script runs end to end on a small setting (correctness, not timing)."""

import subprocess
import sys

import pytest

from conftest import ROOT

pytestmark = pytest.mark.workflow


def test_benchmark_runs_end_to_end_on_small_data():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "benchmark.py"), "--small", "--repeats", "1"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert "| cold `analyses`, bundled data |" in out and "| no-op rebuild |" in out
    assert "Jobs rerun after the edit: analyse_howmade, analyse_outcomes, analyse_performance, analyses, disclose_howmade, disclose_outcomes, disclose_performance, disclosure_report, validate_table" in out
    assert "Scale (200 organisations, 5,000 participants)" in out and "in one call (validation included)" in out
    assert "| validate_codings |" in out
