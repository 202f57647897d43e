"""The package files a rule's code loads: the import closure of its entry points, found by parsing (never importing)."""

import ast
import fnmatch
import hashlib
import json
import os
import re
from pathlib import Path
from typing import NamedTuple

# Quarto's fenced blocks: a Python cell opens with ```{python} (options allowed); any block ends at its own fence.
CELL_START = re.compile(r"^```\{python\b[^}]*\}\s*$")
FENCE = re.compile(r"^(`{3,}|~{3,})")


class Module(NamedTuple):
    """One module of the package: its file, the key of its parse (its name and the SHA-256 of its bytes), what the
    parse found (parse_module), the absolute names its import statements may load and the data files it loads."""

    path: Path
    key: str
    parse: dict
    imports: frozenset[str]
    data: tuple[Path, ...]


def module_name(path: Path, src: Path) -> tuple[str, bool]:
    """The dotted name of a file below `src`, and whether it is a package (an __init__.py)."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    return ".".join(parts[:-1] if is_package else parts), is_package


def is_type_checking(test: ast.expr) -> bool:
    """`if TYPE_CHECKING:` or `if typing.TYPE_CHECKING:` (its imports never run)."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def import_nodes(tree: ast.AST):
    """Every import statement that can run: at module level, in functions, classes, try blocks; not under TYPE_CHECKING.

    Only statements are visited (an import is never inside an expression), which keeps a parse of the package cheap.
    """
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
            continue
        if isinstance(node, ast.If) and is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            block = getattr(node, field, None)
            if isinstance(block, list):
                stack.extend(block)


def imported_names(tree: ast.AST, name: str | None = None, is_package: bool = False) -> set[str]:
    """Absolute names each import may load: `import a.b` -> a.b; `from a import b` -> a and a.b (b may be a module).

    `name` is the dotted name of the module parsed (None for a script, whose relative imports are ignored).
    """
    found = set()
    for node in import_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        if node.level:
            if name is None:
                continue
            parts = name.split(".") if is_package else name.split(".")[:-1]
            if node.level - 1 > len(parts):
                continue
            base = parts[: len(parts) - (node.level - 1)]
            module = ".".join(base + ([node.module] if node.module else []))
        else:
            module = node.module
        if module:
            found.add(module)
        found.update(f"{module}.{alias.name}" if module else alias.name for alias in node.names if alias.name != "*")
    return found


def here_parts(node: ast.expr) -> list[str] | None:
    """For `Path(__file__).parent / "a" / "b"` (also with .resolve()), ["a", "b"]; None for any other expression."""
    parts = []
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and isinstance(node.right, ast.Constant) and isinstance(node.right.value, str):
        parts.insert(0, node.right.value)
        node = node.left
    if not (parts and isinstance(node, ast.Attribute) and node.attr == "parent"):
        return None
    call = node.value
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "resolve":
        call = call.func.value
    is_path = isinstance(call, ast.Call) and getattr(call.func, "id", getattr(call.func, "attr", None)) == "Path"
    if is_path and len(call.args) == 1 and isinstance(call.args[0], ast.Name) and call.args[0].id == "__file__":
        return parts
    return None


def parse_module(source: bytes, path: Path, name: str, is_package: bool) -> dict:
    """What the graph needs of a module's source: its imports and, if it loads files beside itself, the parts of each
    `Path(__file__).parent / ...` and the strings it spells out (the names or glob patterns of those files)."""
    tree = ast.parse(source, filename=str(path))
    found = {"imports": sorted(imported_names(tree, name, is_package)), "here": [], "names": []}
    if b"__file__" in source:
        here, names = [], set()
        for node in ast.walk(tree):
            if isinstance(node, ast.BinOp) and (parts := here_parts(node)):
                here.append(parts)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 256 and "\n" not in node.value:
                names.add(node.value)
        if here:
            found["here"], found["names"] = sorted(here), sorted(names)
    return found


