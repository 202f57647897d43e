"""What a reviewer needs to trace a build: package versions, input hashes, code version, workflow graph."""

import hashlib
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

PACKAGES = ("pandas", "numpy", "pyarrow", "pandera", "plotnine", "matplotlib", "scipy", "statsmodels", "snakemake", "goodcare")
NODE = re.compile(r'^\s*(\d+)\[label = "([^"]+)"')
EDGE = re.compile(r"^\s*(\d+) -> (\d+)")


def package_versions(names=PACKAGES) -> dict[str, str]:
    """Installed versions of the packages that shape the results (and Python's)."""
    versions = {"python": sys.version.split()[0]}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def git_commit(root: Path) -> str:
    """The commit of the code, with '+changes' when the work tree differs from it; 'unknown' outside git.

    GOODCARE_COMMIT overrides it, for a rebuild in a copy that has no git history of its own.
    """
    if os.environ.get("GOODCARE_COMMIT"):
        return os.environ["GOODCARE_COMMIT"]
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True, text=True).stdout.strip()
        return commit + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def rule_graph(dot: str) -> tuple[dict[int, str], list[tuple[int, int]]]:
    """Nodes and edges of `snakemake --rulegraph` output (self-loops dropped)."""
    nodes = {int(m.group(1)): m.group(2) for m in map(NODE.match, dot.splitlines()) if m}
    edges = sorted({(int(m.group(1)), int(m.group(2))) for m in map(EDGE.match, dot.splitlines()) if m and m.group(1) != m.group(2)})
    return nodes, edges


def layers(nodes: dict[int, str], edges: list[tuple[int, int]]) -> dict[int, int]:
    """Depth of each rule: 0 for rules with no upstream rule, else one more than its deepest input."""
    depth = {n: 0 for n in nodes}
    for _ in nodes:  # longest-path relaxation; the graph is small and acyclic
        for src, dst in edges:
            depth[dst] = max(depth[dst], depth[src] + 1)
    return depth
