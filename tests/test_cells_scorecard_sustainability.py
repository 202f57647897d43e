"""Chapters 9 (scorecard), 10 (sustainability), A3 (innovation codes) and B4 (how this was made) describe every
number by cells: on the bundled data each passes the gate with `undescribed: stop` and no figure is withheld;
a scorecard measure suppressed upstream, or here, gives no verdict and never a crash."""

import copy
import json

import pandas as pd
import pytest
import yaml

from conftest import ROOT
from goodcare.chapters import appendices, howmade, innovation, outcomes, performance, personalisation, sustainability
from goodcare.disclosure import Settings
from goodcare.disclosure.gate import run_gate
from goodcare.outputs import SUPPRESSED, is_suppressed, write_chapter
from goodcare.validate import validate_folder

REPS = 200  # enough replicates for an interval; the gate's decisions do not depend on them
STOP = Settings(undescribed="stop")
MARKER = f"{SUPPRESSED} (fewer than 10 people)"


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    """The bundled data, validated as the workflow validates it."""
    return {table: result.frame for table, result in validate_folder(ROOT / "data").items()}


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))


def gate(tmp_path, chapter: str, result, settings: Settings = STOP) -> tuple[dict, dict, object]:
    """Stage a result as its rule does, run the gate; return the report, the published values and a table reader."""
    stage = tmp_path / "analysis" / chapter
    write_chapter(result, stage / "tables", stage / "figures", stage / "values.json")
    out = tmp_path / "results"
    values_path = out / "values" / f"{chapter}.json"
    report = run_gate(chapter, stage, out / "tables" / chapter, out / "figures" / chapter, values_path, settings)
    table = lambda name: pd.read_csv(out / "tables" / chapter / f"{name}.csv", dtype=str, keep_default_na=False)  # noqa: E731
    return report, json.loads(values_path.read_text(encoding="utf-8")), table


@pytest.fixture(scope="module")
def scored(frames, tmp_path_factory) -> dict[str, dict]:
    """What the scored chapters publish on the bundled data, and the value cells they stage for their gates."""
    published, staged = {}, {}
    for module in (outcomes, personalisation, innovation):
        chapter = module.__name__.rsplit(".", 1)[1]
        result = module.analyse(frames, reps=REPS)
        result.quotes = None  # quotes need the book-wide attributions and never reach the values
        _, values, _ = gate(tmp_path_factory.mktemp(chapter), chapter, result, Settings(undescribed="pass"))
        published[chapter], staged[chapter] = values, result.value_cells
    return {"values": published, "cells": staged}


@pytest.fixture(scope="module")
def upstream(scored) -> dict[str, dict]:
    return scored["values"]


@pytest.fixture(scope="module")
def upstream_cells(scored) -> dict:
    return scored["cells"]


def chapter_result(name: str, frames, config, upstream, monkeypatch, upstream_cells=None):
    """A chapter's result on the bundled data, built with the arguments its rule passes."""
    if name == "sustainability":
        return sustainability.analyse(frames, reps=REPS)
    if name == "appendices":
        instruments = {i: yaml.safe_load((ROOT / "data" / "instruments" / f"{i}.yaml").read_text(encoding="utf-8")) for i in ("interview_schedule", "ascot_adapted")}
        return appendices.analyse(frames, instruments=instruments)
    if name == "howmade":
        stages = [{"stage": "validate", "rules": ["validate_table"]}, {"stage": "analyse", "rules": ["analyse_micro"]}]
        return howmade.analyse(frames, inputs=sorted(str(p) for p in (ROOT / "data").glob("*.csv")), stages=stages,
                               rulegraph_file=str(ROOT / "docs" / "rulegraph.dot"), project=str(ROOT))
    return performance.analyse(frames, reps=REPS, upstream=upstream, hypotheses=config["hypotheses"], upstream_cells=upstream_cells)


@pytest.mark.parametrize("name", ["sustainability", "performance", "appendices", "howmade"])
def test_chapter_passes_the_gate_with_every_number_described(name, frames, config, upstream, upstream_cells, monkeypatch, tmp_path):
    result = chapter_result(name, frames, config, upstream, monkeypatch, upstream_cells)
    report, values, _ = gate(tmp_path, name, result)  # raises DisclosureError on any undescribed number
    assert all(o["undescribed"] == 0 and o["cells"] > 0 for o in report["outputs"]), report["outputs"]
    assert not any(f["withheld"] for f in values["figures"].values())
    assert {o["status"] for o in report["outputs"]} == {"published"}


