"""The synthetic-data generator: the study's design, determinism, scale, and the 'no effect' setting."""

import filecmp

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from goodcare import generate
from goodcare.validate import validate_folder

TABLES = ["organisations", "participants", "outcomes", "experience", "codebook", "codings"]


def test_default_design_matches_the_study():
    t = generate.generate()
    assert t["organisations"]["size_band"].value_counts().to_dict() == {"micro": 17, "small": 2, "medium": 4, "large": 4}
    assert t["organisations"]["site"].nunique() == 3
    assert t["participants"]["role"].value_counts().to_dict() == {"person_using_services": 81, "carer": 27, "owner_manager": 27, "frontline_staff": 8}
    assert len(t["outcomes"]) == 2 * 81 and len(t["experience"]) == 81
    per_org = t["participants"].groupby("org_id")["role"].value_counts().unstack(fill_value=0)
    assert (per_org["owner_manager"] == 1).all() and (per_org["person_using_services"] == 3).all()
    assert set(t["codebook"].query("theme == 'innovation'")["sub_theme"]) == {"what", "how", "who"}


def test_generated_data_pass_validation(tmp_path):
    generate.write_tables(generate.generate(seed=7), tmp_path)
    results = validate_folder(tmp_path)
    assert {t: r.problems[:3] for t, r in results.items() if not r.ok} == {}
    assert len(results) == len(TABLES)


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        generate.write_tables(generate.generate(seed=seed), tmp_path / name)
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", [f"{t}.csv" for t in TABLES], shallow=False)
    assert mismatch == [] and errors == []
    assert (tmp_path / "a" / "outcomes.csv").read_bytes() != (tmp_path / "c" / "outcomes.csv").read_bytes()


def test_bundled_data_is_the_generator_output(tmp_path):
    generate.main(["--out", str(tmp_path)])
    for name in [f"{t}.csv" for t in TABLES] + ["instruments/interview_schedule.yaml", "instruments/ascot_adapted.yaml"]:
        assert (tmp_path / name).read_bytes() == (ROOT / "data" / name).read_bytes(), name


def test_scale_flags_keep_the_proportions(tmp_path):
    generate.main(["--out", str(tmp_path), "--organisations", "500", "--participants", "20000", "--seed", "1"])
    orgs = pd.read_csv(tmp_path / "organisations.csv")
    people = pd.read_csv(tmp_path / "participants.csv")
    assert len(orgs) == 500 and len(people) == 20000
    assert orgs["size_band"].value_counts(normalize=True)["micro"] == pytest.approx(17 / 27, abs=0.01)
    assert people["role"].value_counts(normalize=True)["carer"] == pytest.approx(27 / 143, abs=0.01)
    assert set(people["org_id"]) == set(orgs["org_id"])
    shares = orgs[["funding_self_pct", "funding_personal_budget_pct", "funding_la_contract_pct"]].sum(axis=1)
    assert np.allclose(shares, 100, atol=1e-9)
    assert (orgs.loc[orgs["size_band"] == "micro", "fte_staff"] <= 5).all()
    assert (orgs.loc[orgs["size_band"] != "micro", "fte_staff"] > 5).all()
    assert validate_folder(tmp_path)["codings"].ok


def occupation_gain_gap(effect: str) -> float:
    """Mean occupation gain, micro minus larger, in a large generated sample."""
    t = generate.generate(2000, 60000, seed=11, effect=effect)
    o = t["outcomes"].query("domain == 'occupation'").merge(t["participants"], on="participant_id").merge(t["organisations"], on="org_id")
    gain = (o["expected_level"] - o["current_level"]).astype(float)
    micro = o["size_band"] == "micro"
    return gain[micro].mean() - gain[~micro].mean()


def test_effect_none_removes_the_built_in_difference():
    assert occupation_gain_gap("study") > 0.2
    assert abs(occupation_gain_gap("none")) < 0.05


def test_unknown_effect_is_refused():
    with pytest.raises(ValueError):
        generate.generate(effect="huge")


def test_data_readme_documents_every_column_as_the_schemas_say():
    from goodcare.dictionary import readme_section

    text = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert "synthetic" in text.lower()
    assert readme_section() in text
