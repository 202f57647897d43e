"""The citable release: what it holds and leaves out, its refusals, its RO-Crate (validated offline), its bytes."""

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, copy_project, snakemake
from cratecheck import issues, validate_offline, warm_cache
from goodcare import crate, provenance, release
from goodcare.paths import unsafe_paths
from goodcare.render import BOOK_MARKER, PDF_NAME

DEFAULTS = {"data_dir": "data", "results_dir": "results", "logs_dir": "logs", "book_dir": "_book", "release_dir": "release"}
DATE = "2026-12-02T10:00:00+00:00"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A small built project: a rendered book, results of every kind, records, data with a register of names."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GOODCARE_COMMIT", "0123abc")
    write(tmp_path / "_book/index.html", '<html><head><meta name="generator" content="quarto-1.10.18"></head></html>')
    write(tmp_path / f"_book/{PDF_NAME}", "%PDF-1.7 the book")
    write(tmp_path / "_book/chapters/05-micro.html", "<p>micro</p>")
    write(tmp_path / "_book/.snakemake_timestamp", "")
    write(tmp_path / f"_book/{BOOK_MARKER}", "made by a render")
    write(tmp_path / "results/tables/micro/governance.csv", "band,n\nmicro,12\n")
    write(tmp_path / "results/tables/micro/.snakemake_timestamp", "")
    write(tmp_path / "results/figures/micro/governance.svg", "<svg/>")
    write(tmp_path / "results/figures/micro/governance.csv", "band,n\nmicro,12\n")
    write(tmp_path / "results/values/micro.json", '{"n": 12}\n')
    write(tmp_path / "results/validated/participants.parquet", "validated rows")
    write(tmp_path / "results/analysis/micro/values.json", '{"n": 12, "unchecked": 3}\n')
    write(tmp_path / "results/disclosure/micro.csv", "row,people\n0,12\n")
    write(tmp_path / "data/participants.csv", "participant_id,name\nP1,Alex Example\n")
    write(tmp_path / "data/instruments/ascot_adapted.yaml", "items: []\n")
    write(tmp_path / "data/register-of-names.txt", "Alex Example\n")
    record = {"rule": "disclose_micro", "commit": "0123abc",
              "inputs": {"results/analysis/micro/values.json": "a" * 64, "data/register-of-names.txt": "b" * 64},
              "outputs": {"results/values/micro.json": "c" * 64},
              "params": {"chapter": "micro", "settings": {"deny_list": ["Alex Example"], "deny_list_file": "data/register-of-names.txt",
                                                          "min_people": 10}}}
    write(tmp_path / "results/provenance/disclose_micro.json", json.dumps(record))
    write(tmp_path / "Snakefile", 'include: "rules/release.smk"\n')
    write(tmp_path / "rules/release.smk", "rule release:\n")
    for name in ("environment.yml", "pyproject.toml", "CITATION.cff"):
        shutil.copyfile(ROOT / name, tmp_path / name)
    return tmp_path


def sources(project: Path, register="data/register-of-names.txt") -> release.Sources:
    return release.Sources(
        book=Path("_book"), results=Path("results"), records=[Path("results/provenance/disclose_micro.json")],
        data=[Path("data/participants.csv"), Path("data/instruments/ascot_adapted.yaml"), Path(register)],
        data_dir=Path("data"), register=Path(register) if register else None,
        workflow=[Path("Snakefile"), Path("rules/release.smk")], environment=[Path("environment.yml"), Path("pyproject.toml")],
        citation=Path("CITATION.cff"))


# --- what is in a release and what stays out ------------------------------------------------------------------

def test_the_release_copies_the_book_the_published_results_the_workflow_and_environment(project):
    plan = release.copied_files(sources(project))
    assert set(plan) == {
        "book/index.html", f"book/{PDF_NAME}", "book/chapters/05-micro.html",
        "results/tables/micro/governance.csv", "results/figures/micro/governance.svg", "results/figures/micro/governance.csv",
        "results/values/micro.json", "workflow/Snakefile", "workflow/rules/release.smk",
        "environment/environment.yml", "environment/pyproject.toml", "CITATION.cff"}
    assert plan["results/values/micro.json"] == Path("results/values/micro.json")


