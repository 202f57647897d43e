"""Code inputs from the import graph: the closure on a tiny package, against Python's own imports, and in the workflow."""

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import EVERY_GATE, ROOT, copy_project, snakemake
from goodcare import codedeps, qmd

# --- (a) the closure on a hand-made package ---------------------------------------------------------------------

TINY = {
    "pkg/__init__.py": '"""A package."""\n',
    "pkg/util.py": "import os\n\nTHING = 1\n",
    "pkg/absolute.py": "import pkg.util\nimport pandas\n",
    "pkg/from_package.py": "from pkg import util\n",
    "pkg/sub/__init__.py": "from pkg.sub.helpers import helper\n",
    "pkg/sub/helpers.py": "def helper():\n    return 1\n",
    "pkg/sub/leaf.py": "from . import sibling\nfrom .sibling import name\nfrom ..util import THING\n",
    "pkg/sub/sibling.py": "name = 'sibling'\n",
    "pkg/sub/deep/__init__.py": "from ... import util\n",
    "pkg/from_sub_module.py": "from pkg.sub import leaf\n",
    "pkg/from_sub_function.py": "from pkg.sub.helpers import helper\n",
    "pkg/lazy.py": "def run():\n    from pkg import late\n    return late\n\n\nclass K:\n    def m(self):\n        try:\n            import pkg.later\n        except ImportError:\n            pass\n",
    "pkg/late.py": "",
    "pkg/later.py": "",
    "pkg/typed.py": ("import typing\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from pkg import heavy\nelse:\n"
                     "    from pkg import light\nif typing.TYPE_CHECKING:\n    import pkg.heavier\n"),
    "pkg/heavy.py": "",
    "pkg/heavier.py": "",
    "pkg/light.py": "",
    "pkg/cycle_a.py": "import pkg.cycle_b\n",
    "pkg/cycle_b.py": "from pkg import cycle_a\n",
    "pkg/star.py": "from pkg.sub import *\n",
    "pkg/data.py": 'from pathlib import Path\n\nHERE = Path(__file__).parent / "schemas"\nFILES = ("a.xsd",)\n',
    "pkg/globbed.py": 'from pathlib import Path\n\nDIR = Path(__file__).resolve().parent / "instruments"\nALL = sorted(DIR.glob("*.yaml"))\n',
    "pkg/whole.py": 'from pathlib import Path\n\nDIR = Path(__file__).parent / "assets"\n',
    "pkg/one_file.py": 'from pathlib import Path\n\nNOTE = Path(__file__).parent / "assets" / "note.txt"\n',
    "pkg/schemas/a.xsd": "<a/>",
    "pkg/schemas/b.xsd": "<b/>",
    "pkg/schemas/NOTICE.md": "notice",
    "pkg/instruments/x.yaml": "x: 1",
    "pkg/instruments/README.md": "readme",
    "pkg/assets/note.txt": "note",
    "pkg/assets/logo.svg": "<svg/>",
}


@pytest.fixture
def tiny(tmp_path):
    src = tmp_path / "src"
    for name, text in TINY.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text)
    return src


def files(src, *names):
    """The closure of module names, as paths relative to `src`."""
    return {p.relative_to(src).as_posix() for p in codedeps.closure(codedeps.package_graph(src), names)}


def test_absolute_import_loads_the_module_and_its_packages(tiny):
    assert files(tiny, "pkg.absolute") == {"pkg/__init__.py", "pkg/absolute.py", "pkg/util.py"}  # pandas, os left out


def test_from_package_import_module(tiny):
    assert files(tiny, "pkg.from_package") == {"pkg/__init__.py", "pkg/from_package.py", "pkg/util.py"}


def test_from_subpackage_import_a_module_or_a_function(tiny):
    sub = {"pkg/__init__.py", "pkg/sub/__init__.py", "pkg/sub/helpers.py"}  # the subpackage's __init__ runs its imports
    assert files(tiny, "pkg.from_sub_function") == sub | {"pkg/from_sub_function.py"}
    assert files(tiny, "pkg.from_sub_module") == sub | {"pkg/from_sub_module.py", "pkg/sub/leaf.py", "pkg/sub/sibling.py", "pkg/util.py"}


def test_relative_imports_resolve_from_the_module_and_from_a_package(tiny):
    graph = codedeps.package_graph(tiny)
    assert {"pkg.sub", "pkg.sub.sibling", "pkg.sub.sibling.name", "pkg.util", "pkg.util.THING"} <= graph["pkg.sub.leaf"].imports
    assert "pkg.util" in graph["pkg.sub.deep"].imports  # `from ... import util` in pkg/sub/deep/__init__.py


def test_imports_inside_functions_methods_and_try_blocks_count(tiny):
    assert {"pkg/late.py", "pkg/later.py"} <= files(tiny, "pkg.lazy")


