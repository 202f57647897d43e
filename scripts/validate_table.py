"""Rule script: validate one study table (the logic lives in goodcare.validate)."""

from goodcare.validate import run_validation

run_validation(snakemake)  # noqa: F821 (injected by Snakemake)