def test_intermediate_and_validated_data_and_bookkeeping_are_left_out(project):
    plan = release.copied_files(sources(project))
    sources_copied = {p.as_posix() for p in plan.values()}
    assert not any(p.startswith(("results/validated", "results/analysis", "results/disclosure", "data/")) for p in sources_copied)
    assert not any(Path(p).name in (".snakemake_timestamp", BOOK_MARKER) for p in plan)


def test_data_checksums_name_each_file_inside_the_data_folder_and_leave_out_the_register(project):
    checksums = release.data_checksums(sources(project).data, Path("data"), Path("data/register-of-names.txt"))
    assert checksums == {
        "instruments/ascot_adapted.yaml": digest(b"items: []\n"),
        "participants.csv": digest((project / "data/participants.csv").read_bytes()),
    }
    # The register is recognised however it is spelled (absolute, with ..).
    spelled = project / "data" / ".." / "data" / "register-of-names.txt"
    assert "register-of-names.txt" not in release.data_checksums([Path("data/register-of-names.txt")], Path("data"), spelled)
    # A file outside the data folder (a REFI export elsewhere) is named by its own name, not its private path.
    outside = write(project.parent / "private-home" / "export.qdpx", "zip")
    assert list(release.data_checksums([outside], Path("data"), None)) == ["export.qdpx"]


def test_the_checksum_file_is_read_by_sha256sum(project):
    text = release.sha256sum_text({"participants.csv": "ab" * 32, "outcomes.csv": "cd" * 32})
    assert text == f"{'ab' * 32}  participants.csv\n{'cd' * 32}  outcomes.csv\n"


def test_released_records_withhold_the_register_and_its_hash(project):
    record = json.loads((project / "results/provenance/disclose_micro.json").read_text())
    out = release.redacted_record(record, Path("data/register-of-names.txt"))
    assert out["inputs"] == {"results/analysis/micro/values.json": "a" * 64}
    assert out["params"]["settings"] == {"deny_list": provenance.WITHHELD, "deny_list_file": provenance.WITHHELD, "min_people": 10}
    assert out["outputs"] == record["outputs"] and out["rule"] == record["rule"]
    assert "Alex" not in json.dumps(out) and "b" * 64 not in json.dumps(out)


def test_released_records_name_absolute_paths_from_their_folder_never_a_private_one(project):
    private = project.parent / "home" / "someone"
    record = {"inputs": {str(private / "study" / "outcomes.csv"): "a" * 64, str(project / "results/validated/x.json"): "b" * 64,
                         str(project / "src/goodcare/stats.py"): "c" * 64, str(private / "elsewhere.qdpx"): "d" * 64,
                         "data/participants.csv": "e" * 64},
              "outputs": {str(project / "results/values/micro.json"): "f" * 64}, "params": {}}
    roots = {"data_dir": private / "study", "results_dir": project / "results", ".": project}
    out = release.redacted_record(record, None, roots)
    assert out["inputs"] == {"data_dir/outcomes.csv": "a" * 64, "results_dir/validated/x.json": "b" * 64,
                             "src/goodcare/stats.py": "c" * 64, "elsewhere.qdpx": "d" * 64, "data/participants.csv": "e" * 64}
    assert out["outputs"] == {"results_dir/values/micro.json": "f" * 64}
    assert "someone" not in json.dumps(out)


