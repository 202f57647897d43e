"""environment.yml (conda-forge, canonical) and pyproject.toml (pip) name the same packages and bounds."""

import re
import tomllib

import yaml

from conftest import ROOT


def normalise(name: str) -> str:
    """Package names compare case-insensitively with - and _ alike."""
    return re.sub(r"[-_.]+", "-", name).lower()


def split(requirement: str) -> tuple[str, str]:
    """'pandas>=2.2,<2.4' -> ('pandas', '>=2.2,<2.4')."""
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    return normalise(match.group(1)), match.group(2).replace(" ", "")


def pip_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + project["optional-dependencies"]["test"] + project["optional-dependencies"]["slurm"]
    return dict(split(r) for r in reqs)


def environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def pip_section() -> list[str]:
    """The lines of environment.yml's `pip:` subsection (what conda hands to pip as a requirements file)."""
    return [line for d in environment()["dependencies"] if isinstance(d, dict) for line in d.get("pip", [])]


def conda_requirements() -> dict[str, str]:
    """Every package environment.yml installs: conda packages plus the named packages of its pip section."""
    conda = dict(split(d) for d in environment()["dependencies"] if isinstance(d, str))
    return {**conda, **dict(split(line) for line in pip_section() if not line.startswith("-"))}


def test_environment_and_pyproject_agree():
    pip, conda = pip_requirements(), conda_requirements()
    missing = {name: spec for name, spec in pip.items() if conda.get(name) != spec}
    assert not missing, f"environment.yml lacks or differs on: {missing}"


def test_environment_has_quarto_1_10():
    conda = conda_requirements()
    assert conda.get("quarto") == ">=1.10"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(r.startswith("quarto-cli>=1.10") for r in project["optional-dependencies"]["quarto"])


def test_rule_environment_names_the_analysis_packages():
    env = yaml.safe_load((ROOT / "envs" / "goodcare.yaml").read_text())
    names = {split(d)[0] for d in env["dependencies"] if isinstance(d, str)}
    assert {"pandas", "pandera", "plotnine", "statsmodels", "pyarrow"} <= names


def test_pip_section_is_a_valid_requirements_file():
    # conda writes these lines to a requirements file: only requirements and `-e .` are allowed there
    # (an option such as --no-deps makes `conda env create` fail at its pip step).
    from packaging.requirements import Requirement

    for line in pip_section():
        if line.startswith("-"):
            assert line == "-e .", f"environment.yml pip line {line!r} is not a requirement"
        else:
            Requirement(line)
