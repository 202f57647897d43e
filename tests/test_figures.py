"""Figures compared with baseline images within a tolerance, as plotnine's own tests do.

Regenerate the baselines after an intended change with GOODCARE_UPDATE_BASELINES=1 pytest tests/test_figures.py,
then look at every image in tests/baseline/ before committing them.
"""

import os
from pathlib import Path

import pytest
from matplotlib.testing.compare import compare_images

from goodcare.chapters import innovation, methods, micro, outcomes, personalisation, sustainability

from test_analysis import organisations, outcome_rows, participants
from test_analysis_more import codebook, codings, experience

BASELINE = Path(__file__).parent / "baseline"
TOLERANCE = 2.0  # RMS difference on a 0-255 scale: font hinting may differ a little between machines


def tiny_frames() -> dict:
    orgs = organisations().assign(
        user_group="mixed", cqc_registered=True, quality_mark=False, year_established=2000,
        funding_self_pct=[90.0, 60.0, 30.0, 10.0, 20.0, 0.0], funding_personal_budget_pct=[10.0, 40.0, 70.0, 10.0, 0.0, 0.0],
        funding_la_contract_pct=[0.0, 0.0, 0.0, 80.0, 80.0, 100.0])
    return {"organisations": orgs, "participants": participants(), "outcomes": outcome_rows(2, 3), "experience": experience(True),
            "codebook": codebook(), "codings": codings()}


def all_figures() -> dict:
    frames = tiny_frames()
    figures = {}
    for module in (methods, micro, outcomes, personalisation, innovation, sustainability):
        figures.update(module.analyse(frames, seed=1, reps=100).figures)
    return figures


FIGURES = all_figures()


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figure_matches_baseline(name, tmp_path):
    figure = FIGURES[name]
    actual = tmp_path / f"{name}.png"
    figure.plot.save(actual, format="png", width=figure.width, height=figure.height, dpi=72, verbose=False)
    expected = BASELINE / f"{name}.png"
    if os.environ.get("GOODCARE_UPDATE_BASELINES") == "1":
        expected.write_bytes(actual.read_bytes())
    assert expected.exists(), f"no baseline for {name}: run with GOODCARE_UPDATE_BASELINES=1 and inspect it"
    assert compare_images(str(expected), str(actual), tol=TOLERANCE) is None


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figure_alt_text_states_the_comparison(name):
    alt = FIGURES[name].alt
    assert len(alt) > 60 and any(ch.isdigit() for ch in alt)