# --- refusals --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("data", "release_dir is data_dir"),
    ("data/release", "release_dir lies inside data_dir"),
    (".", "release_dir is the project folder itself"),
    ("src/release", "release_dir lies inside the project's src/"),
    ("chapters", "release_dir is the project's chapters/"),
    ("results", "release_dir is results_dir"),
    ("results/release", "release_dir lies inside results_dir"),
    ("_book/release", "release_dir lies inside book_dir"),
    ("logs/release", "release_dir lies inside logs_dir"),
])
def test_a_release_folder_over_what_the_user_owns_or_another_output_is_refused(tmp_path, value, expected):
    assert expected in unsafe_paths({**DEFAULTS, "release_dir": value}, tmp_path)


def test_a_release_folder_that_holds_the_data_is_refused(tmp_path):
    config = {**DEFAULTS, "data_dir": str(tmp_path / "study" / "data"), "release_dir": str(tmp_path / "study")}
    assert unsafe_paths(config, tmp_path / "project") == ["release_dir contains data_dir"]


def test_the_default_release_folder_is_safe(tmp_path):
    assert unsafe_paths(DEFAULTS, tmp_path) == []


def test_a_folder_no_release_made_is_refused_and_left_as_it_is(project):
    mine = write(project / "release" / "notes.txt", "my own notes")
    assert "release_dir exists and was not made by a release" in release.release_refusal(project / "release")
    assert str(project) not in release.release_refusal(project / "release")  # no path in the sentence
    with pytest.raises(release.ReleaseError, match="was not made by a release"):
        release.make_release(sources(project), project / "release", project / "results/release/manifest.json", DATE)
    assert mine.read_text() == "my own notes" and sorted(p.name for p in (project / "release").iterdir()) == ["notes.txt"]
    assert not (project / ".release.releasing").exists() and not (project / "results/release/manifest.json").exists()


@pytest.mark.workflow
def test_snakemake_refuses_to_release_over_a_folder_of_the_users_before_any_job(tmp_path):
    project = copy_project(tmp_path / "project")
    mine = write(project / "release" / "notes.txt", "my own notes")
    proc = snakemake(project, "release", check=False)
    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines()[-1].startswith("Refusing to release, nothing was changed: release_dir exists")
    assert mine.read_text() == "my own notes" and [p.name for p in (project / "release").iterdir()] == ["notes.txt"]
    assert not (project / "results").exists()  # no job ran


# --- a whole release on the small project ----------------------------------------------------------------------

def test_a_release_is_complete_marked_and_its_manifest_hashes_every_file(project):
    release.make_release(sources(project), project / "release", project / "results/release/manifest.json", DATE)
    out = project / "release"
    assert release.release_refusal(out) is None  # a release made it: the next may replace it
    manifest = json.loads((project / "results/release/manifest.json").read_text())
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {release.RELEASE.name}
    assert set(manifest["files"]) == files
    assert all(manifest["files"][f] == digest((out / f).read_bytes()) for f in files)
    assert {"ro-crate-metadata.json", "checksums/data.sha256", "environment/packages.json", "provenance/disclose_micro.json"} <= files
    assert (out / "checksums/data.sha256").read_text().splitlines() == [
        f"{digest(b'items: []' + bytes([10]))}  instruments/ascot_adapted.yaml",
        f"{digest((project / 'data/participants.csv').read_bytes())}  participants.csv"]
    # Never the data, the register or its hash.
    everything = b"".join((out / f).read_bytes() for f in files)
    assert b"Alex Example" not in everything
    assert digest((project / "data/register-of-names.txt").read_bytes()).encode() not in everything
    assert b"P1," not in everything


def test_two_releases_differ_only_in_the_release_date(project):
    out, manifest = project / "release", project / "results/release/manifest.json"
    release.make_release(sources(project), out, manifest, DATE)
    first = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    release.make_release(sources(project), out, manifest, "2027-01-31T23:59:59+00:00")
    second = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert set(first) == set(second)
    assert [f for f in first if first[f] != second[f]] == ["ro-crate-metadata.json"]
    a, b = (json.loads(x["ro-crate-metadata.json"]) for x in (first, second))
    root = lambda crate_: next(e for e in crate_["@graph"] if e["@id"] == "./")  # noqa: E731
    assert (root(a)["datePublished"], root(b)["datePublished"]) == (DATE, "2027-01-31T23:59:59+00:00")
    root(b)["datePublished"] = DATE
    assert a == b


