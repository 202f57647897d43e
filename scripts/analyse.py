"""Rule script: run one chapter's analysis (the logic lives in goodcare.chapters)."""

from goodcare.runner import run_analysis

run_analysis(snakemake)  # noqa: F821 (injected by Snakemake)
