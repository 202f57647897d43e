"""Write the study's codebook and codings tables as a schema-valid REFI-QDA project (.qdpx)."""

import uuid
import zipfile
from pathlib import Path

import pandas as pd
from lxml import etree
from lxml.builder import ElementMaker

from goodcare.refi.archive import PROJECT_NS, RefiError
from goodcare.refi.schema import load_schema, readable_reason
from goodcare.validate import validate_file

# A fixed namespace: the same tables always give the same GUIDs, so the written file is reproducible.
GUID_NAMESPACE = uuid.UUID("6f1c2a52-3f0e-4d4b-9a53-5b9e0c1d7a10")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # no timestamps in the archive either
E = ElementMaker(namespace=PROJECT_NS, nsmap={None: PROJECT_NS})
SEPARATOR = "\n\n"  # between excerpts in a participant's text


def guid(*parts: str) -> str:
    """A deterministic GUID for an element, upper-case as most tools write them."""
    return str(uuid.uuid5(GUID_NAMESPACE, "/".join(parts))).upper()


def read_tables(data_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """The folder's codebook, codings and (if present) participants, validated as the workflow would."""
    data_dir = Path(data_dir)
    for name in ("codebook.csv", "codings.csv"):
        if not (data_dir / name).is_file():
            raise RefiError(name, None, f"not found in {data_dir.name}/")
    book = validate_file("codebook", data_dir / "codebook.csv", {})
    if not book.ok:
        raise RefiError("codebook.csv", None, f"does not validate: {book.problems[0].as_text()}")
    people = None
    if (data_dir / "participants.csv").is_file():
        people = pd.read_csv(data_dir / "participants.csv", dtype=str, keep_default_na=False)
    codings = validate_file("codings", data_dir / "codings.csv",
                            {"codebook": book.frame, "participants": people if people is not None else pd.DataFrame({"participant_id": []})})
    problems = [p for p in codings.problems if not (people is None and p.check == "foreign_key" and p.column == "participant_id")]
    if codings.frame is None or problems:
        raise RefiError("codings.csv", None, f"does not validate: {problems[0].as_text() if problems else 'unreadable'}")
    return book.frame, codings.frame, people


def code_tree(codebook: pd.DataFrame) -> etree._Element:
    """Theme > sub-theme > code (named 'INN01 label', described by its definition), in the table's order."""
    codes = E.Codes()
    themes: dict[str, etree._Element] = {}
    subs: dict[tuple[str, str], etree._Element] = {}
    for row in codebook.itertuples(index=False):
        if row.theme not in themes:
            themes[row.theme] = E.Code(guid=guid("theme", row.theme), name=row.theme, isCodable="false")
            codes.append(themes[row.theme])
        key = (row.theme, row.sub_theme)
        if key not in subs:
            subs[key] = E.Code(guid=guid("sub_theme", *key), name=row.sub_theme, isCodable="false")
            themes[row.theme].append(subs[key])
        subs[key].append(E.Code(E.Description(row.definition), guid=guid("code", row.code_id), name=f"{row.code_id} {row.label}", isCodable="true"))
    return codes


def sources_and_cases(codings: pd.DataFrame, people: pd.DataFrame | None) -> tuple[list, list, dict[str, str]]:
    """One text source and one case per participant; each segment a selection over its excerpt."""
    roles = dict(zip(people["participant_id"], people["role"])) if people is not None and "role" in people else {}
    sources, cases, texts = [], [], {}
    for pid, rows in codings.groupby("participant_id", sort=False):
        sguid = guid("source", pid)
        text, selections = "", []
        for row in rows.itertuples(index=False):
            start = len(text)
            if not pd.isna(row.excerpt):
                text += row.excerpt + SEPARATOR
            end = start + (0 if pd.isna(row.excerpt) else len(row.excerpt))  # no excerpt: an empty selection
            selections.append(E.PlainTextSelection(
                E.Coding(E.CodeRef(targetGUID=guid("code", row.code_id)), guid=guid("coding", row.segment_id)),
                guid=guid("segment", row.segment_id), name=row.segment_id, startPosition=str(start), endPosition=str(end)))
        sources.append(E.TextSource(*selections, guid=sguid, name=pid, plainTextPath=f"internal://{sguid}.txt"))
        texts[f"Sources/{sguid}.txt"] = text
        values = [E.VariableValue(E.VariableRef(targetGUID=guid("variable", "participant_id")), E.TextValue(pid))]
        if pid in roles:
            values.append(E.VariableValue(E.VariableRef(targetGUID=guid("variable", "role")), E.TextValue(roles[pid])))
        cases.append(E.Case(*values, E.SourceRef(targetGUID=sguid), guid=guid("case", pid), name=pid))
    return sources, cases, texts


def project_xml(codebook: pd.DataFrame, codings: pd.DataFrame, people: pd.DataFrame | None) -> tuple[bytes, dict[str, str]]:
    """The project.qde bytes and the source texts, checked against Project.xsd."""
    sources, cases, texts = sources_and_cases(codings, people)
    variables = [E.Variable(guid=guid("variable", "participant_id"), name="participant_id", typeOfVariable="Text")]
    if people is not None and "role" in people:
        variables.append(E.Variable(guid=guid("variable", "role"), name="role", typeOfVariable="Text"))
    root = E.Project(
        E.CodeBook(code_tree(codebook)), E.Variables(*variables), E.Cases(*cases), E.Sources(*sources),
        E.Description("Codebook and coded segments written by goodcare from codebook.csv and codings.csv; "
                      "each participant's text holds only the tables' excerpts. The bundled study data are SYNTHETIC."),
        name="goodcare study codings", origin="goodcare refi writer")
    schema = load_schema("project")
    if not schema.validate(etree.ElementTree(root)):
        raise RefiError("project.qde", None, f"written project does not follow Project.xsd: {readable_reason(schema.error_log[0].message)}")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", standalone=True, pretty_print=True), texts


def write_qdpx(data_dir: Path, out: Path) -> Path:
    """Write DATA_DIR's codebook and codings as a .qdpx (zip of project.qde and Sources/), byte-reproducible."""
    codebook, codings, people = read_tables(data_dir)
    xml, texts = project_xml(codebook, codings, people)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in [("project.qde", xml), *sorted((n, t.encode("utf-8")) for n, t in texts.items())]:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    tmp.replace(out)
    return out