# --- the crate -------------------------------------------------------------------------------------------------

def entities(folder: Path) -> dict[str, dict]:
    return {e["@id"]: e for e in json.loads((folder / "ro-crate-metadata.json").read_text())["@graph"]}


def ids(value) -> list[str]:
    return [v["@id"] for v in (value if isinstance(value, list) else [value])]


def test_the_crate_describes_the_workflow_the_run_its_inputs_by_hash_outputs_and_software(project):
    release.make_release(sources(project), project / "release", project / "results/release/manifest.json", DATE)
    out = project / "release"
    graph = entities(out)
    root = graph["./"]
    assert set(ids(root["conformsTo"])) == set(crate.PROFILES)
    assert ids(graph["ro-crate-metadata.json"]["conformsTo"]) == ["https://w3id.org/ro/crate/1.1", crate.WORKFLOW_RO_CRATE]
    workflow = graph[root["mainEntity"]["@id"]]
    assert root["mainEntity"]["@id"] == "workflow/Snakefile"
    assert set(workflow["@type"]) == {"File", "SoftwareSourceCode", "ComputationalWorkflow"}
    assert graph[workflow["programmingLanguage"]["@id"]]["name"] == "Snakemake"
    (action,) = [e for e in graph.values() if e["@type"] == "CreateAction"]
    assert root["mentions"] == {"@id": action["@id"]} and action["instrument"]["@id"] == "workflow/Snakefile"
    inputs = [graph[i] for i in ids(action["object"])]
    assert {e["name"]: e["sha256"] for e in inputs} == release.data_checksums(sources(project).data, Path("data"),
                                                                              Path("data/register-of-names.txt"))
    assert all(e["@type"] == "File" and e["@id"].startswith("#") for e in inputs)  # described, not included
    assert not any((out / e["name"]).exists() for e in inputs)
    assert set(ids(action["result"])) == {"book/", f"book/{PDF_NAME}", "results/tables/", "results/figures/", "results/values/",
                                          "provenance/"}
    assert graph[f"book/{PDF_NAME}"]["sha256"] == digest((out / "book" / PDF_NAME).read_bytes())
    software = {graph[i]["name"]: graph[i]["version"] for i in ids(workflow["softwareRequirements"])}
    assert graph["https://pypi.org/project/pandas/" + software["pandas"] + "/"]["url"].startswith("https://pypi.org/")
    assert software["quarto"] == "1.10.18" and software["pandas"] == json.loads((out / "environment/packages.json").read_text())["pandas"]
    assert all(graph[i]["@type"] == "SoftwareApplication" for i in ids(workflow["softwareRequirements"]))
    # Every workflow input and output is a formal parameter whose example is what this run read or made.
    params = [graph[i] for i in ids(workflow["input"]) + ids(workflow["output"])]
    assert {p["workExample"]["@id"] for p in params} == set(ids(action["object"])) | set(ids(action["result"]))
    assert all(graph[p["workExample"]["@id"]]["exampleOfWork"] == {"@id": p["@id"]} for p in params)
    assert workflow["version"] == "0123abc"


def test_the_crate_is_a_valid_workflow_run_crate_offline(project, tmp_path, no_network):
    release.make_release(sources(project), project / "release", project / "results/release/manifest.json", DATE)
    result = validate_offline(project / "release", warm_cache(tmp_path / "http-cache"))
    assert result.passed(), issues(result)


