"""Rule script: render the Quarto book (the logic lives in goodcare.render)."""

import sys
from pathlib import Path

from goodcare.render import RenderError, render_book

smk = snakemake  # noqa: F821 (injected by Snakemake)
try:
    render_book(Path.cwd(), Path(smk.output.manifest).parents[1], Path(smk.output.book), Path(smk.output.manifest), Path(smk.log[0]),
                smk.params.profile)
except RenderError as err:
    Path(smk.log[0]).parent.mkdir(parents=True, exist_ok=True)
    with open(smk.log[0], "a", encoding="utf-8") as log:
        log.write(f"\n{err}\n")
    print(err, file=sys.stderr)
    sys.exit(1)
