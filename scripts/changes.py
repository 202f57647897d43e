"""Rule script: what moved since the last saved snapshot, for the book's changes page (logic in goodcare.diff)."""

from pathlib import Path

from goodcare.diff import changes_record
from goodcare.outputs import write_json

smk = snakemake  # noqa: F821 (injected by Snakemake)
record = changes_record(Path(smk.output[0]).parents[1])  # the results folder; snapshots/ by default
write_json(record, Path(smk.output[0]))
Path(smk.log[0]).write_text(f"since {record['since']}: {len(record['changes'])} changes, {record['flipped']} verdicts flipped\n",
                            encoding="utf-8")
