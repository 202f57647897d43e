"""The workflow on a real SLURM cluster through the executor plugin and profiles/slurm: same bytes as a local
run, and a validation failure surfaces as a failed SLURM job with the rule's log kept.

Skips (with the reason) where there is no cluster; GOODCARE_REQUIRE_SLURM=1 (set by .ci/run) turns the skip
into a failure, so CI cannot hide this test. A local cluster: `bash ci/local-slurm.sh start`.
"""

import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, copy_project
from goodcare.determinism import differences, output_hashes

pytestmark = [pytest.mark.slurm, pytest.mark.workflow]

SUBMITTED = re.compile(r"has been submitted with SLURM jobid (\d+)")


def cluster_problem() -> str | None:
    """Why the SLURM tests cannot run here, or None if they can."""
    if not shutil.which("sbatch"):
        return "sbatch is not on PATH (no SLURM cluster here; `bash ci/local-slurm.sh start` makes one)"
    try:
        import snakemake_executor_plugin_slurm  # noqa: F401
    except ImportError:
        return "snakemake-executor-plugin-slurm is not installed (pip install -e '.[slurm]')"
    try:
        idle = subprocess.run(["sinfo", "-h", "-t", "idle", "-o", "%D"], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "sinfo did not answer within 60 s (is slurmctld running?)"
    if idle.returncode != 0 or not idle.stdout.strip():
        return f"sinfo shows no idle node ({(idle.stderr or idle.stdout).strip() or 'none idle'})"
    return None


# Session scope, like built_project, so that the skip comes before the local build it would need.
@pytest.fixture(scope="session")
def cluster():
    problem = cluster_problem()
    if problem and os.environ.get("GOODCARE_REQUIRE_SLURM") == "1":
        pytest.fail(f"GOODCARE_REQUIRE_SLURM=1 but {problem}")
    if problem:
        pytest.skip(problem)


def slurm_project(dest):
    """A clean copy of the project with its SLURM profile."""
    project = copy_project(dest)
    shutil.copytree(ROOT / "profiles", project / "profiles")
    return project


def run_on_slurm(project, *args):
    """`snakemake --profile profiles/slurm ARGS` in `project`; the process and the SLURM job ids it submitted."""
    cmd = [sys.executable, "-m", "snakemake", "--profile", "profiles/slurm", *args]
    proc = subprocess.run(cmd, cwd=project, capture_output=True, text=True, timeout=600)
    return proc, SUBMITTED.findall(proc.stdout + proc.stderr)


def slurm_states(job_ids) -> dict[str, str]:
    """SLURM's own final state of each job (squeue keeps finished jobs for MinJobAge seconds)."""
    out = subprocess.run(["squeue", "-h", "-t", "all", "-j", ",".join(job_ids), "-o", "%i %T"], capture_output=True, text=True)
    return dict(line.split() for line in out.stdout.splitlines())


def test_slurm_build_equals_local_build_byte_for_byte(cluster, built_project, tmp_path):
    project = slurm_project(tmp_path / "project")
    proc, job_ids = run_on_slurm(project, "analyses")
    assert proc.returncode == 0, proc.stderr[-6000:]
    # The profile groups every job of `analyses` (validation, analyses, disclosure gates) into one submission.
    assert len(job_ids) == 1, proc.stderr[-3000:]
    assert set(slurm_states(job_ids).values()) == {"COMPLETED"}
    slurm, local = output_hashes(project / "results"), output_hashes(built_project / "results")
    assert len(local) > 50
    assert differences(local, slurm) == []


def test_validation_failure_on_slurm_fails_the_run_and_keeps_the_log(cluster, tmp_path):
    project = slurm_project(tmp_path / "project")
    data = tmp_path / "bad-data"
    shutil.copytree(project / "data", data)
    lines = (data / "outcomes.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    fields = lines[1].rstrip("\n").split(",")
    fields[2] = "7"  # current_level must be 1-4
    lines[1] = ",".join(fields) + "\n"
    (data / "outcomes.csv").write_text("".join(lines), encoding="utf-8")

    proc, job_ids = run_on_slurm(project, "analyses", "--config", f"data_dir={data}")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert job_ids, out[-3000:]
    # Snakemake reports the failed group job with SLURM's output of it, which is kept; SLURM records the failure.
    assert "Error in group study" in out, out[-3000:]
    slurm_log = re.search(r"log: (\S*\.snakemake/slurm_logs/\S+/(\d+)\.log)", out)
    assert slurm_log and (project / slurm_log.group(1)).is_file(), out[-3000:]
    assert slurm_states([slurm_log.group(2)]) == {slurm_log.group(2): "FAILED"}
    assert "outcomes.csv:2 column 'current_level'" in (project / slurm_log.group(1)).read_text()
    # The rule's own log and report are kept, and name the line, column and check.
    log = project / "logs" / "validate" / "outcomes.log"
    assert "outcomes.csv:2 column 'current_level'" in log.read_text()
    report = project / "logs" / "validate" / "outcomes.report.json"
    assert '"valid": false' in report.read_text()
    # Nothing was analysed from the broken table.
    assert not (project / "results" / "values" / "outcomes.json").exists()
