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


def test_sources_with_uncoded_selections_need_no_mapping_either(tmp_path, out):
    from refi_build import project_element
    import zipfile

    from lxml import etree

    root = project_element([Src("P0001", "Some text.", [(0, 4, "INN01")])])
    for coding in root.iter("{urn:QDA-XML:project:1.0}Coding"):
        coding.getparent().remove(coding)  # a selection nobody coded
    for section in ("Variables", "Cases"):
        root.remove(root.find(f"{{urn:QDA-XML:project:1.0}}{section}"))  # and no participant variable at all
    path = tmp_path / "uncoded.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", etree.tostring(root, xml_declaration=True, encoding="utf-8"))
    with pytest.raises(RefiError, match="no coded segment"):
        import_export(path, None, out)
    assert import_export(path, None, out, allow_no_codings=True)["codings"]["segments"] == 0


def test_an_export_without_codings_is_an_error_unless_asked_and_needs_no_mapping(tmp_path, out):
    # A project with a codebook and no sources at all (a real MAXQDA 24.7 export had exactly this).
    export = write_project(tmp_path / "empty.qdpx", [])
    with pytest.raises(RefiError, match="no coded segment"):
        import_export(export, None, out)
    assert not (out / "codings.csv").exists() and not (out / "codebook.csv").exists()
    report = import_export(export, None, out, allow_no_codings=True)
    assert report["codings"]["segments"] == 0
    assert list(pd.read_csv(out / "codings.csv").columns) == ["segment_id", "participant_id", "code_id", "excerpt"]


def excerpts(tmp_path, sources, name="x.qdpx", **kwargs) -> tuple[list, dict]:
    out = tmp_path / f"out-{name}"
    out.mkdir()
    (out / "participants.csv").write_text(PEOPLE, encoding="utf-8")
    report = import_export(write_project(tmp_path / name, sources, **kwargs), None, out, with_excerpts=True)
    return pd.read_csv(out / "codings.csv", keep_default_na=False)["excerpt"].tolist(), report


# Positions of "club" after a non-BMP character: 2 UTF-16 code units, 1 code point.
EMOJI = "Our \U0001F33B garden club meets."


def utf16_span(text: str, part: str) -> tuple[int, int]:
    start = len(text[: text.index(part)].encode("utf-16-le")) // 2
    return start, start + len(part.encode("utf-16-le")) // 2


def test_nvivo_positions_count_utf16_code_units(tmp_path):
    start, end = utf16_span(EMOJI, "club")
    assert (start, end) != (EMOJI.index("club"), EMOJI.index("club") + 4)  # the two counts really differ here
    got, _ = excerpts(tmp_path, [Src("P0001", EMOJI, [(start, end, "INN01")])], origin="NVivo 12 for Windows")
    assert got == ["club"]


def test_other_tools_positions_count_code_points(tmp_path):
    start = EMOJI.index("club")
    got, _ = excerpts(tmp_path, [Src("P0001", EMOJI, [(start, start + 4, "INN01")])], origin="MAXQDA 24.7")
    assert got == ["club"]


@pytest.mark.parametrize("origin", ["NVivo 12 for Mac", "ATLAS.ti 8.4"])
def test_crlf_combining_accents_and_emoji_before_every_selection(tmp_path, origin):
    # "Cafe\u0301" is "Café" with a combining accent (two code points); \r\n is two of either unit.
    text = "Line one.\r\nCafe\u0301 trips \U0001F600 work.\r\nSame two carers \U0001F44D, always."
    parts = ["Cafe\u0301 trips", "work", "Same two carers", "always"]
    if "NVivo" in origin:
        spans = [utf16_span(text, p) for p in parts]
    else:
        spans = [(text.index(p), text.index(p) + len(p)) for p in parts]
    got, _ = excerpts(tmp_path, [Src("P0001", text, [(a, b, "INN01") for a, b in spans])], origin=origin)
    assert got == parts


def test_selections_outside_their_text_are_counted_and_reported(tmp_path):
    text = "Short text."
    sels = [(0, 5, "INN01"), (8, 3, "INN01"), (-2, 4, "INN01"), (5, 500, "INN01")]
    got, report = excerpts(tmp_path, [Src("P0001", text, sels)])
    assert sorted(got) == ["", "", "", "Short"]  # each out-of-range selection is a segment without excerpt
    assert report["excerpts"]["out_of_range"] == 3 and report["excerpts"]["unavailable"] == 0


