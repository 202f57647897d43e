"""The render step: no Quarto gives one clear sentence; a failed render publishes nothing (no half-written book)."""

import os
import stat
import sys

import pytest

from goodcare import render


TCP = ("Starting python3 kernel...[IPKernelApp] WARNING | Kernel is running over TCP without encryption. All "
       "communication (including code and outputs) is sent in plain text and is susceptible to eavesdropping. Use "
       "IPC transport or launch with kernel manager-provisioned CurveZMQ keys to enable transport encryption.")


@pytest.mark.parametrize("line", [
    "WARN (foo.qmd) Unable to resolve crossref @fig-missing",
    "\x1b[33mWARN: Unable to resolve crossref @tbl-x\x1b[39m",
    "[WARNING] Could not convert TeX math ; unique | not allowed | Organisation identifier (anonymised).",
    "warning: unknown font family: inter",
    "ERROR: Typst compilation failed",
    TCP + " And something else.",  # the allow-list matches the whole message, not a prefix
])
def test_every_warning_fails_the_render(line):
    log = f"[ 1/18] index.qmd\n{line}\nOutput created: _book/index.html\n"
    assert render.render_warnings(log) == [render.ANSI.sub("", line).strip()]


def test_only_the_allow_listed_message_passes():
    assert render.render_warnings(f"{TCP}\n[1/14] chapters/04-methods.qmd\nOutput created: x.pdf\n") == []


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
    with pytest.raises(render.RenderError, match="The book was not rendered"):
        render.render_book(tmp_path, tmp_path, book, tmp_path / "m.json", tmp_path / "render.log")
    assert (book / "index.html").read_text() == "previous book"
    assert not (tmp_path / "._book.rendering").exists()
    assert "render failed" in (tmp_path / "render.log").read_text()