def test_type_checking_imports_do_not_count_but_its_else_branch_does(tiny):
    assert files(tiny, "pkg.typed") == {"pkg/__init__.py", "pkg/typed.py", "pkg/light.py"}


def test_a_cycle_ends_with_both_modules(tiny):
    both = {"pkg/__init__.py", "pkg/cycle_a.py", "pkg/cycle_b.py"}
    assert files(tiny, "pkg.cycle_a") == files(tiny, "pkg.cycle_b") == both


def test_star_import_loads_the_package(tiny):
    assert files(tiny, "pkg.star") == {"pkg/__init__.py", "pkg/star.py", "pkg/sub/__init__.py", "pkg/sub/helpers.py"}


def test_data_files_a_module_loads_beside_itself(tiny):
    assert files(tiny, "pkg.data") - {"pkg/__init__.py"} == {"pkg/data.py", "pkg/schemas/a.xsd"}  # only the named schema
    assert files(tiny, "pkg.globbed") - {"pkg/__init__.py"} == {"pkg/globbed.py", "pkg/instruments/x.yaml"}  # the glob
    assert files(tiny, "pkg.whole") - {"pkg/__init__.py"} == {"pkg/whole.py", "pkg/assets/note.txt", "pkg/assets/logo.svg"}
    assert files(tiny, "pkg.one_file") - {"pkg/__init__.py"} == {"pkg/one_file.py", "pkg/assets/note.txt"}


def test_unknown_names_are_left_out(tiny):
    assert files(tiny, "numpy", "yaml.constructor") == set()
    assert files(tiny, "pkg.missing") == {"pkg/__init__.py"}  # as Python would: the package runs, then the import fails


def test_entry_points_scripts_quarto_cells_and_module_names(tiny, tmp_path):
    script = tmp_path / "run.py"
    script.write_text("from pkg.util import THING\nfrom . import ignored\n\nTHING(snakemake)\n")
    book = tmp_path / "chapter.qmd"
    book.write_text("# Title\n\nimport pkg.cycle_a is prose\n\n```{python}\n#| echo: false\nfrom pkg import light\n```\n\n"
                    "```python\nimport pkg.heavy  # shown, not run\n```\n\n````markdown\n```{python}\nimport pkg.heavier\n```\n````\n\n"
                    "```{python}\n#| label: fig-x\nimport pkg.late as late\n```\n")
    assert codedeps.entry_imports(script) == {"pkg.util", "pkg.util.THING"}
    assert codedeps.entry_imports(book) == {"pkg.light", "pkg", "pkg.late"}
    graph = codedeps.package_graph(tiny)
    inputs = codedeps.code_inputs(graph, str(script), str(book), "pkg.typed")
    assert inputs == sorted(inputs)
    assert {Path(p).relative_to(tiny).as_posix() for p in inputs} == {
        "pkg/__init__.py", "pkg/util.py", "pkg/light.py", "pkg/late.py", "pkg/typed.py"}


def test_a_cached_graph_parses_only_what_changed(tiny, tmp_path, monkeypatch):
    cache = tmp_path / "state" / "codedeps.json"
    cold = codedeps.cached_package_graph(tiny, cache)
    assert cold == codedeps.package_graph(tiny) and cache.is_file()
    parsed = []
    real = codedeps.parse_module
    monkeypatch.setattr(codedeps, "parse_module", lambda source, path, *a: parsed.append(Path(path).name) or real(source, path, *a))
    assert codedeps.cached_package_graph(tiny, cache) == cold and parsed == []  # a no-op parses nothing
    (tiny / "pkg" / "util.py").write_text("import pkg.late\n")
    (tiny / "pkg" / "assets" / "new.txt").write_text("new")  # data files are looked up again, without a parse
    warm = codedeps.cached_package_graph(tiny, cache)
    assert parsed == ["util.py"]
    assert warm == codedeps.package_graph(tiny)
    assert "pkg.late" in warm["pkg.util"].imports and tiny / "pkg" / "assets" / "new.txt" in warm["pkg.whole"].data


def test_a_broken_or_foreign_cache_is_parsed_anew(tiny, tmp_path):
    cache = tmp_path / "codedeps.json"
    for text in ("not json", "[]", json.dumps({"codedeps": "another version", "modules": {"pkg.util:x": {}}})):
        cache.write_text(text)
        assert codedeps.cached_package_graph(tiny, cache) == codedeps.package_graph(tiny)
    assert json.loads(cache.read_text())["codedeps"] != "another version"


# --- (b) against Python's own imports ---------------------------------------------------------------------------

