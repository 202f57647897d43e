"""The benchmark script runs end to end on a small setting (correctness, not timing)."""

import subprocess
import sys

import pytest

from conftest import EVERY_GATE, ROOT

# Six builds of the workflow: end to end, so out of the default run (CI runs it with -m e2e).
pytestmark = [pytest.mark.workflow, pytest.mark.e2e]


def test_benchmark_runs_end_to_end_on_small_data():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "benchmark.py"), "--small", "--repeats", "1"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert "| cold `analyses`, bundled data |" in out and "| no-op rebuild |" in out
    # The key ledger reads every chapter's staged cells, so every chapter's gate reruns after it.
    rerun = sorted({"analyse_howmade", "analyse_outcomes", "analyse_performance", "analyses", "changes", *EVERY_GATE, "disclosure_report", "validate_table"})
    assert f"Jobs rerun after the edit: {', '.join(rerun)}" in out
    assert "[benchmark" in proc.stderr and "scale: generating" in proc.stderr  # it says what it is doing
    assert "Scale (60 organisations, 1,500 participants)" in out and "in one call: not measured with --small" in out
    assert "| validate_codings |" in out