def test_sustainability_figure_and_organisation_shares_pass(frames, tmp_path):
    result = sustainability.analyse(frames, reps=REPS)
    report, values, table = gate(tmp_path, "sustainability", result)
    hidden = {s["output"] for s in report["suppressed"]}
    assert hidden == {"table sustainability-themes"}, hidden  # the funding and regulation cells all pass
    assert values["figures"]["sustainability-funding"]["withheld"] is False
    assert not any(is_suppressed(v) for v in values["text"].values())
    # Every theme stays listed under its side, whatever happens to the counts, and the counts that rest on
    # enough people are published (what threatens, all providers together, on the bundled data).
    themes = table("sustainability-themes")
    listed = sorted(label for cell in themes["Coded as"] for label in cell.split("; "))
    assert listed == sorted(frames["codebook"].query("theme == 'sustainability'")["label"])
    threatens = themes.set_index("Themes").loc["What threatens"]
    assert threatens["People coded"].isdigit() and int(threatens["People coded"]) >= 10


def test_sustainability_describes_one_group_of_organisations_by_one_key(frames):
    result = sustainability.analyse(frames, reps=REPS)
    parts = [result.tables["funding-mix"].cells, result.tables["regulation"].cells, result.figures["sustainability-funding"].cells, result.value_cells]
    about_orgs = pd.concat(parts, ignore_index=True)
    assert set(about_orgs["unit"]) == {"organisations"}
    people = about_orgs.groupby("key")["organisations"].agg(set)
    assert set(people.index) == {"group=micro", "group=larger"} and all(len(n) == 1 for n in people)
    n_orgs = frames["organisations"].groupby(frames["organisations"]["size_band"].eq("micro"))["org_id"].nunique()
    assert people["group=micro"] == {n_orgs[True]} and people["group=larger"] == {n_orgs[False]}


def test_a_theme_count_with_few_people_is_suppressed_not_shown(frames, tmp_path):
    result = sustainability.analyse(frames, reps=REPS)
    cells = result.tables["sustainability-themes"].cells
    failing = cells[(cells["people"] > 0) & (cells["people"] < 10)]
    assert len(failing), "the bundled data have no small theme cell: this check would be vacuous"
    _, _, table = gate(tmp_path, "sustainability", result)
    published = table("sustainability-themes")
    for cell in failing.itertuples():
        assert published.at[int(cell.row), cell.column].startswith(SUPPRESSED)


def test_innovation_codes_are_listed_and_their_kinds_counted_over_all_providers(frames, tmp_path):
    report, _, table = gate(tmp_path, "appendices", appendices.analyse(frames))
    codes = frames["codebook"].query("theme == 'innovation'")
    published = table("innovation-codes")
    assert sorted(published["Code"]) == sorted(codes["code_id"])
    assert dict(zip(published["Code"], published["Definition"])) == dict(zip(codes["code_id"], codes["definition"]))
    kinds = table("innovation-frequencies")
    assert sorted(c for cell in kinds["Codes"] for c in cell.split(", ")) == sorted(codes["code_id"])
    # Grouped as chapter 8 reports them and over all providers, every count passes on the bundled data ...
    assert report["suppressed"] == [] and kinds["People coded"].str.isdigit().all()
    seg = frames["codings"].merge(codes, on="code_id")
    what_how = seg[seg["sub_theme"].isin(["what", "how"])]["participant_id"].nunique()
    assert int(kinds.set_index("Kind of innovation").loc["What is offered or how", "People coded"]) == what_how


def test_a_kind_coded_for_too_few_people_is_suppressed(frames, tmp_path):
    # ... and a kind with fewer than ten people behind it is suppressed, not shown.
    few = frames["codings"][~frames["codings"]["code_id"].isin(["INN07", "INN08"])]
    _, _, table = gate(tmp_path, "appendices", appendices.analyse({**frames, "codings": few}))
    who = table("innovation-frequencies").set_index("Kind of innovation").loc["Who is supported"]
    assert who["People coded"].startswith(SUPPRESSED) and who["Organisations"].startswith(SUPPRESSED)