BOOK = ["index.qmd", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "chapters").glob("*.qmd"))]
CHAPTERS = sorted(p.stem for p in (ROOT / "src" / "goodcare" / "chapters").glob("*.py") if p.stem != "__init__")
# Each rule's entry points: the script Snakemake runs, the chapter module the runner loads, the book's cells.
ENTRIES = {
    **{f"analyse_{c}": ("scripts/analyse.py", f"goodcare.chapters.{c}") for c in CHAPTERS},
    "disclose": ("scripts/disclose.py",),
    "validate_table": ("scripts/validate_table.py",),
    "import_qdpx": ("scripts/import_qdpx.py",),
    "changes": ("scripts/changes.py",),
    "calibrate": ("scripts/calibrate.py",),
    "render": ("scripts/render_book.py", *BOOK),
    "release": ("scripts/release.py",),
}
# Rules that run no package code of their own (targets, and Snakemake's report).
NO_CODE = {"all", "analyses", "validate", "snakemake_report"}

# Run in a fresh interpreter: import the modules, run each script until it first touches `snakemake` (every import
# at its top has run by then) and the import statements of the book's cells (split by goodcare.qmd, in this process,
# so the probe loads no module of its own); then list the goodcare modules Python loaded.
PROBE = r"""
import ast, importlib, json, runpy, sys
from pathlib import Path

sys.path.insert(0, "src")

class Stop(Exception):
    pass

class Snakemake:
    def __getattr__(self, name):
        raise Stop(name)

for kind, entry in json.loads(sys.argv[1]):
    if kind == "script":
        try:
            runpy.run_path(entry, init_globals={"snakemake": Snakemake()}, run_name="__snakemake__")
        except Stop:
            pass
    elif kind == "cell":
        imports = [n for n in ast.parse(entry).body if isinstance(n, (ast.Import, ast.ImportFrom))]
        exec(compile(ast.Module(imports, type_ignores=[]), "<cell>", "exec"), {})
    else:
        importlib.import_module(entry)
loaded = {Path(m.__file__).resolve() for n, m in list(sys.modules.items()) if n.split(".")[0] == "goodcare" and getattr(m, "__file__", None)}
print(json.dumps(sorted(p.relative_to(Path.cwd().resolve()).as_posix() for p in loaded)))
"""


def imported_by_python(entries) -> set[str]:
    """The goodcare files Python loads for these entry points, in a fresh interpreter."""
    work = []
    for entry in entries:
        if entry.endswith(".qmd"):
            work += [("cell", cell.source) for cell in qmd.parse(ROOT / entry).cells]
        else:
            work.append(("script" if entry.endswith(".py") else "module", entry))
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(work)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src"), "MPLBACKEND": "Agg"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return set(json.loads(proc.stdout.splitlines()[-1]))


@pytest.fixture(scope="module")
def python_closure() -> dict[str, set[str]]:
    """Each rule's entry points -> the package files Python itself loads for them (one fresh interpreter each)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(ENTRIES, pool.map(imported_by_python, ENTRIES.values())))


def workflow_closure(project: Path = ROOT) -> dict[str, set[str]]:
    """Each rule's entry points -> codedeps' closure, as the workflow computes it (paths relative to the project)."""
    graph = codedeps.package_graph(project / "src")
    out = {}
    for key, entries in ENTRIES.items():
        paths = [str(project / e) if "/" in e or e.endswith((".py", ".qmd")) else e for e in entries]
        out[key] = {Path(p).relative_to(project).as_posix() for p in codedeps.code_inputs(graph, *paths)}
    return out


def test_the_closure_covers_what_python_imports_for_every_entry_point(python_closure):
    ours = workflow_closure()
    for key, loaded in python_closure.items():
        assert loaded, key
        assert loaded <= ours[key], (key, sorted(loaded - ours[key]))
    # The cases: the modules the old hand-made lists left out.
    assert "src/goodcare/verdict.py" in ours["analyse_performance"]
    assert {"src/goodcare/merge.py", "src/goodcare/disclosure/settings.py", "src/goodcare/vocab.py"} <= ours["analyse_micro"]
    assert {"src/goodcare/provenance.py", "src/goodcare/__init__.py"} <= ours["analyse_methods"]
    assert {"src/goodcare/chapters/performance.py", "src/goodcare/disclosure/report.py"} <= ours["render"]
    # Package data that is part of the code: the REFI schemas the import validates against (not their NOTICE.md).
    assert {"src/goodcare/refi/schemas/Project.xsd", "src/goodcare/refi/schemas/Codebook.xsd"} <= ours["import_qdpx"]
    assert not any(p.endswith(".md") for p in ours["import_qdpx"])


def test_codedeps_reads_the_cells_as_goodcare_qmd_does():
    for name in BOOK:
        cells = "\n".join(c.source for c in qmd.parse(ROOT / name).cells)
        assert codedeps.entry_imports(ROOT / name) == codedeps.imported_names(ast.parse(cells)), name


def test_the_only_dynamic_import_is_the_runners_chapter_module():
    # A module found by name at run time escapes the parse; the workflow names the runner's chapter module itself.
    dynamic = set()
    for path in sorted((ROOT / "src" / "goodcare").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in ("import_module", "__import__"):
                dynamic.add(path.relative_to(ROOT).as_posix())
    assert dynamic == {"src/goodcare/runner.py"}
    assert 'import_module(f"goodcare.chapters.{chapter}")' in (ROOT / "src" / "goodcare" / "runner.py").read_text()


def test_codedeps_imports_nothing_it_analyses():
    tree = ast.parse((ROOT / "src" / "goodcare" / "codedeps.py").read_text())
    assert not any(n.startswith("goodcare") for n in codedeps.imported_names(tree, "goodcare.codedeps"))


# --- the workflow's own inputs and records ----------------------------------------------------------------------

JOB = re.compile(r"^(?:local)?rule (\S+):$")


def job_code_inputs(dry_run_output: str) -> dict[str, set[frozenset[str]]]:
    """Rule -> the package-code inputs of each of its jobs, from a dry run's job listing."""
    jobs, rule = {}, None
    for line in dry_run_output.splitlines():
        match = JOB.match(line)
        if match:
            rule = match.group(1)
            jobs.setdefault(rule, set())
        elif rule and line.startswith("    input: "):
            jobs[rule].add(frozenset(p for p in line[len("    input: "):].split(", ") if p.startswith("src/goodcare/")))
            rule = None
    return jobs


