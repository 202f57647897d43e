"""Read what Quarto consumes without Quarto: chapters, cells, labels, references, figures and paths."""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

FENCE_START = re.compile(r"^```\{python\b[^}]*\}\s*$")
FENCE_ANY = re.compile(r"^(`{3,}|~{3,})")
OPTION = re.compile(r"^#\|\s?(.*)$")
LABEL_ATTR = re.compile(r"\{[^}]*#((?:sec|fig|tbl)-[A-Za-z0-9_-]+)[^}]*\}")
# A reference is @fig-x / @tbl-x / @sec-x not preceded by a word character (so e-mail addresses are skipped).
REFERENCE = re.compile(r"(?<![\w.@])-?@((?:sec|fig|tbl)-[A-Za-z0-9_-]*[A-Za-z0-9_])")
IMAGE = re.compile(r"!\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^)\s]+)[^)]*\)(\{[^}]*\})?")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)[^)]*\)")
FIG_ALT = re.compile(r'fig-alt="([^"]*)"')
INLINE_CODE = re.compile(r"`[^`]*`")


@dataclass
class Cell:
    """A python cell: its source (options stripped), its `#|` options, and its first line in the file."""

    source: str
    options: dict
    line: int


@dataclass
class Chapter:
    """A parsed .qmd: its markdown text (code removed) and its python cells."""

    path: Path
    markdown: str
    cells: list[Cell] = field(default_factory=list)


def book_chapters(project: Path) -> list[Path]:
    """Every chapter and appendix listed in `_quarto.yml`, in book order."""
    book = yaml.safe_load((Path(project) / "_quarto.yml").read_text(encoding="utf-8"))["book"]
    entries = book.get("chapters", []) + book.get("appendices", [])
    files = []
    for entry in entries:
        files += entry.get("chapters", []) if isinstance(entry, dict) else [entry]
    return [Path(project) / f for f in files]


def parse(path: Path) -> Chapter:
    """Split a .qmd into markdown and python cells (other fenced blocks stay out of both)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    markdown, cells, i = [], [], 0
    while i < len(lines):
        line = lines[i]
        if FENCE_START.match(line) or FENCE_ANY.match(line):
            start, fence = i, FENCE_ANY.match(line).group(1)
            i += 1
            body = []
            while i < len(lines) and not lines[i].startswith(fence):
                body.append(lines[i])
                i += 1
            if FENCE_START.match(line):
                cells.append(cell_from(body, start + 1))
        else:
            markdown.append(line)
        i += 1
    return Chapter(Path(path), "\n".join(markdown), cells)


def cell_from(body: list[str], line: int) -> Cell:
    """A cell from its body lines: leading `#|` lines are YAML options."""
    options = [OPTION.match(b).group(1) for b in body if OPTION.match(b)]
    code = [b for b in body if not OPTION.match(b)]
    return Cell("\n".join(code), yaml.safe_load("\n".join(options)) or {}, line)


def labels_in(text: str) -> set[str]:
    """Labels defined in markdown: `{#sec-x}`, `{#fig-x ...}`, `{#tbl-x}`."""
    return set(LABEL_ATTR.findall(text))


def references_in(text: str) -> set[str]:
    """Cross-references used in markdown prose (inline code is not prose)."""
    return set(REFERENCE.findall(INLINE_CODE.sub("", text)))


def cell_labels(chapter: Chapter) -> set[str]:
    """Labels set by cell options."""
    return {str(c.options["label"]) for c in chapter.cells if "label" in c.options}


def figures_missing_alt(text: str, cells: list[Cell] = ()) -> list[str]:
    """Figures (labelled images in markdown, fig- cells) that have no alt text."""
    missing = []
    for match in IMAGE.finditer(text):
        attrs = match.group(2) or ""
        if "#fig-" in attrs and not (FIG_ALT.search(attrs) and FIG_ALT.search(attrs).group(1).strip()):
            missing.append(match.group(1))
    missing += [str(c.options["label"]) for c in cells if str(c.options.get("label", "")).startswith("fig-") and not c.options.get("fig-alt")]
    return missing


def local_paths(text: str) -> list[str]:
    """Local files named by images and links (web addresses, anchors and mail links excluded)."""
    targets = [m.group(1) for m in IMAGE.finditer(text)] + [m.group(1) for m in LINK.finditer(text)]
    return [t for t in targets if not re.match(r"^(https?:|mailto:|#|@)", t)]


def notebook(chapter: Chapter):
    """An nbformat notebook of the chapter's python cells, for a real Jupyter kernel."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c.source) for c in chapter.cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def execute(chapter: Chapter, env: dict[str, str], timeout: int = 120) -> list[str]:
    """Run the chapter's cells in a Jupyter kernel (cwd = the chapter's folder); return text outputs."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = notebook(chapter)
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the kernel inherits this process's environment
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(chapter.path.parent)}}).execute()
    except CellExecutionError as err:
        raise AssertionError(f"{chapter.path.name}: a cell failed: {str(err)[-1500:]}") from None
    finally:
        for k, v in old.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    return [text for cell in nb.cells for out in cell.get("outputs", []) for text in output_texts(out)]


def output_texts(output) -> list[str]:
    """Text of one cell output: stream text, or markdown / plain-text display data."""
    if output.get("output_type") == "stream":
        return [output.get("text", "")]
    data = output.get("data", {})
    return [data[k] for k in ("text/markdown", "text/plain") if k in data][:1]
