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
    TCP,  # ipykernel 7's notice: there is no allow-list (the project holds ipykernel to 6.x, which has none)
    "ERROR:tornado.general:Uncaught exception in ZMQStream callback",
])
def test_every_warning_fails_the_render(line):
    log = f"[ 1/18] index.qmd\n{line}\nOutput created: _book/index.html\n"
    assert render.render_warnings(log) == [render.ANSI.sub("", line).strip()]


def test_a_clean_log_passes():
    assert render.render_warnings("Starting python3 kernel...Done\n[1/14] chapters/04-methods.qmd\nOutput created: x.pdf\n") == []


KERNEL_TRACEBACK = """ERROR:tornado.general:Uncaught exception in ZMQStream callback
Traceback (most recent call last):
  File "zmq/eventloop/zmqstream.py", line 565, in _run_callback
    f = callback(*args, **kwargs)
        ^^^^^^^^^^^^^^^^^^^^^^^^^
AssertionError: not the parent thread
    [E 10:49:49 NotebookApp] Uncaught exception
    Traceback (most recent call last):
      File "handlers.py", line 572, in _on_zmq_reply
    ValueError: Invalid Signature
Output created: _book/index.html
"""


def test_traceback_errors_are_the_exception_lines():
    assert render.traceback_errors(KERNEL_TRACEBACK) == ["AssertionError: not the parent thread", "ValueError: Invalid Signature"]
    assert render.traceback_errors("Traceback (most recent call last):\n  File \"x.py\", line 1\n") == []  # cut short


def test_publish_swaps_whole_folders(tmp_path):
    book = tmp_path / "_book"
    book.mkdir()
    (book / "old.html").write_text("old")
    render.leave_marker(book)  # an earlier render made it
    staging = tmp_path / "staging"
    staging.mkdir()
    (staging / "index.html").write_text("new")
    render.publish(staging, book)
    assert sorted(p.name for p in book.iterdir()) == [render.BOOK_MARKER, "index.html"]
    assert not staging.exists() and not (tmp_path / "._book.old").exists()


def test_missing_quarto_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no quarto on it
    with pytest.raises(render.RenderError) as err:
        render.render_book(tmp_path, tmp_path, tmp_path / "_book", tmp_path / "m.json", tmp_path / "log")
    message = str(err.value)
    assert "Quarto is not installed" in message and "snakemake --cores 4 analyses" in message
    assert message.count(". ") == 0  # one sentence


def failing_quarto(bin_dir, output="ERROR: render failed", code=1):
    """A stand-in `quarto` that fails the way a broken render does (a test double, not a render)."""
    bin_dir.mkdir()
    exe = bin_dir / "quarto"
    exe.write_text(f"#!{sys.executable}\nimport sys\nprint({output!r}, file=sys.stderr)\nsys.exit({code})\n")
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


def test_a_kernel_traceback_fails_the_render_and_names_its_exception(tmp_path, monkeypatch):
    # Quarto exits 0 when a kernel logs an uncaught exception: the log alone fails the render, and the error
    # names the exception, not only the logger's first line.
    monkeypatch.setenv("PATH", f"{failing_quarto(tmp_path / 'bin', KERNEL_TRACEBACK, 0)}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(render.RenderError) as err:
        render.render_book(tmp_path, tmp_path, tmp_path / "_book", tmp_path / "m.json", tmp_path / "render.log")
    message = str(err.value)
    assert "Uncaught exception in ZMQStream callback" in message
    assert "raised AssertionError: not the parent thread" in message
    assert not (tmp_path / "_book").exists() and not (tmp_path / "m.json").exists()
