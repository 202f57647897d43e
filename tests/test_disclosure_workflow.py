"""End to end: the gate sits between the analyses and results/, on the bundled data and on data that must stop."""

import json

import pandas as pd
import pytest
import yaml

from conftest import copy_project, snakemake
from goodcare.disclosure import Settings
from goodcare.disclosure.rules import primary
from goodcare.disclosure.stage import leaves, read_stage
from goodcare.outputs import is_suppressed


def published_text(results, output, chapter) -> pd.DataFrame:
    kind, name = output.split(" ", 1)
    folder = "tables" if kind == "table" else "figures"
    return pd.read_csv(results / folder / chapter / f"{name}.csv", dtype=str, keep_default_na=False)


def staged_and_published(results):
    """Every staged table or figure with cells, beside what the gate published of it: (chapter, output, shown)."""
    for stage in sorted((results / "analysis").iterdir()):
        outputs, _, _ = read_stage(stage)
        for o in outputs:
            if o.cells is not None and o.frame is not None:
                yield stage.name, o, published_text(results, o.label, stage.name)


def test_a_band_of_two_organisations_publishes_no_cell_of_its_own(built_results):
    orgs = pd.read_parquet(built_results / "validated" / "organisations.parquet")
    assert (orgs["size_band"] == "small").sum() == 2  # the study design: two small providers
    bands = pd.read_csv(built_results / "tables" / "micro" / "organisations-by-band.csv", dtype=str).set_index("Size band")
    # The two small providers are shown only inside a merged band, never on their own.
    assert "Small" not in bands.index and int(bands.loc["Small or medium", "Organisations"]) >= 3
    assert "small" not in json.loads((built_results / "values" / "micro.json").read_text())["n_by_band"]
    for chapter, o, shown in staged_and_published(built_results):
        for cell in o.cells[o.cells["key"].fillna("").str.contains("size_band=small")].itertuples():
            assert is_suppressed(shown.at[int(cell.row), cell.column]), (chapter, o.label, cell.row, cell.column)


def test_every_failing_cell_of_the_build_is_suppressed_where_it_is_published(built_results):
    # The settings the build ran with (the shipped config: the defaults, except that zeros are published).
    config = yaml.safe_load((built_results.parent / "config" / "config.yaml").read_text(encoding="utf-8"))["disclosure"]
    settings = Settings.from_config({**config, "deny_list_file": None})
    checked = 0
    for chapter, o, shown in staged_and_published(built_results):
        withheld = o.kind == "figure" and json.loads((built_results / "values" / f"{chapter}.json").read_text())["figures"][o.name]["withheld"]
        for cell in o.cells[primary(o.cells, settings).ne("")].itertuples():
            rows = range(len(shown)) if pd.isna(cell.row) else [int(cell.row)]
            assert withheld or all(is_suppressed(shown.at[r, cell.column]) for r in rows), (chapter, o.label, cell.row, cell.column)
            checked += 1
    assert checked > 0  # the bundled data do have failing cells


def test_micro_against_larger_comparisons_pass(built_results):
    for chapter, table in (("outcomes", "ascot-gain"), ("outcomes", "hourly-rates")):
        shown = pd.read_csv(built_results / "tables" / chapter / f"{table}.csv", dtype=str, keep_default_na=False)
        assert not shown.map(is_suppressed).any().any()
    text = json.loads((built_results / "values" / "outcomes.json").read_text())["text"]
    assert not any(is_suppressed(v) for v in text.values())


def test_the_report_counts_every_rule(built_results):
    report = json.loads((built_results / "disclosure" / "report.json").read_text())
    counts = {r["rule"]: r["suppressed"] for r in report["rules"]}
    # On the bundled data, chapters merge categories until organisation counts pass, so only the people
    # threshold and secondary suppression are left with cells to suppress; every rule is still counted.
    assert counts["min_people"] > 0 and counts["secondary"] > 0 and counts["min_organisations"] == 0
    assert {"min_people", "min_organisations", "dominance_1", "dominance_2", "secondary", "linked"} <= set(counts)
    assert report["cells_suppressed"] == sum(v for v in counts.values() if v)
    assert report["quotes"]["identifiers_found"] == 0 and report["quotes"]["excerpts_scanned"] > 0
    per_chapter = pd.read_csv(built_results / "disclosure" / "outcomes.csv")  # chapter 6 keeps suppressed level shares
    assert set(per_chapter.columns) == {"chapter", "output", "cell", "rule", "key", "because"} and len(per_chapter)
    # Every cell suppressed for another's sake says which key it protects.
    assert per_chapter.loc[per_chapter["rule"].eq("secondary"), "because"].str.startswith("protects key '").all()


