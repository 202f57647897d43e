"""Rule script: the disclosure gate (the logic lives in goodcare.disclosure)."""

from goodcare.disclosure.workflow import run

run(snakemake)  # noqa: F821 (injected by Snakemake)
