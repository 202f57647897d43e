"""REFI-QDA import and export: round trip, the shared sample exports, anonymisation and clear errors."""

import re
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from goodcare.refi import RefiError, import_export, write_qdpx
from goodcare.refi.cli import main, mapping_template
from goodcare.refi.schema import SCHEMA_DIR

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "refi-qda"
SAMPLES = SHARED / "samples"
FIXTURES = Path(__file__).parent / "refi_fixtures"
ATLAS = SAMPLES / "atlasti-8-reference-project.qdpx"
HAND = SAMPLES / "hand-authored-cases-variables.qde"
BROKEN = SAMPLES / "codebook-guids-break-schema.qdc"
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/refi-qda/samples is absent (the sample exports are not shipped with the repo)")
# What the ATLAS.ti reference project says about its users: none of it may reach tables, reports or messages.
ATLAS_PERSONAL = ("Friedrich", "Markgraf", "Sebastian", "Petrausch", "sebpe", "/Users/", "Mobile Documents", "AD68FBE7")

CODEBOOK = pd.DataFrame({
    "code_id": ["INN01", "INN04", "PER01"],
    "theme": ["innovation", "innovation", "personalisation"],
    "sub_theme": ["what", "how", "continuity"],
    "label": ["Non-traditional service", "More interaction", "Same worker over time"],
    "definition": ["A service unlike the usual offer.", "Doing things together, not tasks alone.", "The same small team, week after week."],
})
CODINGS = pd.DataFrame({
    "segment_id": ["S0001", "S0002", "S0003", "S0004", "S0005", "S0006"],
    "participant_id": ["P0001", "P0001", "P0001", "P0002", "P0003", "P0003"],
    "code_id": ["INN01", "PER01", "INN04", "INN01", "PER01", "INN04"],
    "excerpt": ["We run a gardening club, \"Dig In\", twice a week.", None, "Café trips – naïve, perhaps, but they work.", None, "Same two carers, always.", "We cook together."],
})


@pytest.fixture()
def tiny(tmp_path) -> Path:
    """A data folder with a tiny codebook, codings and participants (written as the generator writes CSV)."""
    folder = tmp_path / "data"
    folder.mkdir()
    CODEBOOK.to_csv(folder / "codebook.csv", index=False, lineterminator="\n")
    CODINGS.to_csv(folder / "codings.csv", index=False, lineterminator="\n")
    pd.DataFrame({"participant_id": ["P0001", "P0002", "P0003"], "role": ["owner_manager", "frontline_staff", "carer"]}).to_csv(
        folder / "participants.csv", index=False, lineterminator="\n")
    return folder


def project_schema() -> etree.XMLSchema:
    """Project.xsd from ../shared when present (the reference), else the bundled copy."""
    return etree.XMLSchema(etree.parse(str((SHARED if SHARED.is_dir() else SCHEMA_DIR) / "Project.xsd")))


