"""The documents the code cites exist and say what is cited: the design (docs/design.md) and its sections."""

import re

from conftest import ROOT

CITING = ["src", "config", "rules", "scripts", "chapters", "tests"]


def cited_files():
    for folder in CITING:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".yaml", ".smk", ".qmd"} and "__pycache__" not in path.parts:
                yield path
    yield from (ROOT / name for name in ("README.md", "CHANGELOG.md", "BENCHMARKS.md"))


def test_every_cited_design_section_exists():
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    sections = {int(n) for n in re.findall(r"^## (\d+)\. ", design, flags=re.M)}
    cited = {}
    for path in cited_files():
        text = path.read_text(encoding="utf-8")
        outside = "DESIGN" + ".md"  # (spelt in two parts so this file does not cite it)
        assert outside not in text, f"{path.relative_to(ROOT)} cites a design file outside the repository"
        for n in re.findall(r"docs/design\.md section (\d+)", text):
            cited.setdefault(int(n), path.relative_to(ROOT).as_posix())
    assert cited, "nothing cites the design: the check would be vacuous"
    assert {n: where for n, where in cited.items() if n not in sections} == {}
