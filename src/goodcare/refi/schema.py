"""Check an export against the REFI-QDA schemas and sort violations into fatal ones and ones safe to pass."""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from goodcare.refi.archive import Export, RefiError, where

SCHEMA_DIR = Path(__file__).parent / "schemas"
SCHEMA_FILES = {"project": "Project.xsd", "codebook": "Codebook.xsd"}
# Parts of a project the import never reads: a violation there cannot make the imported tables ambiguous.
UNUSED_SECTIONS = {"Users", "Notes", "Links", "Sets", "Graphs", "Description", "NoteRef"}
# Attributes the import never reads (looks, people, times, places on disk, media geometry).
UNUSED_ATTRIBUTES = {
    "color", "creatingUser", "modifyingUser", "creationDateTime", "modifiedDateTime", "creatingUserGUID",
    "modifyingUserGUID", "basePath", "origin", "richTextPath", "path", "currentPath", "firstX", "firstY",
    "secondX", "secondY", "page", "begin", "end", "timeStamp", "id",
}
ATTRIBUTE = re.compile(r"^Element '[^']*'(?:, attribute '([^']+)'|: The attribute '([^']+)')")


@dataclass(frozen=True)
class Violation:
    """One schema violation: where it is, which attribute (if any), why, and whether it blocks the import."""

    element: str
    attribute: str | None
    reason: str
    fatal: bool

    def as_text(self) -> str:
        attr = f" @{self.attribute}" if self.attribute else ""
        return f"{self.element}{attr}: {self.reason}"


@cache
def load_schema(kind: str) -> etree.XMLSchema:
    """The bundled XSD of a project or codebook (copies of ../shared/refi-qda, see schemas/NOTICE.md)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / SCHEMA_FILES[kind])))


def readable_reason(message: str) -> str:
    """lxml's message without the element prefix, namespaces or the offending value (it may be free text)."""
    text = re.sub(r"^Element '[^']*'(, attribute '[^']*')?: ", "", message)
    text = re.sub(r"\{urn:QDA-XML:[a-z]+:1\.0\}", "", text)
    text = re.sub(r"The value '[^']*'", "the value", text)
    text = re.sub(r"^'[^']*' is not a valid value", "the value is not a valid value", text)
    text = re.sub(r"by the pattern '[^']*'", "by the pattern of its type", text)
    return text.strip().rstrip(".")[:200]


def is_fatal(tree: etree._ElementTree, element: etree._Element | None, attribute: str | None) -> bool:
    """Whether a violation touches what the import reads (then the data may be ambiguous: stop)."""
    if attribute in UNUSED_ATTRIBUTES:
        return False
    if element is None:
        return True
    if element is tree.getroot():
        return attribute is None  # the root's own attributes (name, basePath, ...) are never read
    section = element
    while section.getparent() is not tree.getroot():
        section = section.getparent()
    return etree.QName(section).localname not in UNUSED_SECTIONS


def schema_violations(export: Export) -> list[Violation]:
    """Every violation of the export's schema, each placed on a readable element path."""
    schema = load_schema(export.kind)
    if schema.validate(export.tree):
        return []
    violations = []
    for entry in schema.error_log:
        found = export.tree.xpath(entry.path) if entry.path else []
        element = found[0] if found and isinstance(found[0], etree._Element) else None
        match = ATTRIBUTE.match(entry.message)
        attribute = (match.group(1) or match.group(2)) if match else None
        place = where(element) if element is not None else f"line {entry.line}"
        violations.append(Violation(place, attribute, readable_reason(entry.message), is_fatal(export.tree, element, attribute)))
    return violations


def check_schema(export: Export) -> list[Violation]:
    """Stop on a violation in what the import reads; return the others (reported, then passed over)."""
    violations = schema_violations(export)
    fatal = [v for v in violations if v.fatal]
    if fatal:
        more = f"; and {len(violations) - 1} more (list them: python -m goodcare.refi check {export.name})" if len(violations) > 1 else ""
        raise RefiError(export.name, fatal[0].element, f"does not follow {SCHEMA_FILES[export.kind]}: "
                        f"{('@' + fatal[0].attribute + ' ') if fatal[0].attribute else ''}{fatal[0].reason}{more}")
    return violations