def entries_of(rule: str) -> str:
    """The ENTRIES key of a rule."""
    return "disclose" if rule.startswith(("disclose_", "disclosure_")) else rule


@pytest.mark.workflow
def test_every_rule_lists_the_closure_python_loads_as_code_inputs(python_closure, tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "export.qdpx").write_bytes(b"")  # a dry run needs the export to exist, not to be read
    # The default target and the release (which is not part of it).
    out = snakemake(project, "--dry-run", "--forceall", "all", "release", "--config", "qdpx=export.qdpx").stdout
    jobs = job_code_inputs(out)
    ours = workflow_closure(project)
    assert {"render", "release", "import_qdpx", "validate_table", "analyse_performance", "disclose_quotes", "disclosure_report"} <= set(jobs)
    for rule, inputs in jobs.items():
        if rule in NO_CODE:
            assert inputs <= {frozenset()}, rule
            continue
        assert len(inputs) == 1, rule  # every job of a rule runs the same code
        (code,) = inputs
        assert code == ours[entries_of(rule)], (rule, sorted(code ^ ours[entries_of(rule)]))
        assert python_closure[entries_of(rule)] <= code, (rule, sorted(python_closure[entries_of(rule)] - code))


@pytest.mark.workflow
def test_every_record_hashes_its_rules_code_inputs(built_project):
    jobs = job_code_inputs(snakemake(built_project, "analyses", "--dry-run", "--forceall").stdout)
    records = sorted((built_project / "results" / "provenance").glob("*.json"))
    assert len(records) >= 15
    for path in records:
        rec = json.loads(path.read_text())
        (code,) = jobs[rec["rule"]]
        assert set(rec["code"]) == code, (path.name, sorted(set(rec["code"]) ^ code))
    micro = json.loads((built_project / "results" / "provenance" / "micro.json").read_text())
    assert "src/goodcare/merge.py" in micro["code"] and "src/goodcare/disclosure/settings.py" in micro["code"]


# --- (c) a change to a module reruns exactly its dependants -----------------------------------------------------


@pytest.mark.workflow
@pytest.mark.parametrize("module, expected", [
    # The scorecard's verdict rule: chapter 9, chapter 6 (its check of H1 against the ceiling gives a verdict) and
    # the calibration study that judges simulated data sets with it (and chapter 4's table of it), no other analysis;
    # then the key ledger and every gate (it reads every chapter's cells), the book's disclosure report and the
    # changes since the last release, which read every published output.
    ("verdict.py", {"analyse_performance", "analyse_outcomes", "calibrate", "analyse_calibration", *EVERY_GATE, "disclosure_report", "changes"}),
    # Merging rare categories: chapter 5 only (and the scorecard, which reads the gates' values again).
    ("merge.py", {"analyse_micro", "analyse_performance", *EVERY_GATE, "disclosure_report", "changes"}),
])
def test_changing_an_imported_module_reruns_exactly_its_dependants(built_project, tmp_path, module, expected):
    from test_workflow import job_counts

    project = tmp_path / "project"
    shutil.copytree(built_project, project, symlinks=True)
    path = project / "src" / "goodcare" / module
    path.write_text(path.read_text() + "\n# a reviewer's change\n")
    jobs = job_counts(snakemake(project, "analyses", "--dry-run").stdout)
    assert jobs == {**{rule: 1 for rule in expected}, "analyses": 1}, jobs
