"""Read a REFI-QDA project into plain records: code tree, sources, selections, codings, cases and variables."""

import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from goodcare.refi.archive import Export, RefiError, children, clean, local, norm_guid, where
from goodcare.refi.excerpts import selection_text

# ATLAS.ti writes a code tree as flat names joined by "::"; other tools nest Code elements. Both give one path.
PATH_SEP = "::"


def split_name(name: str) -> tuple[str, ...]:
    """A code name as path steps (ATLAS.ti's `A::B` is B under A), whitespace tidied."""
    return tuple(" ".join(part.split()) for part in (name or "").split(PATH_SEP))


@dataclass
class Code:
    guid: str
    path: tuple[str, ...]
    codable: bool
    description: str
    where: str
    has_children: bool


@dataclass
class Source:
    guid: str
    name: str
    kind: str
    index: int
    where: str
    variables: dict[str, str]


@dataclass
class Selection:
    guid: str
    source: str
    start: int | None
    order: int
    where: str
    text: str | None
    codes: list[str] = field(default_factory=list)


@dataclass
class Case:
    guid: str
    name: str
    where: str
    sources: set[str]
    selections: set[str]
    variables: dict[str, str]


@dataclass
class Project:
    codes: dict[str, Code]
    sources: dict[str, Source]
    selections: dict[str, Selection]
    cases: list[Case]
    variables: dict[str, str]  # variable guid -> name
    dropped: Counter


def read_codes(codes_el: etree._Element | None, file: str) -> dict[str, Code]:
    """The code tree, depth first, each code with its full name path."""
    found: dict[str, Code] = {}
    first_at: dict[tuple[str, ...], str] = {}
    places: dict = {}

    def walk(element, parent_path):
        for el in children(element, "Code"):
            path = parent_path + split_name(el.get("name", ""))
            guid = norm_guid(el.get("guid"))
            if path in first_at:
                raise RefiError(file, where(el, places), f"a second code with the same name under one parent (first at {first_at[path]}); "
                                "rename one in the tool and export again")
            first_at[path] = where(el, places)
            if guid in found:
                raise RefiError(file, where(el, places), "a second code with the same guid")
            desc = children(el, "Description")
            found[guid] = Code(guid, path, el.get("isCodable", "true").lower() in ("true", "1"),
                               clean(desc[0].text) if desc else "", where(el, places), bool(children(el, "Code")))
            walk(el, path)

    if codes_el is not None:
        walk(codes_el, ())
    return found


def variable_values(element: etree._Element) -> dict[str, str]:
    """Case or source variable values, by variable guid, as text."""
    values = {}
    for vv in children(element, "VariableValue"):
        ref = children(vv, "VariableRef")
        value = [c for c in vv if isinstance(c.tag, str) and local(c).endswith("Value")]
        if ref and value:
            values[norm_guid(ref[0].get("targetGUID"))] = (value[0].text or "").strip()
    return values


def read_project(export: Export, with_text: bool = False) -> Project:
    """Every code, source, selection (deduplicated by guid), coding and case of a project or codebook."""
    root, file = export.root, export.name
    book = children(root, "CodeBook") if export.kind == "project" else [root]
    codes = read_codes(children(book[0], "Codes")[0] if book and children(book[0], "Codes") else None, file)
    dropped: Counter = Counter()
    for section in ("Users", "Notes", "Links", "Sets", "Graphs"):
        for el in children(root, section):
            dropped[section.lower()] += len(el)
    dropped["basePath"] += root.get("basePath") is not None
    # Counted, never kept: who coded (and when) is personal data the study tables have no use for.
    dropped["coders"] = len({norm_guid(c.get("creatingUser")) for c in root.iter(f"{{{root.nsmap.get(None)}}}Coding") if c.get("creatingUser")})
    dropped["timestamps"] = sum(1 for el in root.iter() if isinstance(el.tag, str) for a in el.attrib if a.endswith("DateTime"))
    variables = {norm_guid(v.get("guid")): v.get("name", "") for vs in children(root, "Variables") for v in children(vs, "Variable")}
    sources, selections, texts = {}, {}, {}
    places: dict = {}  # each parent's children counted once: naming 30,000 selections of a source stays linear
    for src_el in (s for ss in children(root, "Sources") for s in ss if isinstance(s.tag, str)):
        guid = norm_guid(src_el.get("guid"))
        sources[guid] = Source(guid, clean(src_el.get("name")), local(src_el), len(sources), where(src_el, places), variable_values(src_el))
        # Codings of a whole source become one segment without a position.
        whole = Selection(guid, guid, None, len(selections), where(src_el, places), None)
        whole.codes = [norm_guid(r.get("targetGUID")) for c in children(src_el, "Coding") for r in children(c, "CodeRef")]
        if whole.codes:
            selections[guid] = whole
        for sel in src_el.iter():
            if not isinstance(sel.tag, str) or not local(sel).endswith("Selection"):
                continue
            sguid = norm_guid(sel.get("guid"))
            coded = [norm_guid(r.get("targetGUID")) for c in children(sel, "Coding") for r in children(c, "CodeRef")]
            dropped["duplicate codings"] += len(coded) - len(set(coded))
            # An empty <Description/> (NVivo and MAXQDA write one on every selection) is not a memo.
            dropped["memos"] += sum(1 for d in children(sel, "Description") if clean(d.text)) + len(children(sel, "NoteRef"))
            text = selection_text(export, sel, texts) if with_text else None
            start = sel.get("startPosition")
            if sguid in selections:
                # ATLAS.ti writes a PDF quotation twice (PDFSelection and text Representation, same guid): one segment.
                kept = selections[sguid]
                kept.codes += [c for c in coded if c not in kept.codes]
                kept.text = kept.text if kept.text is not None else text
                dropped["duplicate selections"] += 1
                continue
            selections[sguid] = Selection(sguid, guid, int(start) if start is not None and re.fullmatch(r"-?\d+", start) else None,
                                          len(selections), where(sel, places), text, list(dict.fromkeys(coded)))
    cases = [Case(norm_guid(c.get("guid")), clean(c.get("name")), where(c, places),
                  {norm_guid(r.get("targetGUID")) for r in children(c, "SourceRef")},
                  {norm_guid(r.get("targetGUID")) for r in children(c, "SelectionRef")}, variable_values(c))
             for cs in children(root, "Cases") for c in children(cs, "Case")]
    dropped["case codings"] = sum(len(children(c, "CodeRef")) for cs in children(root, "Cases") for c in children(cs, "Case"))
    return Project(codes, sources, selections, cases, variables, dropped)
