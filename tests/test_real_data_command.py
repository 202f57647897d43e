"""The README's real-data command: data and results in folders of their own, outside the project."""

import shutil
from pathlib import Path

import pytest

from conftest import copy_project, snakemake
from goodcare import paths


def overridden(tmp_path):
    """A project whose tables live only in a folder of their own, and the README command's --config for it."""
    project = copy_project(tmp_path / "project")
    secure = tmp_path / "secure"
    shutil.copytree(project / "data", secure / "study-data")
    for table in project.glob("data/*.csv"):
        table.unlink()  # only the overridden folder holds the tables: a build that found them used it
    return project, secure, ["--config", f"data_dir={secure / 'study-data'}", f"results_dir={project / 'study-results'}"]


def test_the_readme_command_plans_the_book(tmp_path):
    project, _, config = overridden(tmp_path)
    plan = snakemake(project, "-n", *config)
    assert "render" in plan.stdout and "validate_table" in plan.stdout


@pytest.mark.slow
def test_the_readme_command_builds_the_analyses_with_results_outside(tmp_path):
    project, secure, _ = overridden(tmp_path)
    config = ["--config", f"data_dir={secure / 'study-data'}", f"results_dir={secure / 'results'}"]
    snakemake(project, "analyses", *config)
    assert len(list((secure / "results" / "values").glob("*.json"))) > 5
    assert (secure / "results" / "disclosure" / "report.json").is_file()
    assert not (project / "results").exists()
    assert sorted(p.name for p in (secure / "study-data").glob("*.csv")) == sorted(p.name for p in (Path(__file__).parents[1] / "data").glob("*.csv"))


def test_the_book_with_results_outside_the_project_stops_before_any_job(tmp_path):
    project, secure, _ = overridden(tmp_path)
    proc = snakemake(project, "--config", f"data_dir={secure / 'study-data'}", f"results_dir={secure / 'results'}", check=False)
    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines()[-1] == paths.RESULTS_OUTSIDE
    assert not (secure / "results").exists()  # nothing ran


def test_results_inside_the_project_may_feed_the_book(tmp_path):
    assert paths.book_results_refusal({"results_dir": "study-results"}, tmp_path) is None
    assert paths.book_results_refusal({"results_dir": str(tmp_path.parent / "elsewhere")}, tmp_path) == paths.RESULTS_OUTSIDE