def rewrite_qde(src: Path, dest: Path, change) -> Path:
    """A copy of a .qdpx whose project.qde text went through `change`."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            zout.writestr(item, change(data.decode("utf-8")).encode("utf-8") if item.filename.lower().endswith(".qde") else data)
    return dest


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """The command line as an author runs it (a separate process, so a traceback would show)."""
    return subprocess.run([sys.executable, "-m", "goodcare.refi", *map(str, args)], capture_output=True, text=True)


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/refi-qda is absent: nothing to compare the bundled schemas with")
@pytest.mark.parametrize("name", ["Project.xsd", "Codebook.xsd"])
def test_bundled_schemas_are_the_shared_ones(name):
    assert (SCHEMA_DIR / name).read_bytes() == (SHARED / name).read_bytes()


def test_written_project_is_schema_valid_and_reproducible(tiny, tmp_path):
    first = write_qdpx(tiny, tmp_path / "a.qdpx")
    second = write_qdpx(tiny, tmp_path / "b.qdpx")
    assert first.read_bytes() == second.read_bytes()  # deterministic GUIDs, no timestamps
    with zipfile.ZipFile(first) as zf:
        names = zf.namelist()
        qde = etree.fromstring(zf.read("project.qde"))
        texts = [zf.read(n).decode() for n in names if n.startswith("Sources/")]
    assert project_schema().validate(etree.ElementTree(qde))
    assert len(texts) == 3 and any("Dig In" in t for t in texts)
    ns = {"q": "urn:QDA-XML:project:1.0"}
    assert [c.get("name") for c in qde.findall("q:CodeBook/q:Codes/q:Code", ns)] == ["innovation", "personalisation"]
    assert len(qde.findall(".//q:PlainTextSelection", ns)) == len(CODINGS)


def test_round_trip_gives_identical_tables(tiny, tmp_path):
    qdpx = write_qdpx(tiny, tmp_path / "tiny.qdpx")
    out = tmp_path / "with"
    report = import_export(qdpx, None, out, with_excerpts=True)
    for table in ("codebook", "codings"):
        assert (out / f"{table}.csv").read_bytes() == (tiny / f"{table}.csv").read_bytes(), table
    assert report["codings"]["segments"] == 6 and report["excerpts"]["identifier_scan"].startswith("not run")
    bare = import_export(qdpx, None, tmp_path / "without")
    codings = pd.read_csv(tmp_path / "without" / "codings.csv", dtype=str)
    assert codings["excerpt"].isna().all()  # excerpts only when asked for
    assert codings.drop(columns="excerpt").equals(CODINGS.drop(columns="excerpt"))
    assert not bare["excerpts"]["included"]


def test_round_trip_of_generated_data(tmp_path):
    generate = pytest.importorskip("goodcare.generate")
    tables = generate.generate(seed=11)  # the study's design: a few hundred segments over 143 people
    data = tmp_path / "data"
    generate.write_tables(tables, data)
    qdpx = write_qdpx(data, tmp_path / "synthetic.qdpx")
    import_export(qdpx, None, tmp_path / "back", with_excerpts=True)
    for table in ("codebook", "codings"):
        assert (tmp_path / "back" / f"{table}.csv").read_bytes() == (data / f"{table}.csv").read_bytes(), table


def test_guids_in_other_case_and_braces_import_the_same(tiny, tmp_path):
    qdpx = write_qdpx(tiny, tmp_path / "tiny.qdpx")
    guid = re.compile(r'(targetGUID|guid)="([0-9A-F-]{36})"')
    # Tools differ: lower-case GUIDs on the elements, upper-case in braces on the references.
    changed = rewrite_qde(qdpx, tmp_path / "cased.qdpx", lambda xml: guid.sub(
        lambda m: f'{m.group(1)}="{{{m.group(2)}}}"' if m.group(1) == "targetGUID" else f'guid="{m.group(2).lower()}"', xml))
    import_export(changed, None, tmp_path / "out", with_excerpts=True)
    assert (tmp_path / "out" / "codings.csv").read_bytes() == (tiny / "codings.csv").read_bytes()


def test_violation_outside_imported_parts_is_passed_over_but_in_coding_stops(tiny, tmp_path):
    qdpx = write_qdpx(tiny, tmp_path / "tiny.qdpx")
    colour = rewrite_qde(qdpx, tmp_path / "colour.qdpx", lambda x: x.replace('isCodable="true"', 'isCodable="true" color="red"', 1))
    report = import_export(colour, None, tmp_path / "a")
    assert len(report["schema_violations_passed_over"]) == 1 and "@color" in report["schema_violations_passed_over"][0]
    position = rewrite_qde(qdpx, tmp_path / "position.qdpx", lambda x: x.replace('startPosition="0"', 'startPosition="first"', 1))
    with pytest.raises(RefiError, match=r"PlainTextSelection.*@startPosition.*not a valid value"):
        import_export(position, None, tmp_path / "b")


def test_codebook_alone_gives_codebook_only(tmp_path):
    qdc = tmp_path / "book.qdc"
    qdc.write_text(
        '<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="test"><Codes>'
        '<Code guid="{a0000000-0000-0000-0000-000000000001}" name="Innovation" isCodable="false">'
        '<Code guid="a0000000-0000-0000-0000-000000000002" name="What" isCodable="false">'
        '<Code guid="A0000000-0000-0000-0000-000000000003" name="INN01 Non-traditional service" isCodable="true"><Description/></Code>'
        '</Code></Code></Codes></CodeBook>', encoding="utf-8")
    report = import_export(qdc, None, tmp_path / "out")
    assert report["written"] == ["codebook.csv"] and not (tmp_path / "out" / "codings.csv").exists()
    book = pd.read_csv(tmp_path / "out" / "codebook.csv")
    # NVivo leaves empty Descriptions: the label stands in, and the report counts it.
    assert book.to_dict("records") == [{"code_id": "INN01", "theme": "innovation", "sub_theme": "what",
                                        "label": "Non-traditional service", "definition": "Non-traditional service"}]
    assert report["codebook"]["definitions_from_label"] == 1


def test_template_lists_sources_and_codes(tiny, tmp_path):
    text = mapping_template(write_qdpx(tiny, tmp_path / "tiny.qdpx"))
    assert "source,P0002,,," in text.splitlines()
    assert "code,innovation::what::INN01 Non-traditional service,INN01,," in text.splitlines()


@needs_samples
def test_atlasti_reference_project_imports_without_personal_data(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["import", str(ATLAS), "--mapping", str(FIXTURES / "atlasti-mapping.csv"), "--out", str(out),
                 "--with-excerpts", "--report", str(tmp_path / "report.json")])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    book = pd.read_csv(out / "codebook.csv")
    codings = pd.read_csv(out / "codings.csv")
    assert book["code_id"].tolist() == ["OUT04", "OUT05", "OUT01", "OUT02", "OUT03", "OUT06"]  # code-tree order
    assert book.set_index("code_id").loc["OUT01", "label"] == "diet Coke"  # ATLAS.ti's "Coke::diet Coke"
    # Reading order: sources as listed, selections by position (Simon.docx lists 688, 215, 513); video last.
    assert list(zip(codings["participant_id"], codings["code_id"])) == [
        ("P0001", "OUT01"), ("P0002", "OUT02"), ("P0002", "OUT03"), ("P0002", "OUT04"),
        ("P0003", "OUT05"), ("P0003", "OUT04"), ("P0003", "OUT02"), ("P0001", "OUT06")]
    # Sources/ is empty: only selections whose name is the whole coded text give an excerpt.
    assert codings["excerpt"].notna().sum() == 2
    everything = "".join(p.read_text(encoding="utf-8") for p in [out / "codebook.csv", out / "codings.csv", tmp_path / "report.json"])
    everything += printed.out + printed.err
    for personal in ATLAS_PERSONAL:
        assert personal not in everything, personal
    assert '"users": 3' in everything and '"basePath": 1' in everything


@needs_samples
def test_pdf_quotation_written_twice_is_one_segment(tmp_path):
    # ATLAS.ti writes each PDF quotation as a PDFSelection and again, same GUID, in the PDF's text Representation.
    rows = (FIXTURES / "atlasti-mapping.csv").read_text().replace("source,2065D8AB-D724-40C9-B4E9-6EB8DAB73541,drop", "source,2065D8AB-D724-40C9-B4E9-6EB8DAB73541,P0004")
    mapping = tmp_path / "mapping.csv"
    mapping.write_text(rows + "code,serene,OUT07,outcomes,feelings\ncode,waste of time,OUT08,outcomes,feelings\n")
    report = import_export(ATLAS, mapping, tmp_path, with_excerpts=True)
    pdf = pd.read_csv(tmp_path / "codings.csv").query("participant_id == 'P0004'")
    assert pdf["code_id"].tolist() == ["OUT03", "OUT03", "OUT07", "OUT08"] and report["codings"]["selections_merged"] == 2
    assert pdf["excerpt"].iloc[0].startswith("favoritos.Dificultad")  # the PDF selection's own text representation


@needs_samples
def test_hand_authored_cases_map_sources_to_participants(tmp_path):
    report = import_export(HAND, FIXTURES / "hand-authored-mapping.csv", tmp_path, with_excerpts=True)
    codings = pd.read_csv(tmp_path / "codings.csv")
    assert codings[["segment_id", "participant_id", "code_id"]].values.tolist() == [["S0001", "P0007", "OUT01"], ["S0002", "P0007", "OUT02"]]
    assert codings["excerpt"].tolist()[0] == "Diet and health"
    assert report["codings"]["sources_dropped_by_mapping"] == 4 and report["dropped"]["variables"] == 2


@needs_samples
def test_broken_codebook_is_rejected_in_one_line():
    proc = run_cli("import", BROKEN, "--out", "/nonexistent/never-written")
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert re.match(r"error: codebook-guids-break-schema\.qdc: Codes/Code\[1\] \(line 8\): does not follow Codebook\.xsd: @guid", proc.stderr)


@needs_samples
def test_codes_matched_by_name_path_when_guids_change(tmp_path):
    import_export(ATLAS, FIXTURES / "atlasti-mapping.csv", tmp_path / "first")
    codes = re.findall(r'<Code [^>]*guid="([0-9A-F-]{36})"', zipfile.ZipFile(ATLAS).read("Project.qde").decode())
    fresh = {g: str(uuid.uuid4()).upper() for g in codes}  # a second export of the same project: new GUIDs
    moved = rewrite_qde(ATLAS, tmp_path / "again.qdpx", lambda x: re.sub("|".join(codes), lambda m: fresh[m.group(0)], x))
    import_export(moved, FIXTURES / "atlasti-mapping.csv", tmp_path / "second")
    assert (tmp_path / "second" / "codings.csv").read_bytes() == (tmp_path / "first" / "codings.csv").read_bytes()


def mapping_without(tmp_path: Path, line: str) -> Path:
    path = tmp_path / "mapping.csv"
    path.write_text("".join(l for l in (FIXTURES / "atlasti-mapping.csv").read_text().splitlines(True) if not l.startswith(line)))
    return path


@needs_samples
@pytest.mark.parametrize("case", ["unmapped source", "duplicate code name", "zip without qde", "bad mapping row"])
def test_clear_one_line_errors(case, tmp_path, capsys):
    export, mapping = ATLAS, FIXTURES / "atlasti-mapping.csv"
    if case == "unmapped source":
        mapping = mapping_without(tmp_path, "source,Mabel.txt")
        expected = r"atlasti-8-reference-project\.qdpx: 1 coded source\(s\) not mapped to a participant: Sources/TextSource\[5\] \(line 56\) guid EC0A7242"
    elif case == "duplicate code name":
        export = rewrite_qde(ATLAS, tmp_path / "dup.qdpx", lambda x: x.replace('name="sleepy"', 'name="serene"'))
        expected = r"dup\.qdpx: CodeBook/Codes/Code\[11\] \(line 31\): a second code with the same name under one parent \(first at CodeBook/Codes/Code\[9\]"
    elif case == "zip without qde":
        export = tmp_path / "empty.qdpx"
        with zipfile.ZipFile(export, "w") as zf:
            zf.writestr("Sources/a.txt", "text")
        expected = r"empty\.qdpx: no project\.qde in the archive"
    else:
        mapping = tmp_path / "mapping.csv"
        mapping.write_text("kind,name,target\nsauce,Mabel.txt,P0001\n")
        expected = r"mapping\.csv: line 2: kind must be one of source, case, variable, code"
    code = main(["import", str(export), "--mapping", str(mapping), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert re.search(expected, err), err
    assert "Mabel" not in err and "sleepy" not in err  # names and free text are not echoed
    assert not (tmp_path / "out" / "codings.csv").exists()


def test_cli_export_and_missing_file(tiny, tmp_path):
    assert main(["export", str(tiny), "--out", str(tmp_path / "x.qdpx")]) == 0 and (tmp_path / "x.qdpx").is_file()
    assert main(["import", str(tmp_path / "nothere.qdpx"), "--out", str(tmp_path / "o")]) == 1


def wire_refi_rule(project: Path) -> None:
    """In a copy of the project, add what docs/refi-qda.md asks of the Snakefile, validate.smk and the config schema
    (each step skipped when the project already has it)."""
    snakefile = project / "Snakefile"
    if "rules/refi.smk" not in snakefile.read_text():
        snakefile.write_text(snakefile.read_text().replace('include: "rules/common.smk"\n', 'include: "rules/common.smk"\ninclude: "rules/refi.smk"\n'))
    validate = project / "rules" / "validate.smk"
    if "TABLE_CSV" not in validate.read_text():
        if 'csv=f"{DATA}/{{table}}.csv",' not in validate.read_text():
            pytest.skip("rules/validate.smk neither reads TABLE_CSV nor has the csv input line this test knows how to change")
        validate.write_text(validate.read_text().replace('csv=f"{DATA}/{{table}}.csv",', "csv=lambda wildcards: TABLE_CSV[wildcards.table],"))
    schema = project / "config" / "config.schema.yaml"
    if "qdpx:" not in schema.read_text():
        schema.write_text(schema.read_text().replace("  hypotheses:\n", '  qdpx:\n    type: ["string", "null"]\n  qdpx_mapping:\n    type: ["string", "null"]\n  hypotheses:\n', 1))


@pytest.mark.slow
@pytest.mark.workflow
def test_snakemake_rule_feeds_validation(tiny, tmp_path):
    from goodcare import determinism

    project = determinism.copy_project(ROOT, tmp_path / "project")
    wire_refi_rule(project)
    qdpx = write_qdpx(tiny, tmp_path / "export.qdpx")
    cmd = [sys.executable, "-m", "snakemake", "-n", "--cores", "1", "results/validated/codings.json", "--config", f"qdpx={qdpx}"]
    proc = subprocess.run(cmd, cwd=project, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-3000:]
    assert re.search(r"import_qdpx\s+1", proc.stdout)
    assert re.search(r"input: [^\n]*results/refi/codings\.csv", proc.stdout) and re.search(r"input: results/refi/codebook\.csv", proc.stdout)
    plain = subprocess.run([*cmd[:-2], "--config", "qdpx=null"], cwd=project, capture_output=True, text=True)
    assert plain.returncode == 0 and "import_qdpx" not in plain.stdout and re.search(r"input: [^\n]*data/codings\.csv", plain.stdout)
