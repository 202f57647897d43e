"""The findings diff: every moved number with its place, verdict flips gate a release, suppression never leaks."""

import json
import shutil
import subprocess
import sys

import pytest

from conftest import snakemake
from goodcare import diff


def write(folder, rel, text):
    """Write one published file below a results folder."""
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def build(folder, verdict="no clear difference", rate="£13.48", level="63%", quote="I was 3 when we moved"):
    """A small results folder shaped like the gate's output."""
    write(folder, "values/performance.json", json.dumps({"scorecard": [{"id": "H1", "verdict": verdict, "micro": "1.29"}]}))
    write(folder, "tables/outcomes/hourly-rates.csv", f"Provider,Organisations,Mean hourly rate\nMicro-enterprise,17,{rate}\nLarger provider,10,£15.31\n")
    write(folder, "tables/outcomes/ascot-levels.csv",
          f"Domain,Provider,Ideal\nControl,Micro,{level}\nControl,Larger,57%\n")
    write(folder, "tables/innovation/quotes.csv", f"Role,Quote\nManager,{quote}\n")
    return folder


def test_json_leaves_are_keyed_by_id_not_position():
    leaves = diff.json_leaves({"scorecard": [{"id": "H2", "verdict": "a"}, {"id": "H1", "verdict": "b"}], "n": 4})
    assert leaves == {"scorecard[H2].verdict": "a", "scorecard[H1].verdict": "b", "n": "4"}


def test_csv_rows_are_keyed_by_the_fewest_leading_columns_that_tell_them_apart():
    leaves = diff.csv_leaves("Domain,Provider,Share\nControl,Micro,63%\nControl,Larger,57%\n")
    assert leaves == {"[Control | Micro] Share": "63%", "[Control | Larger] Share": "57%"}


def test_a_changed_number_is_listed_with_its_chapter_label_old_and_new(tmp_path):
    changes = diff.compare(diff.leaves(build(tmp_path / "a")), diff.leaves(build(tmp_path / "b", rate="£13.90")))
    assert [c.as_text() for c in changes] == ["[outcomes] table hourly-rates: [Micro-enterprise] Mean hourly rate: £13.48 -> £13.90"]


def test_a_cell_that_became_suppressed_shows_neither_value(tmp_path):
    changes = diff.compare(diff.leaves(build(tmp_path / "a")),
                           diff.leaves(build(tmp_path / "b", level="suppressed (fewer than 10 people)")))
    assert [(c.kind, c.old, c.new) for c in changes] == [("suppressed", "", "")]
    assert "63%" not in changes[0].as_text()
    back = diff.compare(diff.leaves(tmp_path / "b"), diff.leaves(tmp_path / "a"))
    assert [c.kind for c in back] == ["published"] and "63%" not in back[0].as_text()


def test_a_changed_quote_is_named_never_echoed(tmp_path):
    changes = diff.compare(diff.leaves(build(tmp_path / "a")), diff.leaves(build(tmp_path / "b", quote="I was 4 when we moved")))
    assert [c.kind for c in changes] == ["text"]
    assert "moved" not in changes[0].as_text()


def test_a_flipped_verdict_exits_1_and_an_unchanged_build_exits_0(tmp_path, capsys):
    old, new = build(tmp_path / "old"), build(tmp_path / "new", verdict="supported")
    assert diff.main([str(old), "--results", str(old)]) == 0
    assert diff.main([str(old), "--results", str(new)]) == 1
    out = capsys.readouterr().out
    assert "[performance] values: scorecard[H1].verdict: no clear difference -> supported  (verdict flipped)" in out
    assert "1 published value changed" in out and "1 verdict flipped" in out


