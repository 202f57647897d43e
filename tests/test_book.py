"""Book checks without Quarto: chapters listed and labelled, cells run in a real kernel, references,
alt text and paths resolve, Quarto's own schema accepts the YAML; the real render runs if Quarto is here."""

import re
import subprocess
import sys

import pytest

from conftest import ROOT, SHARED, copy_project, snakemake
from goodcare import qmd, render

CHAPTERS = qmd.book_chapters(ROOT)


def test_every_listed_chapter_exists_and_every_qmd_is_listed():
    listed = {p.resolve() for p in CHAPTERS}
    on_disk = {p.resolve() for p in [ROOT / "index.qmd", *(ROOT / "chapters").glob("*.qmd")]}
    assert listed == on_disk


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_opens_with_a_labelled_heading(path):
    first = next(line for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    assert re.match(r"^# .+ \{#sec-[a-z0-9-]+\}$", first), first


def test_the_synthetic_label_lives_in_its_profile_only():
    import yaml

    config = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    profile = yaml.safe_load((ROOT / "_quarto-synthetic.yml").read_text(encoding="utf-8"))
    assert config["project"]["type"] == "book" and set(config["format"]) == {"html", "typst"}
    # With real data (no profile) nothing says synthetic; with the profile the title, every site page and
    # every PDF page do.
    assert "synthetic" not in (ROOT / "_quarto.yml").read_text(encoding="utf-8").lower()
    assert "SYNTHETIC" in profile["book"]["subtitle"]
    assert "synthetic-banner" in profile["format"]["html"]["include-before-body"][0]["text"]
    assert "Synthetic data" in profile["format"]["typst"]["include-in-header"][0]["text"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_prose_about_synthetic_data_shows_only_with_the_profile(path):
    text = path.read_text(encoding="utf-8")
    outside = re.sub(r":{3,} \{\.content-visible when-profile=\"synthetic\"\}.*?\n:{3,}\n", "", text, flags=re.S)
    assert "synthetic" not in qmd.INLINE_CODE.sub("", outside).lower()


def test_the_render_rule_picks_the_profile_from_config():
    text = (ROOT / "rules" / "book.smk").read_text(encoding="utf-8")
    assert 'profile="synthetic" if config["data_are_synthetic"] else ""' in text


def test_freeze_is_off():
    text = (ROOT / "_quarto.yml").read_text()
    assert re.search(r"freeze:\s*false", text) and not re.search(r"freeze:\s*(true|auto)", text)


def test_quarto_schema_accepts_the_yaml():
    checker = SHARED / "quarto" / "check_quarto_yaml.py"
    if not checker.exists():
        pytest.skip("../shared/quarto/check_quarto_yaml.py is not beside the project")
    proc = subprocess.run([sys.executable, str(checker), str(ROOT)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_qmd_parser_finds_labels_references_and_missing_alt(tmp_path):
    page = tmp_path / "x.qmd"
    page.write_text(
        "# T {#sec-t}\n\nSee @fig-a and @tbl-b, write to me@example.org.\n\n"
        "```{python}\n#| label: tbl-b\n#| tbl-cap: A table\nprint(1)\n```\n\n"
        "![Cap](a.svg){#fig-a}\n\n![Cap](b.svg){#fig-c fig-alt=\"Bars of x by y\"}\n",
        encoding="utf-8",
    )
    chapter = qmd.parse(page)
    assert qmd.references_in(chapter.markdown) == {"fig-a", "tbl-b"}
    assert qmd.labels_in(chapter.markdown) | qmd.cell_labels(chapter) == {"sec-t", "fig-a", "fig-c", "tbl-b"}
    assert qmd.figures_missing_alt(chapter.markdown) == ["a.svg"]
    assert qmd.local_paths(chapter.markdown) == ["a.svg", "b.svg"]


@pytest.fixture(scope="session")
def executed(built_results) -> dict:
    """Every chapter's cells executed once in a real Jupyter kernel against the built results."""
    env = {"GOODCARE_RESULTS": str(built_results)}
    return {path: (qmd.parse(path), qmd.execute(qmd.parse(path), env)) for path in CHAPTERS}


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_cells_execute(executed, path):
    chapter, outputs = executed[path]
    assert not any("Traceback" in text for text in outputs)


def test_every_reference_resolves(executed):
    labels, used = set(), {}
    for path, (chapter, outputs) in executed.items():
        text = chapter.markdown + "\n" + "\n".join(outputs)
        labels |= qmd.labels_in(text) | qmd.cell_labels(chapter)
        for ref in qmd.references_in(text):
            used.setdefault(ref, path.name)
    unresolved = {ref: where for ref, where in used.items() if ref not in labels}
    assert not unresolved


def test_every_figure_has_alt_text(executed):
    missing = {path.name: qmd.figures_missing_alt(chapter.markdown + "\n".join(outputs), chapter.cells)
               for path, (chapter, outputs) in executed.items()}
    assert not {k: v for k, v in missing.items() if v}
    # The check is not vacuous: the figures of chapters 4-6 were seen.
    assert sum(len(re.findall(r"\{#fig-", "\n".join(outputs))) for _, outputs in executed.values()) >= 4


def test_every_named_path_exists(executed, built_results):
    missing = []
    for path, (chapter, outputs) in executed.items():
        for target in qmd.local_paths(chapter.markdown + "\n" + "\n".join(outputs)):
            if not (path.parent / target).exists():
                missing.append(f"{path.name}: {target}")
    assert not missing


@pytest.mark.e2e
def test_quarto_renders_site_and_pdf_with_a_clean_log(rendered_project):
    book = rendered_project / "_book"
    assert (book / "index.html").is_file()
    assert (book / "what-size-is-good-care.pdf").is_file()
    log = (rendered_project / "logs" / "render" / "quarto.log").read_text(encoding="utf-8")
    assert "Output created" in log  # the log is Quarto's own, not empty
    assert render.render_warnings(log) == []


# Digits that may stand in prose because they are names, not results (reviewed).
ALLOWED_DIGITS = {"SHA-256", "CR2"}  # a hash's name; the name of a variance estimator


def prose_numbers(path) -> list[str]:
    """Tokens with a digit in a chapter's prose (code cells, inline code and attributes removed)."""
    text = qmd.INLINE_CODE.sub("", qmd.parse(path).markdown)
    text = re.sub(r"\{[^}]*\}", "", text)
    return [t for t in re.findall(r"\S*\d\S*", text) if t.strip(".,;:()") not in ALLOWED_DIGITS]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_no_number_is_typed_by_hand(path):
    assert prose_numbers(path) == []


def test_number_check_catches_a_typed_number(tmp_path):
    page = tmp_path / "x.qmd"
    page.write_text("# T {#sec-t}\n\nMicro-enterprises charged £12.50, see `{python} v['x']`.\n", encoding="utf-8")
    assert prose_numbers(page) == ["£12.50,"]
