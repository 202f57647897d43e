"""The render step: no Quarto gives one clear sentence; a failed render leaves the previous book intact."""

import os
import stat
import sys

import pytest

from goodcare import render


def test_render_warnings_catch_unresolved_references():
    log = "Output created: _book/index.html\nWARN (foo.qmd) Unable to resolve crossref @fig-missing\n"
    assert render.render_warnings(log) == ["WARN (foo.qmd) Unable to resolve crossref @fig-missing"]
    assert render.render_warnings("[1/14] chapters/04-methods.qmd\nOutput created: x.pdf\n") == []


def test_publish_swaps_whole_folders(tmp_path):
    book = tmp_path / "_book"
    book.mkdir()
    (book / "old.html").write_text("old")
    staging = tmp_path / "staging"
    staging.mkdir()
    (staging / "index.html").write_text("new")
    render.publish(staging, book)
    assert sorted(p.name for p in book.iterdir()) == ["index.html"]
    assert not staging.exists() and not (tmp_path / "._book.old").exists()


def test_missing_quarto_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no quarto on it
    with pytest.raises(render.RenderError) as err:
        render.render_book(tmp_path, tmp_path, tmp_path / "_book", tmp_path / "m.json", tmp_path / "log")
    message = str(err.value)
    assert "Quarto is not installed" in message and "snakemake --cores 4 analyses" in message
    assert message.count(". ") == 0  # one sentence


def failing_quarto(bin_dir):
    """A stand-in `quarto` that fails the way a broken render does (a test double, not a render)."""
    bin_dir.mkdir()
    exe = bin_dir / "quarto"
    exe.write_text(f"#!{sys.executable}\nimport sys\nprint('ERROR: render failed', file=sys.stderr)\nsys.exit(1)\n")
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    return bin_dir


def test_failed_render_keeps_previous_book(tmp_path, monkeypatch):
    book = tmp_path / "_book"
    book.mkdir()
    (book / "index.html").write_text("previous book")
    monkeypatch.setenv("PATH", f"{failing_quarto(tmp_path / 'bin')}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(render.RenderError, match="previous book is unchanged"):
        render.render_book(tmp_path, tmp_path, book, tmp_path / "m.json", tmp_path / "render.log")
    assert (book / "index.html").read_text() == "previous book"
    assert not (tmp_path / "._book.rendering").exists()
    assert "render failed" in (tmp_path / "render.log").read_text()