def test_the_validator_fails_a_crate_whose_run_has_no_workflow(project, tmp_path, no_network):
    # The same check fails when the crate breaks the profile: the CreateAction no longer names the workflow.
    release.make_release(sources(project), project / "release", project / "results/release/manifest.json", DATE)
    path = project / "release" / "ro-crate-metadata.json"
    metadata = json.loads(path.read_text())
    for entity in metadata["@graph"]:
        if entity["@type"] == "CreateAction":
            del entity["instrument"]
    path.write_text(json.dumps(metadata))
    result = validate_offline(project / "release", warm_cache(tmp_path / "http-cache"))
    assert not result.passed()
    assert any("instrument" in issue for issue in issues(result)), issues(result)


# --- end to end: two releases of the rendered project ----------------------------------------------------------

def released_bytes(folder: Path) -> dict[str, bytes]:
    """Every file of a release by its path, Snakemake's directory timestamp left out."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".snakemake_timestamp"}


def without_date(metadata: bytes) -> tuple[bytes, list[str]]:
    """A crate's bytes with its release date cut out, and the dates found (there must be one)."""
    dates = re.findall(rb'"datePublished": "([^"]*)"', metadata)
    return re.sub(rb'"datePublished": "[^"]*"', b'"datePublished": ""', metadata), [d.decode() for d in dates]


@pytest.mark.e2e
def test_two_releases_of_one_commit_and_data_are_identical_but_for_the_date(rendered_project, tmp_path, no_network):
    project = rendered_project
    config = ["--config", f"data_dir={project.parent / 'study-data'}", f"results_dir={project / 'study-results'}"]
    snakemake(project, "release", *config)
    first = released_bytes(project / "release")
    # The second release renders the book again (and so every file of it is made anew).
    proc = snakemake(project, "release", "--forcerun", "render", *config)
    assert "rule render:" in proc.stdout + proc.stderr
    second = released_bytes(project / "release")

    assert set(first) == set(second)
    differ = [name for name in first if first[name] != second[name]]
    assert differ in ([], ["ro-crate-metadata.json"]), differ
    crate_first, dates_first = without_date(first["ro-crate-metadata.json"])
    crate_second, dates_second = without_date(second["ro-crate-metadata.json"])
    assert crate_first == crate_second and len(dates_first) == len(dates_second) == 1
    assert dates_first[0] <= dates_second[0]

    # What it holds: the rendered book, its PDF, every published result; never a data file or the register's hash.
    book = project / "_book"
    assert second[f"book/{PDF_NAME}"] == (book / PDF_NAME).read_bytes()
    assert {n for n in second if n.startswith("results/")} == {
        f"results/{p.relative_to(project / 'study-results').as_posix()}"
        for part in release.PUBLISHED for p in (project / "study-results" / part).rglob("*")
        if p.is_file() and p.name != ".snakemake_timestamp"}
    data = project.parent / "study-data"
    for path in [p for p in data.rglob("*") if p.is_file()]:
        assert path.read_bytes() not in second.values(), path.name
    register = digest((data / "register-of-names.txt").read_bytes()).encode()
    assert not any(register in content for content in second.values())
    # The records, checksums and crate name folders from their config key, never by the (private) path of the data.
    assert not [n for n, content in second.items() if not n.startswith("book/") and str(project.parent).encode() in content]
    manifest = json.loads((project / "study-results/release/manifest.json").read_text())
    assert manifest["files"] == {name: digest(content) for name, content in second.items() if name != release.RELEASE.name}

    # The crate of the real release is a valid Workflow Run Crate, offline, at the REQUIRED level.
    result = validate_offline(project / "release", warm_cache(tmp_path / "http-cache"))
    assert result.passed(), issues(result)


def test_the_pdf_date_comes_from_the_environment_then_the_commit_then_zero(tmp_path):
    from goodcare.render import source_date_epoch

    assert source_date_epoch(tmp_path, {"SOURCE_DATE_EPOCH": "1700000000"}) == "1700000000"
    assert source_date_epoch(tmp_path, {}) == "0"  # no git history: a fixed date, not today's
    committed = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    if committed.returncode == 0:  # the project's own checkout (CI's clone) has a commit
        assert source_date_epoch(ROOT, {}) == committed.stdout.strip()