def test_long_labels_and_definitions_are_shortened_and_counted(tmp_path, out):
    codes = {"INN01": ("innovation", "what", "L" * 200, "D" * 3000), "PER01": ("personalisation", "continuity", "Same", "Team.")}
    report = import_export(write_project(tmp_path / "long.qdpx", [Src("P0001", "abc", [(0, 3, "INN01")])], codes=codes), None, out)
    book = pd.read_csv(out / "codebook.csv")
    assert book["label"].str.len().max() == 80 and book["definition"].str.len().max() == 1000
    assert book.loc[0, "label"].endswith("\u2026")
    assert (report["codebook"]["labels_shortened"], report["codebook"]["definitions_shortened"]) == (1, 1)


def test_empty_descriptions_are_not_memos(tmp_path, out):
    export = write_project(tmp_path / "d.qdpx", [Src("P0001", "abc def", [(0, 3, "INN01"), (4, 7, "PER01")])], empty_descriptions=True)
    report = import_export(export, None, out)
    assert report["dropped"].get("memos", 0) == 0


def test_an_external_entity_doctype_is_one_clear_line(tmp_path, out):
    doctype = '<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    export = simple(tmp_path, doctype=doctype)
    proc = subprocess.run([sys.executable, "-m", "goodcare.refi", "import", str(export), "--out", str(out)], capture_output=True, text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "unexpected" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()]
    assert "DOCTYPE" in proc.stderr and "passwd" not in proc.stderr


def test_thirty_thousand_selections_in_one_source_import(tmp_path, out):
    n = 30_000
    text = "ab" * n
    report = import_export(write_project(tmp_path / "many.qdpx", [Src("P0001", text, [(2 * i, 2 * i + 1, "INN01") for i in range(n)])]), None, out)
    assert report["codings"]["segments"] == n


def test_the_archive_is_opened_once_for_all_source_texts(tmp_path, out, monkeypatch):
    import goodcare.refi.archive as archive

    sources = [Src("P0001" if i % 2 else "P0002", f"text {i}", [(0, 4, "INN01")]) for i in range(300)]
    export = write_project(tmp_path / "many-sources.qdpx", sources)
    opened = []
    real = archive.zipfile.ZipFile

    class Counting(real):
        def __init__(self, *args, **kwargs):
            opened.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(archive.zipfile, "ZipFile", Counting)
    import_export(export, None, out, with_excerpts=True)
    monkeypatch.undo()
    assert pd.read_csv(out / "codings.csv")["excerpt"].tolist() == ["text"] * 300
    assert len(opened) == 2  # once to read project.qde, once for every source text


def lie_about_size(path: Path, member: str, size: int) -> None:
    """Rewrite a zip's local and central headers so `member` declares `size` uncompressed bytes."""
    import struct

    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, size_at, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        at = data.find(signature)
        while at >= 0:
            length = struct.unpack_from("<H", data, at + name_len_at)[0]
            if bytes(data[at + name_at:at + name_at + length]) == name:
                struct.pack_into("<I", data, at + size_at, size)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def test_a_member_that_lies_about_its_size_is_one_clear_line_and_never_inflated_whole(tmp_path, out, monkeypatch):
    import zipfile

    import goodcare.refi.archive as archive

    export = write_project(tmp_path / "lie.qdpx", [Src("P0001", "x" * 200_000, [(0, 4, "INN01")])])
    member = next(n for n in zipfile.ZipFile(export).namelist() if n.startswith("Sources/"))
    lie_about_size(export, member, 100)
    inflated = []
    real_read = zipfile.ZipExtFile.read
    monkeypatch.setattr(zipfile.ZipExtFile, "read", lambda self, n=-1: inflated.append(len(b := real_read(self, n))) or b)
    with pytest.raises(RefiError, match="source text is damaged in the archive .BadZipFile"):
        import_export(export, None, out, with_excerpts=True)
    assert sum(inflated) < 200_000 + len(zipfile.ZipFile(export).read("project.qde")) and max(inflated) <= archive.READ_CHUNK


def test_validation_errors_of_an_import_echo_no_label(tmp_path, out):
    # A theme (the tree's first level) named after someone: the error says its length, never a part of it.
    codes = {"INN01": ("Mrs Brown's club", "what", "A label", "Definition.")}
    with pytest.raises(RefiError, match="its theme .a name of 16 characters. is not one of") as err:
        import_export(write_project(tmp_path / "bad.qdpx", [Src("P0001", "abc", [(0, 3, "INN01")])], codes=codes), None, out)
    assert "brown" not in str(err.value).lower()
