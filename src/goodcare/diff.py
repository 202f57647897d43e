"""Findings diff: which published numbers, verdicts and suppressions moved between two builds."""

import argparse
import csv
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from goodcare.outputs import SUPPRESSED

SNAPSHOTS = Path("snapshots")
# What the book publishes (everything here has passed the disclosure gate): values, tables, figure data.
PUBLISHED = ("values/*.json", "tables/*/*.csv", "figures/*/*.csv")
DIGIT = re.compile(r"\d")
# A changed leaf is printed only when it is a short number-bearing value; longer or digit-free text (an
# excerpt, a sentence) is named by its place alone, so no free text is echoed.
MAX_SHOWN = 60
MANIFEST = "snapshot.json"
# Changes printed with both values, and how every other kind of change is said (the console and the book's page).
SHOWN_KINDS = ("changed", "verdict")
KIND_WORDS = {
    "suppressed": "now suppressed (published before)",
    "published": "now published (suppressed before)",
    "added": "new",
    "removed": "no longer published",
    "text": "text changed",
}


@dataclass(frozen=True)
class Change:
    """One published leaf that differs between the old and the new build."""

    chapter: str
    label: str
    kind: str  # changed, verdict, suppressed, published, added, removed, text
    old: str = ""
    new: str = ""

    def as_text(self) -> str:
        """One line for the console."""
        where = f"[{self.chapter}] {self.label}"
        if self.kind in SHOWN_KINDS:
            return f"{where}: {self.old} -> {self.new}" + ("  (verdict flipped)" if self.kind == "verdict" else "")
        return f"{where}: {KIND_WORDS[self.kind]}"


def is_suppressed(value: str) -> bool:
    """Whether a published leaf is the gate's suppression marker."""
    return value.startswith(SUPPRESSED)


def shown(value: str, rel: str) -> bool:
    """Whether a leaf's value may be printed: a short number-bearing value outside the quotes."""
    return Path(rel).stem != "quotes" and bool(DIGIT.search(value)) and len(value) <= MAX_SHOWN


def json_leaves(data, prefix: str = "") -> dict[str, str]:
    """Every leaf of a JSON value by its path; list items by their `id` or `key` when they have one."""
    if isinstance(data, dict):
        out = {}
        for name in sorted(data):
            out.update(json_leaves(data[name], f"{prefix}.{name}" if prefix else str(name)))
        return out
    if isinstance(data, list):
        out = {}
        for i, item in enumerate(data):
            field = next((f for f in ("id", "key") if isinstance(item, dict) and f in item), None)
            if field is None:
                out.update(json_leaves(item, f"{prefix}[{i}]"))
            else:  # the tag names the item; it is not a leaf of its own
                out.update(json_leaves({k: v for k, v in item.items() if k != field}, f"{prefix}[{item[field]}]"))
        return out
    return {prefix: "" if data is None else str(data)}


def row_keys(header: list[str], rows: list[list[str]]) -> tuple[int, list[str]]:
    """The fewest leading columns that tell the rows apart, and each row's key from them."""
    for width in range(1, len(header) + 1):
        keys = [" | ".join(row[:width]) for row in rows]
        if len(set(keys)) == len(keys):
            return width, keys
    return 0, [f"row {i + 1}" for i in range(len(rows))]


def csv_leaves(text: str) -> dict[str, str]:
    """Every cell of a published CSV by its row's key and its column's name."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return {}
    header, body = rows[0], rows[1:]
    width, keys = row_keys(header, body)
    return {f"[{key}] {column}": cell for key, row in zip(keys, body) for column, cell in list(zip(header, row))[width:]}


def published_files(results: Path) -> list[str]:
    """The published files of a build, relative to its results folder, in a stable order."""
    return sorted({p.relative_to(results).as_posix() for pattern in PUBLISHED for p in results.glob(pattern)})


def leaves(results: Path) -> dict[tuple[str, str], str]:
    """Every published leaf of a build: (file relative to the results folder, place in it) -> value."""
    out = {}
    for rel in published_files(results):
        text = (results / rel).read_text(encoding="utf-8")
        found = json_leaves(json.loads(text)) if rel.endswith(".json") else csv_leaves(text)
        out.update({(rel, place): value for place, value in found.items()})
    return out


def chapter_of(rel: str) -> str:
    """The chapter a published file belongs to (values/<chapter>.json, tables/<chapter>/...)."""
    parts = rel.split("/")
    return Path(parts[1]).stem if len(parts) == 2 else parts[1]


def label_of(rel: str, place: str) -> str:
    """A reader's name for a leaf: its output and its place in it."""
    parts = rel.split("/")
    output = "values" if parts[0] == "values" else f"{parts[0][:-1]} {Path(parts[-1]).stem}"
    return f"{output}: {place}"


def is_verdict(rel: str, place: str) -> bool:
    """Whether a leaf is a hypothesis's verdict (the scorecard's `verdict` fields)."""
    return rel.startswith("values/") and place.endswith(".verdict")


