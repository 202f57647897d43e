"""Open a REFI-QDA export (.qdpx zip, bare .qde project or .qdc codebook) safely, without unpacking it."""

import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ROOTS = {f"{{{PROJECT_NS}}}Project": "project", f"{{{CODEBOOK_NS}}}CodeBook": "codebook"}
# A project's XML and each source text are read into memory; a cap keeps a zip bomb from exhausting it.
MAX_MEMBER_BYTES = 512 * 1024 * 1024
READ_CHUNK = 1024 * 1024
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
    _zip: zipfile.ZipFile | None = field(default=None, repr=False)

    def zip(self) -> zipfile.ZipFile:
        """The archive, opened once for every source text read from it (closed by close())."""
        if self._zip is None:
            self._zip = zipfile.ZipFile(self.archive)
        return self._zip

    def close(self) -> None:
        """Close the archive if a source text was read from it."""
        if self._zip is not None:
            self._zip.close()
            self._zip = None

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
        # Tools write UTF-8, some with a byte-order mark that is not part of the text positions.
        return read_member(self.zip(), real, self.name, "source text").decode("utf-8-sig", errors="replace")


def read_member(zf: zipfile.ZipFile, member: str, name: str, what: str) -> bytes:
    """A member's bytes, inflated a chunk at a time and counted as they come: the size the archive declares may
    be a lie, so no more than the cap is ever inflated, and a damaged member is one clear line."""
    cap = MAX_MEMBER_BYTES
    if zf.getinfo(member).file_size > cap:
        raise RefiError(name, member, f"{what} larger than {cap // 2**20} MB; not read")
    parts, size = [], 0
    try:
        with zf.open(member) as handle:
            while chunk := handle.read(READ_CHUNK):
                size += len(chunk)
                if size > cap:
                    raise RefiError(name, member, f"{what} inflates to more than {cap // 2**20} MB; not read")
                parts.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as err:
        # zipfile's message can hold the member's name only; the kind of damage is enough.
        raise RefiError(name, member, f"{what} is damaged in the archive ({type(err).__name__}: its size or checksum "
                        "does not match what the archive declares); export again") from None
    return b"".join(parts)


def parse_xml(data: bytes, name: str) -> etree._ElementTree:
    """Parse XML without resolving entities or touching the network (exports are untrusted input)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser))
    except etree.XMLSyntaxError as err:
        line = err.position[0] if err.position else None
        # lxml's message names tags and positions only; cut it anyway so no long text is echoed.
        raise RefiError(name, f"line {line}" if line else None, f"not well-formed XML ({str(err.msg)[:120]})") from None
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        # No REFI-QDA tool writes one; a DOCTYPE can only declare entities (never expanded here) or an outside DTD.
        raise RefiError(name, "DOCTYPE", "the XML declares a DOCTYPE (entities or an outside DTD), which REFI-QDA exports "
                        "never have; not read (entities are never expanded): export again from the tool")
    return tree


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
                data = read_member(zf, member, name, "project XML")
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


def where(element: etree._Element, places: dict | None = None) -> str:
    """A readable element path for messages, e.g. `CodeBook/Codes/Code[2]/Code[1] (line 14)`.

    With `places` (a dict kept for one document), each parent's children are counted once, so naming every
    element of a document takes linear time instead of rescanning the siblings of each."""
    steps = []
    node = element
    while node is not None and node.getparent() is not None:
        parent = node.getparent()
        if places is None:
            same = [c for c in parent if isinstance(c.tag, str) and c.tag == node.tag]
            position, count = same.index(node) + 1, len(same)
        else:
            if parent not in places:
                places[parent] = sibling_positions(parent)
            position, count = places[parent][node]
        steps.append(f"{local(node)}[{position}]" if count > 1 else local(node))
        node = parent
    path = "/".join(reversed(steps)) or local(element)
    return f"{path} (line {element.sourceline})" if element.sourceline else path


def sibling_positions(parent: etree._Element) -> dict:
    """Each child element's position among the children with its tag, and how many share that tag."""
    seen: dict[str, int] = {}
    positions = {}
    for child in parent:
        if isinstance(child.tag, str):
            seen[child.tag] = seen.get(child.tag, 0) + 1
            positions[child] = seen[child.tag]
    return {child: (position, seen[child.tag]) for child, position in positions.items()}


def norm_guid(value: str | None) -> str:
    """GUIDs differ in case and braces between tools: compare them upper-case, without braces."""
    return (value or "").strip().strip("{}").upper()


def children(element: etree._Element, name: str) -> list[etree._Element]:
    """Direct children with this local name (any namespace)."""
    return [c for c in element if isinstance(c.tag, str) and local(c) == name]


def clean(text: str | None) -> str:
    """Element text with runs of whitespace made single (NVivo leaves empty or padded Descriptions)."""
    return " ".join((text or "").split())