def test_no_group_the_key_ledger_suppresses_is_shown_in_any_chapter(built_results):
    """The book-wide pass, recomputed on what is published: a key the ledger suppresses is suppressed in every
    table, figure and value of every chapter (chapter 9's and the calibration chapter's, which apply the ledger
    without being read by it, included); and the calibration chapter's cells are about no one, as the ledger assumes."""
    ledger = json.loads((built_results / "disclosure" / "keys.json").read_text(encoding="utf-8"))
    assert ledger["chapters"] == sorted(p.name for p in (built_results / "analysis").iterdir() if p.name not in ("performance", "calibration"))
    hidden = {e["key"] for e in ledger["keys"] if e["chapter"] is None}
    assert hidden, "the bundled build suppresses some groups"
    checked = 0
    for chapter, o, shown in staged_and_published(built_results):
        for cell in o.cells[o.cells["key"].isin(hidden)].itertuples():
            rows = range(len(shown)) if pd.isna(cell.row) else [int(cell.row)]
            assert all(is_suppressed(shown.at[r, cell.column]) for r in rows), (chapter, o.label, cell.row, cell.column)
            checked += 1
    for stage in sorted((built_results / "analysis").iterdir()):
        published = json.loads((built_results / "values" / f"{stage.name}.json").read_text(encoding="utf-8"))
        values = next(o for o in read_stage(stage)[0] if o.kind == "values")
        for cell in values.cells[values.cells["key"].isin(hidden)].itertuples():
            node = published
            for part in cell.path.split("."):
                node = node[int(part)] if isinstance(node, list) else node[part]
            assert all(is_suppressed(v) for _, v in leaves(node)), (stage.name, cell.path)
            checked += 1
    assert checked >= len(hidden)
    calibration = [o.cells for o in read_stage(built_results / "analysis" / "calibration")[0] if o.cells is not None]
    assert all(cells["unit"].eq("none").all() for cells in calibration)


@pytest.fixture(scope="module")
def leaky_project(tmp_path_factory):
    """The project with an e-mail address in one excerpt of codings.csv."""
    project = copy_project(tmp_path_factory.mktemp("leaky") / "project")
    codings = pd.read_csv(project / "data" / "codings.csv", dtype=str, keep_default_na=False)
    row = codings.index[codings["excerpt"] != ""][0]
    codings.loc[row, "excerpt"] = "You can reach me on jo.bloggs@example.co.uk any time."
    codings.to_csv(project / "data" / "codings.csv", index=False, lineterminator="\n")
    return project, codings.loc[row, "segment_id"]


@pytest.mark.slow
def test_an_identifier_in_an_excerpt_stops_the_build(leaky_project):
    project, segment = leaky_project
    proc = snakemake(project, "results/disclosure/quotes.json", "--config", "bootstrap_replicates=100", check=False)
    assert proc.returncode != 0
    log = (project / "logs" / "disclosure" / "quotes.log").read_text()
    assert f"segment {segment}: rule identifiers (email found)" in log + proc.stderr
    assert "jo.bloggs" not in log + proc.stderr + proc.stdout
    assert not (project / "results" / "disclosure" / "attributions.csv").exists()


def test_the_bundled_build_describes_every_number_and_withholds_no_figure(built_results):
    report = json.loads((built_results / "disclosure" / "report.json").read_text())
    # The shipped config is the defaults except that zeros are published (config.yaml says why), and says so.
    assert [r["setting"] for r in report["relaxed"]] == ["zeros_are_disclosive"]
    statuses = {(o["chapter"], o["output"]): o["status"] for o in report["outputs"]}
    assert not [k for k, s in statuses.items() if s == "unchecked"]
    # Figures compare micro with larger providers, merging rare categories, so none needs withholding.
    assert not [k for k, s in statuses.items() if k[1].startswith("figure") and s != "published"], statuses
    for values in (built_results / "values").glob("*.json"):
        for name, figure in json.loads(values.read_text())["figures"].items():
            assert not figure["withheld"], (values.stem, name)


@pytest.mark.slow
def test_a_name_from_the_register_in_an_excerpt_stops_the_build(tmp_path):
    project = copy_project(tmp_path / "project")
    register = [n for n in (project / "data" / "register-of-names.txt").read_text().splitlines() if n and not n.startswith("#")]
    codings = pd.read_csv(project / "data" / "codings.csv", dtype=str, keep_default_na=False)
    row = codings.index[codings["excerpt"] != ""][-1]
    codings.loc[row, "excerpt"] = f"We all went to {register[-1]} for the summer fair."
    codings.to_csv(project / "data" / "codings.csv", index=False, lineterminator="\n")
    proc = snakemake(project, "results/disclosure/quotes.json", "--config", "bootstrap_replicates=100", check=False)
    assert proc.returncode != 0
    log = (project / "logs" / "disclosure" / "quotes.log").read_text()
    assert f"segment {codings.loc[row, 'segment_id']}: rule identifiers (name found)" in log
    assert register[-1] not in log + proc.stderr + proc.stdout
