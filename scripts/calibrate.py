"""Rule script: the verdicts' calibration study at the study's design (the logic lives in goodcare.calibrate)."""

from goodcare.calibrate import run_rule

run_rule(snakemake)  # noqa: F821 (injected by Snakemake)
