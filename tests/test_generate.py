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


def producible_pools() -> set[tuple[str, str]]:
    """Every (code, role) the generator can give a segment: staff get its staff themes, the others its people themes."""
    from goodcare.synthetic_text import PEOPLE_ROLES, STAFF_ROLES

    book = pd.DataFrame(generate.CODEBOOK)
    themes = {**{r: generate.STAFF_THEMES for r in STAFF_ROLES}, **{r: generate.PEOPLE_THEMES for r in PEOPLE_ROLES}}
    return {(c, r) for r, ts in themes.items() for c in book.loc[book["theme"].isin(ts), "code_id"]}


def all_excerpts() -> list[str]:
    return [x for pools in generate.EXCERPTS.values() for pool in pools.values() for x in pool]


def test_every_code_and_role_the_generator_makes_has_its_own_pool():
    from goodcare import vocab

    pools = producible_pools()
    assert {r for _, r in pools} == set(vocab.ROLES) and {c for c, _ in pools} == set(generate.CODEBOOK["code_id"])
    for code, role in pools:
        pool = generate.EXCERPTS[code][role]
        assert len(set(pool)) == len(pool) >= 3, (code, role)
        assert generate.EXCERPT_DRAW % len(pool) == 0, (code, role)  # one draw picks each remark with equal chance
    written = {(c, r) for c, roles in generate.EXCERPTS.items() for r in roles}
    assert written == pools  # no pool the generator cannot reach
    # the generator reaches them all (at scale), and no other combination
    t = generate.generate(300, 6000, seed=5)
    seg = t["codings"].merge(t["participants"][["participant_id", "role"]], on="participant_id")
    assert set(zip(seg["code_id"], seg["role"])) == pools


def test_each_excerpt_comes_from_the_pool_of_its_code_and_speaker():
    for tables in (generate.generate(), generate.generate(300, 6000, seed=5, effect="none")):
        seg = tables["codings"].merge(tables["participants"][["participant_id", "role"]], on="participant_id")
        said = seg[seg["excerpt"].notna()]
        assert 0.6 < len(said) / len(seg) < 0.8
        assert all(x in generate.EXCERPTS[c][r] for c, r, x in zip(said["code_id"], said["role"], said["excerpt"]))


def test_excerpt_draw_is_uniform_within_a_pool():
    draw = np.arange(generate.EXCERPT_DRAW)
    code = np.zeros_like(draw)  # PER01, which every role can carry
    for role in range(4):
        counts = pd.Series(generate.excerpts(code, np.full_like(draw, role), draw)).value_counts()
        assert counts.nunique() == 1 and len(counts) == 3


def test_a_missing_pool_is_refused():
    from goodcare import vocab

    out01 = list(generate.CODEBOOK["code_id"]).index("OUT01")
    with pytest.raises(ValueError, match="OUT01"):
        generate.excerpts(np.array([out01]), np.array([vocab.ROLES.index("owner_manager")]), np.array([0]))


def test_excerpts_pass_the_identifier_scan():
    """The disclosure gate's own scan, with the project's identifier kinds and register of names, finds nothing."""
    import yaml

    from goodcare.disclosure.settings import Settings
    from goodcare.disclosure.text import scan

    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))["disclosure"]
    settings = Settings.from_config({**config, "deny_list_file": str(ROOT / config["deny_list_file"])})
    assert len(settings.names()) > 0 and "name" in settings.identifiers
    texts = all_excerpts()
    segments = pd.DataFrame({"segment_id": [f"S{i:04d}" for i in range(len(texts))], "excerpt": texts})
    assert scan(segments, tuple(settings.identifiers), tuple(settings.names())).empty
    assert not any(ch.isdigit() for x in texts for ch in x)  # ages, prices and times are in words
    assert len(set(texts)) == len(texts)
