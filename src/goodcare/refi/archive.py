"""Open a REFI-QDA export (.qdpx zip, bare .qde project or .qdc codebook) safely, without unpacking it."""

import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ROOTS = {f"{{{PROJECT_NS}}}Project": "project", f"{{{CODEBOOK_NS}}}CodeBook": "codebook"}
# A project's XML and each source text are read into memory; a cap keeps a zip bomb from exhausting it.
MAX_MEMBER_BYTES = 512 * 1024 * 1024
INTERNAL = "internal://"


class RefiError(Exception):
    """A problem with an export or a mapping, as one line naming the file and the element (never free text)."""

    def __init__(self, file: str, element: str | None, message: str):
        self.file, self.element, self.message = file, element, message
        super().__init__(f"{file}: {element}: {message}" if element else f"{file}: {message}")


@dataclass
class Export:
    """The parsed XML of an export and access to the source texts packed with it."""

    name: str  # the file name only: a full path can hold a user's home folder
    kind: str  # "project" or "codebook"
    tree: etree._ElementTree
    archive: Path | None = None  # the .qdpx holding the source texts, if any
    base: str = ""  # folder of the .qde inside the archive (normally its root)
    members: dict[str, str] = field(default_factory=dict)  # lower-case member name -> real name

    @property
    def root(self) -> etree._Element:
        return self.tree.getroot()

    def text_at(self, plain_text_path: str | None) -> str | None:
        """The text of an `internal://` source file, or None if it is not in the archive.

        `relative://` and `absolute://` paths point at the author's disk (below `basePath`): never read."""
        if not plain_text_path or not plain_text_path.startswith(INTERNAL) or self.archive is None:
            return None
        wanted = str(PurePosixPath(self.base, "Sources", plain_text_path[len(INTERNAL):])).lower()
        real = self.members.get(wanted)
        if real is None:
            return None
        with zipfile.ZipFile(self.archive) as zf:
            if zf.getinfo(real).file_size > MAX_MEMBER_BYTES:
                raise RefiError(self.name, real, "source text larger than 512 MB; not read")
            # Tools write UTF-8, some with a byte-order mark that is not part of the text positions.
            return zf.read(real).decode("utf-8-sig", errors="replace")


def parse_xml(data: bytes, name: str) -> etree._ElementTree:
    """Parse XML without resolving entities or touching the network (exports are untrusted input)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)
    try:
        return etree.ElementTree(etree.fromstring(data, parser))
    except etree.XMLSyntaxError as err:
        line = err.position[0] if err.position else None
        # lxml's message names tags and positions only; cut it anyway so no long text is echoed.
        raise RefiError(name, f"line {line}" if line else None, f"not well-formed XML ({str(err.msg)[:120]})") from None


def find_project(zf: zipfile.ZipFile, name: str) -> str:
    """The one .qde inside a .qdpx: `project.qde` or `Project.qde` at the root, else a single one in a folder."""
    qdes = [m for m in zf.namelist() if m.lower().endswith(".qde") and not m.endswith("/")]
    at_root = [m for m in qdes if "/" not in m]
    found = at_root or qdes
    if not found:
        raise RefiError(name, None, "no project.qde in the archive (a .qdpx is a zip holding project.qde and Sources/)")
    if len(found) > 1:
        raise RefiError(name, None, f"{len(found)} .qde files in the archive; expected exactly one project.qde")
    return found[0]


def open_export(path: Path) -> Export:
    """Read a .qdpx, .qde or .qdc file and check that its root element is a REFI-QDA project or codebook."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise RefiError(name, None, "file not found")
    suffix = path.suffix.lower()
    if suffix == ".qdpx" or zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as zf:
                member = find_project(zf, name)
                if zf.getinfo(member).file_size > MAX_MEMBER_BYTES:
                    raise RefiError(name, member, "project XML larger than 512 MB; not read")
                data = zf.read(member)
                members = {m.lower(): m for m in zf.namelist()}
        except zipfile.BadZipFile:
            raise RefiError(name, None, "not a zip archive (a .qdpx is a zip holding project.qde and Sources/)") from None
        base = str(PurePosixPath(member).parent) if "/" in member else ""
        export = Export(name, "", parse_xml(data, f"{name}!{member}"), path, base, members)
    elif suffix in (".qde", ".qdc", ".xml"):
        export = Export(name, "", parse_xml(path.read_bytes(), name))
    else:
        raise RefiError(name, None, "not a REFI-QDA export: expected a .qdpx, .qde or .qdc file")
    kind = ROOTS.get(export.root.tag)
    if kind is None:
        local = etree.QName(export.root).localname
        raise RefiError(name, local, f"root element is not a REFI-QDA Project or CodeBook in namespace {PROJECT_NS} or {CODEBOOK_NS}")
    export.kind = kind
    return export


def local(element: etree._Element) -> str:
    """An element's tag without its namespace."""
    return etree.QName(element).localname


def where(element: etree._Element) -> str:
    """A readable element path for messages, e.g. `CodeBook/Codes/Code[2]/Code[1] (line 14)`."""
    steps = []
    node = element
    while node is not None and node.getparent() is not None:
        parent = node.getparent()
        same = [c for c in parent if isinstance(c.tag, str) and c.tag == node.tag]
        steps.append(f"{local(node)}[{same.index(node) + 1}]" if len(same) > 1 else local(node))
        node = parent
    path = "/".join(reversed(steps)) or local(element)
    return f"{path} (line {element.sourceline})" if element.sourceline else path


def norm_guid(value: str | None) -> str:
    """GUIDs differ in case and braces between tools: compare them upper-case, without braces."""
    return (value or "").strip().strip("{}").upper()


def children(element: etree._Element, name: str) -> list[etree._Element]:
    """Direct children with this local name (any namespace)."""
    return [c for c in element if isinstance(c.tag, str) and local(c) == name]


def clean(text: str | None) -> str:
    """Element text with runs of whitespace made single (NVivo leaves empty or padded Descriptions)."""
    return " ".join((text or "").split())
