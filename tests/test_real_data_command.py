"""The README's real-data command: data and results in folders of their own, outside the project."""

import shutil
from pathlib import Path

from conftest import copy_project, snakemake


def test_the_readme_command_plans_the_book_and_builds_the_analyses(tmp_path):
    project = copy_project(tmp_path / "project")
    secure = tmp_path / "secure"
    shutil.copytree(project / "data", secure / "study-data")
    for table in project.glob("data/*.csv"):
        table.unlink()  # only the overridden folder holds the tables: a build that found them used it
    config = ["--config", f"data_dir={secure / 'study-data'}", f"results_dir={secure / 'results'}"]
    plan = snakemake(project, "-n", *config)
    assert "render" in plan.stdout and "validate_table" in plan.stdout
    snakemake(project, "analyses", *config)
    assert len(list((secure / "results" / "values").glob("*.json"))) > 5
    assert (secure / "results" / "disclosure" / "report.json").is_file()
    assert not (project / "results").exists()
    assert sorted(p.name for p in (secure / "study-data").glob("*.csv")) == sorted(p.name for p in (Path(__file__).parents[1] / "data").glob("*.csv"))
