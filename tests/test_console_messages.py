"""Under Snakemake a failed job's one-line message reaches the console, not only its log."""

import pytest

from conftest import copy_project, snakemake

from refi_build import Src, write_project


@pytest.mark.slow
def test_a_failed_refi_import_shows_its_message_in_the_console(tmp_path):
    project = copy_project(tmp_path / "project")
    export = write_project(tmp_path / "export.qdpx", [Src("nobody", "Some text.", [(0, 4, "INN01")])])
    proc = snakemake(project, "--config", f"qdpx={export}", "--", "results/refi/codings.csv", check=False)
    assert proc.returncode != 0
    line = next(l for l in proc.stderr.splitlines() if l.startswith("import_qdpx: "))
    assert "export.qdpx" in line and "not one participant id" in line
    assert "nobody" not in line  # the value itself is never echoed
    assert line[len("import_qdpx: "):] in (project / "logs" / "refi" / "import_qdpx.log").read_text(encoding="utf-8")
