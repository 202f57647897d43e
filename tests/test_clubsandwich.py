"""The CR2 standard errors and Bell-McCaffrey df agree with R's clubSandwich (Rscript; CI requires it)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from goodcare import stats

SCRIPT = Path(__file__).parent / "r" / "clubsandwich.R"
REQUIRED = os.environ.get("GOODCARE_REQUIRE_R") == "1"


def rscript() -> str:
    """Rscript with clubSandwich, or skip (locally) / fail (when GOODCARE_REQUIRE_R=1, as in CI)."""
    path = shutil.which("Rscript")
    ok = path is not None and subprocess.run([path, "-e", "library(clubSandwich)"], capture_output=True).returncode == 0
    if not ok:
        message = "Rscript with the R package clubSandwich is needed (Debian: apt-get install r-cran-clubsandwich)"
        if REQUIRED:
            pytest.fail(message + "; GOODCARE_REQUIRE_R=1 requires it")
        pytest.skip(message)
    return path


def data_set(seed: int, k_micro: int, k_larger: int, max_size: int, weighted: str) -> pd.DataFrame:
    """Unequal clusters of people in two groups, a clustered outcome and weights (none, or one per cluster: the
    compendium's only weights are an organisation's price; goodcare.cr2 says why weights varying within a
    cluster are another matter)."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, max_size + 1, k_micro + k_larger)
    cluster = np.repeat(np.arange(sizes.size), sizes)
    micro = (cluster < k_micro).astype(int)
    y = 0.3 * micro + rng.normal(0, 0.6, sizes.size)[cluster] + rng.normal(0, 1, cluster.size)
    w = {"none": np.ones(cluster.size), "cluster": rng.uniform(9.5, 24, sizes.size)[cluster]}[weighted]
    return pd.DataFrame({"y": y, "micro": micro, "cluster": [f"O{c:03d}" for c in cluster], "w": w})


CASES = [(1, 17, 10, 3, "none"), (2, 17, 10, 6, "none"), (3, 4, 3, 5, "none"), (4, 9, 25, 4, "none"),
         (5, 17, 10, 3, "cluster"), (6, 6, 8, 5, "cluster"), (7, 17, 10, 1, "cluster"), (8, 3, 5, 7, "cluster")]


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict:
    """clubSandwich's estimate, SE and df for every case, from one Rscript run (R starts once)."""
    r = rscript()
    folder = tmp_path_factory.mktemp("clubsandwich")
    paths = []
    for case in CASES:
        paths.append(folder / f"case{case[0]}.csv")
        data_set(*case).to_csv(paths[-1], index=False, float_format="%.17g")
    done = subprocess.run([r, str(SCRIPT), *map(str, paths)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == len(CASES)
    return {case: tuple(map(float, line.split())) for case, line in zip(CASES, lines)}


@pytest.mark.parametrize("case", CASES, ids=[f"{c[4]}-{c[1]}v{c[2]}-seed{c[0]}" for c in CASES])
def test_cr2_se_and_df_agree_with_clubsandwich(case, reference):
    estimate, se, df = reference[case]
    frame = data_set(*case)
    groups = np.where(frame["micro"] == 1, "micro", "larger")
    if case[4] == "none":
        ours = stats.mean_difference(frame["y"], frame["cluster"], groups)
    else:
        # A weighted mean is a ratio of sums (sum w y / sum w): the chapters' ratio_difference gives the WLS slope.
        ours = stats.ratio_difference(frame["w"] * frame["y"], frame["w"], frame["cluster"], groups)
    assert ours["estimate"] == pytest.approx(estimate, abs=1e-9)
    assert round(ours["se"], 6) == round(se, 6) and ours["se"] == pytest.approx(se, rel=1e-7)
    assert round(ours["df"], 6) == round(df, 6) and ours["df"] == pytest.approx(df, rel=1e-7)


def test_without_rscript_the_cross_check_skips_or_fails_when_required(monkeypatch):
    me = sys.modules[__name__]  # this module's own flag is patched
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(me, "REQUIRED", False)
    with pytest.raises(pytest.skip.Exception):
        me.rscript()
    monkeypatch.setattr(me, "REQUIRED", True)
    with pytest.raises(pytest.fail.Exception, match="GOODCARE_REQUIRE_R=1"):
        me.rscript()