def data_files(path: Path, here, names) -> tuple[Path, ...]:
    """Files a module loads from beside itself: each named file, or in a named folder the files whose names or glob
    patterns the module spells out (every file of the folder when it spells out none)."""
    found = set()
    for parts in here:
        target = path.parent.joinpath(*parts)
        if target.is_file():
            found.add(target)
        elif target.is_dir():
            files = [p for p in target.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
            named = [p for p in files if any(p.name == s or ("*" in s and fnmatch.fnmatch(p.name, s)) for s in names)]
            found.update(named or files)
    return tuple(sorted(found))


def package_graph(src, known=None) -> dict[str, Module]:
    """Every module below `src` (a source folder such as "src"), keyed by dotted name, each file parsed once, or not
    at all when `known` (key -> parse, from an earlier graph's modules) holds the parse of its bytes."""
    src, known = Path(src), known or {}
    graph = {}
    for path in sorted(src.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        name, is_package = module_name(path, src)
        source = path.read_bytes()
        key = f"{name}:{hashlib.sha256(source).hexdigest()}"
        found = known.get(key) or parse_module(source, path, name, is_package)
        graph[name] = Module(path, key, found, frozenset(found["imports"]), data_files(path, found["here"], found["names"]))
    return graph


def cached_package_graph(src, cache) -> dict[str, Module]:
    """package_graph, reusing the parses kept in `cache` (a JSON file; ignored if unreadable or written by another
    version of this module) for files whose bytes are unchanged, and keeping the new ones there."""
    cache, version = Path(cache), hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    try:
        saved = json.loads(cache.read_text(encoding="utf-8"))
        known = saved["modules"] if saved["codedeps"] == version else {}
    except (OSError, ValueError, KeyError, TypeError):
        known = {}
    graph = package_graph(src, known)
    fresh = {m.key: m.parse for m in graph.values()}
    if fresh != known:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            partial = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
            partial.write_text(json.dumps({"codedeps": version, "modules": fresh}, sort_keys=True), encoding="utf-8")
            os.replace(partial, cache)  # atomic: a workflow parsed at the same time reads the old file or the new one
        except OSError:
            pass  # a read-only folder: parse again next time
    return graph


def python_cells(path) -> str:
    """The source of a Quarto document's Python cells, one after another (other blocks and the prose left out)."""
    cells, fence, is_python = [], None, False
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if fence is None:
            opening = FENCE.match(line)
            if opening:
                fence, is_python = opening.group(1), bool(CELL_START.match(line))
        elif line.startswith(fence):
            fence = None
        elif is_python:
            cells.append(line)
    return "\n".join(cells)


def entry_imports(path) -> set[str]:
    """Absolute names a script (.py) or a Quarto document's Python cells (.qmd) import."""
    path = Path(path)
    source = python_cells(path) if path.suffix == ".qmd" else path.read_text(encoding="utf-8")
    return imported_names(ast.parse(source, filename=str(path)))


def closure(graph: dict[str, Module], names) -> list[Path]:
    """Every package file that importing `names` loads, transitively: each module, the __init__.py of every package
    above it, and the data files each loads; names outside the package (pandas, yaml) are left out."""
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        parents = name.split(".")
        for i in range(1, len(parents) + 1):
            prefix = ".".join(parents[:i])
            if prefix in graph and prefix not in seen:
                seen.add(prefix)
                todo.extend(graph[prefix].imports)
    return sorted({graph[n].path for n in seen} | {d for n in seen for d in graph[n].data})


def code_inputs(graph: dict[str, Module], *entries: str) -> list[str]:
    """A rule's code inputs: the closure of its entry points, each a script or Quarto file (a path) or a module name."""
    names = set()
    for entry in entries:
        is_file = "/" in entry or entry.endswith((".py", ".qmd"))
        names |= entry_imports(entry) if is_file else {entry}
    return [p.as_posix() for p in closure(graph, names)]
