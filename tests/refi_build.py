"""Build small synthetic REFI-QDA projects (.qdpx) with exactly the property a test needs."""

import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from lxml.builder import ElementMaker

from goodcare.refi.archive import PROJECT_NS

E = ElementMaker(namespace=PROJECT_NS, nsmap={None: PROJECT_NS})
NS = uuid.UUID("0b0e7a9c-3a51-4c1e-9d77-2f3a4b5c6d7e")


def guid(*parts) -> str:
    return str(uuid.uuid5(NS, "/".join(map(str, parts)))).upper()


@dataclass
class Src:
    """A text source of one participant and its selections (start, end, code id)."""

    pid: str
    text: str
    selections: list[tuple[int, int, str]] = field(default_factory=list)


CODES = {"INN01": ("innovation", "what", "New service", "A service unlike the usual offer."),
         "PER01": ("personalisation", "continuity", "Same worker", "The same small team.")}


def project_element(sources: list[Src], codes: dict = CODES, origin: str = "goodcare test builder",
                    empty_descriptions: bool = False) -> etree._Element:
    """A Project element: a theme > sub-theme > code tree, one case (variable participant_id) per source."""
    tree = E.Codes()
    themes, subs = {}, {}
    for code_id, (theme, sub, label, definition) in codes.items():
        if theme not in themes:
            themes[theme] = E.Code(guid=guid("t", theme), name=theme, isCodable="false")
            tree.append(themes[theme])
        if (theme, sub) not in subs:
            subs[(theme, sub)] = E.Code(guid=guid("s", theme, sub), name=sub, isCodable="false")
            themes[theme].append(subs[(theme, sub)])
        parts = [E.Description(definition)] if definition is not None else []
        subs[(theme, sub)].append(E.Code(*parts, guid=guid("c", code_id), name=f"{code_id} {label}", isCodable="true"))
    var = guid("variable")
    srcs, cases = [], []
    for i, src in enumerate(sources):
        sels = []
        for j, (start, end, code_id) in enumerate(src.selections):
            extra = [E.Description()] if empty_descriptions else []
            sels.append(E.PlainTextSelection(*extra, E.Coding(E.CodeRef(targetGUID=guid("c", code_id)), guid=guid("coding", i, j)),
                                             guid=guid("sel", i, j), startPosition=str(start), endPosition=str(end)))
        sg = guid("src", i)
        srcs.append(E.TextSource(*sels, guid=sg, name=f"interview {i}", plainTextPath=f"internal://{sg}.txt"))
        cases.append(E.Case(E.VariableValue(E.VariableRef(targetGUID=var), E.TextValue(src.pid)), E.SourceRef(targetGUID=sg),
                            guid=guid("case", i), name=f"case {i}"))
    parts = [E.CodeBook(tree)]
    if sources:
        parts += [E.Variables(E.Variable(guid=var, name="participant_id", typeOfVariable="Text")), E.Cases(*cases), E.Sources(*srcs)]
    return E.Project(*parts, name="synthetic", origin=origin)


def write_project(path: Path, sources: list[Src], encoding: str = "utf-8", doctype: str = "", **kwargs) -> Path:
    """A .qdpx holding project.qde and one Sources/<guid>.txt per source."""
    root = project_element(sources, **kwargs)
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    if doctype:
        head, rest = xml.split(b"?>", 1)
        xml = head + b"?>" + doctype.encode() + rest
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", xml)
        for i, src in enumerate(sources):
            zf.writestr(f"Sources/{guid('src', i)}.txt", src.text.encode(encoding))
    return path