def test_howmade_numbers_are_about_no_one(frames, config, upstream, monkeypatch):
    result = chapter_result("howmade", frames, config, upstream, monkeypatch)
    described = [t.cells for t in result.tables.values()] + [f.cells for f in result.figures.values()] + [result.value_cells]
    assert all(set(c["unit"]) == {"none"} for c in described)
    assert set(result.tables["input-hashes"].cells["column"]) == {"SHA-256"}


def suppress_leaves(node):
    """A comparison as the gate publishes it when its cell failed: every leaf reads the marker."""
    if isinstance(node, dict):
        return {k: suppress_leaves(v) for k, v in node.items()}
    return MARKER


@pytest.mark.parametrize("whole", [False, True], ids=["leaves-suppressed", "node-suppressed"])
def test_a_measure_suppressed_upstream_gets_no_verdict(whole, frames, config, upstream, upstream_cells, tmp_path):
    hidden = copy.deepcopy(upstream)
    occupation = hidden["outcomes"]["gain"]["occupation"]
    occupation["gain"] = MARKER if whole else suppress_leaves(occupation["gain"])
    result = performance.analyse(frames, reps=REPS, upstream=hidden, hypotheses=config["hypotheses"], upstream_cells=upstream_cells)
    first, *rest = result.values["scorecard"]
    assert first["verdict"] == performance.NOT_PUBLISHED and first["micro"] == MARKER and first["difference"] == MARKER
    assert "no verdict" in first["words"] and MARKER in first["words"]
    clean = performance.analyse(frames, reps=REPS, upstream=upstream, hypotheses=config["hypotheses"], upstream_cells=upstream_cells).values["scorecard"]
    assert rest == clean[1:]  # the other hypotheses are judged as before
    report, values, table = gate(tmp_path, "performance", result)
    assert values["scorecard"][0]["verdict"] == performance.NOT_PUBLISHED
    assert table("scorecard").at[0, "Verdict"] == performance.NOT_PUBLISHED


def test_a_measure_the_scorecard_gate_suppresses_takes_its_verdict_with_it(frames, config, upstream, upstream_cells, tmp_path):
    result = performance.analyse(frames, reps=REPS, upstream=upstream, hypotheses=config["hypotheses"], upstream_cells=upstream_cells)
    # Ten thousand people per cell: no group of the bundled data passes, so every measure falls here.
    _, values, table = gate(tmp_path, "performance", result, Settings(undescribed="stop", min_people=10_000))
    published = table("scorecard")
    assert all(is_suppressed(v) for v in published[["Micro", "Larger", "Difference (micro minus larger)", "Verdict"]].to_numpy().ravel())
    assert is_suppressed(values["n_supported"]) and all(is_suppressed(row["verdict"]) for row in values["scorecard"])
    # What names a row is about no one, so the book can still say which hypothesis has no verdict.
    assert [row["id"] for row in values["scorecard"]] == [h["id"] for h in config["hypotheses"]]


def test_an_undescribed_measure_is_refused_not_left_undescribed(frames, upstream_cells):
    odd = [{"id": "H9", "short": "Odd", "statement": "s", "chapter": "outcomes", "measure": "text.nowhere", "measure_label": "m", "better": "higher", "unit": "points"}]
    with pytest.raises(ValueError, match="describes no cells for measure 'text.nowhere'"):
        performance.analyse(frames, upstream={"outcomes": {"text": {"nowhere": {"estimate": 1.0}}}}, hypotheses=odd, upstream_cells=upstream_cells)


def test_the_scorecard_is_judged_on_the_upstream_chapters_own_cells(config, upstream, upstream_cells):
    result = performance.analyse({}, upstream=upstream, hypotheses=config["hypotheses"], upstream_cells=upstream_cells)
    for i, h in enumerate(config["hypotheses"]):
        theirs = performance.covering(upstream_cells[h["chapter"]], h["measure"])
        ours = result.tables["scorecard"].cells.query("row == @i and column == 'Verdict'")
        assert sorted(ours["people"]) == sorted(theirs["people"].astype(float)), h["id"]


def test_staged_cells_are_byte_identical_across_runs(frames, tmp_path):
    runs = []
    for run in ("a", "b"):
        stage = tmp_path / run
        write_chapter(sustainability.analyse(frames, reps=REPS), stage / "tables", stage / "figures", stage / "values.json")
        runs.append({p.relative_to(stage): p.read_bytes() for p in sorted(stage.rglob("*.csv"))})
    assert runs[0] == runs[1] and any(str(p).endswith(".cells.csv") for p in runs[0])