def test_a_snapshot_is_saved_whole_and_never_overwritten(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    results = build(tmp_path / "results")
    write(results, "validated/outcomes.json", "{}")  # not published: never copied into a snapshot
    assert diff.main(["--save", "v1"]) == 0
    saved = sorted(p.relative_to(tmp_path / "snapshots" / "v1").as_posix() for p in (tmp_path / "snapshots" / "v1").rglob("*") if p.is_file())
    assert "validated/outcomes.json" not in saved and "snapshot.json" in saved and "tables/innovation/quotes.csv" in saved
    assert diff.main(["--save", "v1"]) == 2  # refused: a snapshot is never overwritten
    assert diff.main([]) == 0  # the latest snapshot, here v1, equals this build


def test_a_snapshot_committed_at_a_git_ref_can_be_compared(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    build(tmp_path / "results")
    diff.save_snapshot(tmp_path / "results", tmp_path / "snapshots" / "v1")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q"], check=True)
    subprocess.run([*git, "add", "snapshots"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "v1"], check=True)
    shutil.rmtree(tmp_path / "snapshots")
    build(tmp_path / "results", rate="£14.00")
    assert diff.main(["HEAD:v1"]) == 0
    assert diff.main(["HEAD:v9"]) == 2


def test_no_earlier_build_says_how_to_save_one(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert diff.main([]) == 2
    assert "--save" in capsys.readouterr().err


def test_a_missing_build_is_an_error_not_a_list_of_removals(tmp_path, capsys):
    old = build(tmp_path / "old")
    assert diff.main([str(old), "--results", str(tmp_path / "nothing")]) == 2
    assert "build first" in capsys.readouterr().err


@pytest.fixture
def changed_project(built_project, tmp_path):
    """A copy of the built project in which one person's 'control over daily life' answer changed."""
    dest = tmp_path / "project"
    shutil.copytree(built_project, dest, symlinks=True)
    path = dest / "data" / "outcomes.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = lines[1].rstrip("\n").split(",")
    assert fields[1] == "control_over_daily_life"
    fields[2] = "1" if fields[2] != "1" else "2"
    lines[1] = ",".join(fields) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    snakemake(dest, "analyses")
    return dest


@pytest.mark.slow
def test_changing_one_answer_lists_exactly_the_numbers_that_depend_on_it(built_project, changed_project):
    proc = subprocess.run([sys.executable, "-m", "goodcare.diff", str(built_project / "results")],
                          cwd=changed_project, capture_output=True, text=True)
    changes = diff.compare(diff.leaves(built_project / "results"), diff.leaves(changed_project / "results"))
    assert changes and proc.returncode == (1 if any(c.kind == "verdict" for c in changes) else 0), proc.stderr
    assert proc.stdout.splitlines()[:-1] == [c.as_text() for c in changes]
    # One answer about control over daily life feeds chapter 6, the scorecard and the input hashes; nothing else.
    assert {c.chapter for c in changes} <= {"outcomes", "performance", "howmade"}
    labels = {c.label for c in changes}
    assert any(label.startswith("table ascot-gain: [Control over daily life]") for label in labels)
    assert not any(label.startswith("table ascot-gain: [Occupation] Mean gain") for label in labels)


def test_the_changes_page_record_says_when_there_is_no_release(tmp_path):
    assert diff.changes_record(build(tmp_path / "results"), tmp_path / "snapshots") == {"since": None, "changes": [], "flipped": 0}


def test_the_changes_page_record_compares_with_the_last_snapshot_by_name(tmp_path):
    results = build(tmp_path / "results", verdict="supported")
    diff.save_snapshot(build(tmp_path / "old1"), tmp_path / "snapshots" / "v1")
    diff.save_snapshot(build(tmp_path / "old2", rate="£13.00"), tmp_path / "snapshots" / "v2")
    record = diff.changes_record(results, tmp_path / "snapshots")
    assert record["since"] == "v2" and record["flipped"] == 1
    assert [(c["kind"], c["old"], c["new"]) for c in record["changes"]] == [
        ("changed", "£13.00", "£13.48"), ("verdict", "no clear difference", "supported")]


def test_the_site_has_a_changes_page(book_dir):
    html = (book_dir / "chapters" / "b5-changes.html").read_text(encoding="utf-8")
    assert "Changes since the last release" in html
    assert "No earlier release is recorded" in html  # the bundled project keeps no snapshot
