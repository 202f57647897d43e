"""REFI-QDA import of real and hostile exports: nothing overwritten, positions as the tool counts them, bounded."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from goodcare.refi import RefiError, import_export
from goodcare.refi.cli import main

from refi_build import Src, write_project

PEOPLE = "participant_id,role\nP0001,owner_manager\nP0002,carer\n"


@pytest.fixture()
def out(tmp_path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "participants.csv").write_text(PEOPLE, encoding="utf-8")
    return folder


def simple(tmp_path, name="p.qdpx", **kwargs) -> Path:
    return write_project(tmp_path / name, [Src("P0001", "We run a gardening club.", [(7, 23, "INN01")])], **kwargs)


def test_an_import_never_overwrites_existing_tables_unless_forced(tmp_path, out):
    (out / "codings.csv").write_text("segment_id,participant_id,code_id,excerpt\nS0001,P0001,INN01,\n", encoding="utf-8")
    before = (out / "codings.csv").read_bytes()
    with pytest.raises(RefiError, match="codings.csv already in out/; nothing was written .pass --force"):
        import_export(simple(tmp_path), None, out)
    assert (out / "codings.csv").read_bytes() == before and not (out / "codebook.csv").exists()
    import_export(simple(tmp_path), None, out, force=True)
    assert pd.read_csv(out / "codings.csv")["code_id"].tolist() == ["INN01"]


def test_the_command_line_refuses_to_overwrite_and_says_how_to_force(tmp_path, out, capsys):
    export = simple(tmp_path)
    assert main(["import", str(export), "--out", str(out)]) == 0
    first = (out / "codebook.csv").read_bytes()
    assert main(["import", str(export), "--out", str(out)]) == 1
    assert "already in out/" in capsys.readouterr().err and (out / "codebook.csv").read_bytes() == first
    assert main(["import", str(export), "--out", str(out), "--force"]) == 0


def test_an_export_without_codings_is_an_error_unless_asked_and_needs_no_mapping(tmp_path, out):
    # A project with a codebook and no sources at all (a real MAXQDA 24.7 export had exactly this).
    export = write_project(tmp_path / "empty.qdpx", [])
    with pytest.raises(RefiError, match="no coded segment"):
        import_export(export, None, out)
    assert not (out / "codings.csv").exists() and not (out / "codebook.csv").exists()
    report = import_export(export, None, out, allow_no_codings=True)
    assert report["codings"]["segments"] == 0
    assert list(pd.read_csv(out / "codings.csv").columns) == ["segment_id", "participant_id", "code_id", "excerpt"]