def compare(old: dict, new: dict) -> list[Change]:
    """Every difference between two builds' leaves, in a stable order (by file, then place)."""
    changes = []
    for rel, place in sorted(set(old) | set(new)):
        before, after = old.get((rel, place)), new.get((rel, place))
        if before == after:
            continue
        chapter, label = chapter_of(rel), label_of(rel, place)
        if before is None or after is None:
            changes.append(Change(chapter, label, "added" if before is None else "removed"))
        elif is_suppressed(after) and not is_suppressed(before):
            changes.append(Change(chapter, label, "suppressed"))  # neither side's value: no differencing
        elif is_suppressed(before) and not is_suppressed(after):
            changes.append(Change(chapter, label, "published"))
        elif is_suppressed(before) and is_suppressed(after):
            continue  # only the reason changed; the cell is withheld in both builds
        elif is_verdict(rel, place):
            changes.append(Change(chapter, label, "verdict", before, after))
        elif shown(before, rel) and shown(after, rel):
            changes.append(Change(chapter, label, "changed", before, after))
        else:
            changes.append(Change(chapter, label, "text"))
    return changes


def save_snapshot(results: Path, dest: Path) -> Path:
    """Copy a build's published results (never data, never staging) into `dest`, with a manifest."""
    if dest.exists():
        raise FileExistsError(f"{dest} exists: choose another name (a snapshot is never overwritten)")
    files = published_files(results)
    if not files:
        raise FileNotFoundError(f"{results} holds no published results: build first (snakemake --cores 4 analyses)")
    staging = dest.with_name(f".{dest.name}.saving")
    shutil.rmtree(staging, ignore_errors=True)
    for rel in files:
        (staging / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(results / rel, staging / rel)
    (staging / MANIFEST).write_text(json.dumps({"files": files}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    staging.rename(dest)  # all or nothing
    return dest


def git_snapshot(ref: str, name: str, into: Path) -> Path:
    """The snapshot `name` as committed at git `ref`, extracted into `into`."""
    archive = subprocess.run(["git", "archive", "--format=tar", ref, f"{SNAPSHOTS.as_posix()}/{name}"],
                             capture_output=True, check=False)
    if archive.returncode != 0:
        raise FileNotFoundError(f"no snapshot '{name}' is committed at git ref '{ref}'")
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into / SNAPSHOTS / name


def resolve(ref: str, into: Path) -> Path:
    """The folder of a previous build: a folder, a snapshot name in snapshots/, or `<git-ref>:<name>`."""
    if Path(ref).is_dir():
        return Path(ref)
    if (SNAPSHOTS / ref).is_dir():
        return SNAPSHOTS / ref
    if ":" in ref:
        git_ref, name = ref.rsplit(":", 1)
        return git_snapshot(git_ref, name, into)
    raise FileNotFoundError(f"'{ref}' is neither a folder, a snapshot in {SNAPSHOTS}/ nor <git-ref>:<snapshot>")


def latest_snapshot(snapshots: Path = SNAPSHOTS) -> str | None:
    """The last snapshot by name (name them so they sort in release order, e.g. v1.0, v1.1)."""
    names = sorted(p.name for p in snapshots.glob("*") if (p / MANIFEST).is_file()) if snapshots.is_dir() else []
    return names[-1] if names else None


def changes_record(results: Path, snapshots: Path = SNAPSHOTS) -> dict:
    """What the book's "Changes since the last release" page shows: the last snapshot's name (None when
    there is none) and every change since it."""
    name = latest_snapshot(snapshots)
    if name is None:
        return {"since": None, "changes": [], "flipped": 0}
    changes = compare(leaves(snapshots / name), leaves(results))
    return {"since": name, "changes": [asdict(c) for c in changes], "flipped": sum(c.kind == "verdict" for c in changes)}


def main(argv: list[str] | None = None) -> int:
    """`python -m goodcare.diff [REF]`: print what moved since REF; exit 1 when a verdict flipped."""
    parser = argparse.ArgumentParser(prog="python -m goodcare.diff", description=main.__doc__)
    parser.add_argument("ref", nargs="?", help="a snapshot name, a folder, or <git-ref>:<snapshot> (default: the latest snapshot)")
    parser.add_argument("--results", default="results", help="this build's results folder (default: results)")
    parser.add_argument("--save", metavar="NAME", help=f"save this build's published results as {SNAPSHOTS}/NAME and stop")
    args = parser.parse_args(argv)
    results = Path(args.results)
    try:
        if args.save:
            print(f"saved {save_snapshot(results, SNAPSHOTS / args.save)}")
            return 0
        ref = args.ref or latest_snapshot()
        if ref is None:
            print(f"no earlier build to compare with: save one with --save NAME ({SNAPSHOTS}/ is empty)", file=sys.stderr)
            return 2
        current = leaves(results)
        if not current:
            raise FileNotFoundError(f"{results} holds no published results: build first (snakemake --cores 4 analyses)")
        with tempfile.TemporaryDirectory() as tmp:
            changes = compare(leaves(resolve(ref, Path(tmp))), current)
    except (FileNotFoundError, FileExistsError) as err:
        print(err, file=sys.stderr)
        return 2
    for change in changes:
        print(change.as_text())
    flipped = sum(c.kind == "verdict" for c in changes)
    print(f"{len(changes)} published value{'s' * (len(changes) != 1)} changed since {ref}; "
          f"{flipped} verdict{'s' * (flipped != 1)} flipped")
    return 1 if flipped else 0


if __name__ == "__main__":
    sys.exit(main())
