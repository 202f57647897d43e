"""Rule script: import the REFI-QDA export named in config (the logic lives in goodcare.refi)."""

from goodcare.refi.cli import run_rule

run_rule(snakemake)  # noqa: F821 (injected by Snakemake)
