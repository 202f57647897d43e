"""Nothing the user owns is deleted or overwritten: output folders, the book's publish step, the REFI import."""

import sys
from pathlib import Path

import pandas as pd
import pytest

from goodcare.paths import refusal, unsafe_paths
from goodcare.render import BOOK_MARKER, RenderError, file_hashes, publish

from conftest import copy_project, snakemake

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS = {"data_dir": "data", "results_dir": "results", "logs_dir": "logs", "book_dir": "_book"}


def test_the_default_folders_are_safe(tmp_path):
    assert unsafe_paths(DEFAULTS, tmp_path) == []
    assert refusal(DEFAULTS, tmp_path) is None


@pytest.mark.parametrize("key, value, expected", [
    ("book_dir", "data", "book_dir is data_dir"),
    ("book_dir", ".", "book_dir is the project folder itself"),
    ("book_dir", "..", "book_dir contains the project folder itself"),
    ("results_dir", "data/results", "results_dir lies inside data_dir"),
    ("logs_dir", "data/../data", "logs_dir is data_dir"),
    ("book_dir", "chapters", "book_dir is the project's chapters/"),
    ("results_dir", "src/goodcare/out", "results_dir lies inside the project's src/"),
    ("book_dir", "results", "book_dir is results_dir"),
])
def test_an_output_folder_over_what_the_user_owns_is_refused(tmp_path, key, value, expected):
    assert expected in unsafe_paths({**DEFAULTS, key: value}, tmp_path)


def test_a_results_folder_that_holds_the_data_is_refused(tmp_path):
    config = {**DEFAULTS, "data_dir": str(tmp_path / "study" / "data"), "results_dir": str(tmp_path / "study")}
    assert unsafe_paths(config, tmp_path / "project") == ["results_dir contains data_dir"]


def test_a_link_to_the_data_is_seen_through(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "book-link").symlink_to(tmp_path / "data")
    assert unsafe_paths({**DEFAULTS, "book_dir": "book-link"}, tmp_path) == ["book_dir is data_dir"]


def test_the_refusal_names_keys_not_paths(tmp_path):
    secret = tmp_path / "home" / "someone" / "study"
    message = refusal({**DEFAULTS, "data_dir": str(secret), "book_dir": str(secret)}, tmp_path)
    assert "book_dir is data_dir" in message and "someone" not in message


def test_snakemake_refuses_before_any_job_and_the_data_stay(tmp_path):
    project = copy_project(tmp_path / "project")
    before = {p.name: p.read_bytes() for p in (project / "data").glob("*.csv")}
    proc = snakemake(project, "-n", "--config", "book_dir=data", check=False)
    assert proc.returncode != 0
    assert "Refusing to run, nothing was changed: book_dir is data_dir" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert {p.name: p.read_bytes() for p in (project / "data").glob("*.csv")} == before
    assert not (project / "results").exists()


def book(folder: Path, page: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(page, encoding="utf-8")
    return folder


def test_publish_replaces_a_book_an_earlier_render_made(tmp_path):
    publish(book(tmp_path / ".staging1", "first"), tmp_path / "_book")
    assert (tmp_path / "_book" / BOOK_MARKER).is_file()
    publish(book(tmp_path / ".staging2", "second"), tmp_path / "_book")
    assert (tmp_path / "_book" / "index.html").read_text() == "second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_book"]  # staging and the old book are gone
    assert list(file_hashes(tmp_path / "_book")) == ["index.html"]  # the marker is not part of the book


def test_publish_never_deletes_a_folder_it_did_not_make(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "participants.csv").write_text("participant_id\nP1\n", encoding="utf-8")
    with pytest.raises(RenderError, match="was not made by a render"):
        publish(book(tmp_path / ".staging", "new"), data)
    assert (data / "participants.csv").read_text() == "participant_id\nP1\n"


def test_publish_never_deletes_a_stray_old_folder_of_the_user(tmp_path):
    mine = tmp_path / "._book.old"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(RenderError):
        publish(book(tmp_path / ".staging", "new"), tmp_path / "_book")
    assert (mine / "notes.txt").read_text() == "mine"
