"""Rule script: write the citable release folder (the logic lives in goodcare.release)."""

import sys
from pathlib import Path

from goodcare.release import ReleaseError, Sources, make_release

smk = snakemake  # noqa: F821 (injected by Snakemake)
sources = Sources(
    book=Path(smk.input.book),
    results=Path(smk.input.book_manifest).parents[1],
    records=[Path(p) for p in smk.input.records],
    data=[Path(p) for p in smk.input.data],
    data_dir=Path(smk.params.data_dir),
    register=Path(smk.params.register) if smk.params.register else None,
    workflow=[Path(p) for p in smk.input.workflow],
    environment=[Path(p) for p in smk.input.environment],
    citation=Path(smk.input.citation),
)
try:
    make_release(sources, Path(smk.output.release), Path(smk.output.manifest))
except ReleaseError as err:
    Path(smk.log[0]).parent.mkdir(parents=True, exist_ok=True)
    Path(smk.log[0]).write_text(f"{err}\n", encoding="utf-8")
    print(err, file=sys.stderr)
    sys.exit(1)
Path(smk.log[0]).write_text(f"Released {smk.output.release}: see {smk.output.manifest}\n", encoding="utf-8")
