"""Glue between a Snakemake rule and a chapter's analysis function (so rule scripts stay thin)."""

import importlib
import json
import logging
import sys
from pathlib import Path

import pandas as pd
import yaml

from goodcare.outputs import read_cells, write_chapter
from goodcare.records import write_record


def log_to(path: str) -> logging.Logger:
    """Send warnings, errors and log records of this job to the rule's log file."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "w", encoding="utf-8")
    sys.stderr = handle
    logging.basicConfig(stream=handle, level=logging.INFO, format="%(levelname)s %(message)s", force=True)
    return logging.getLogger("goodcare")


def load_validated(inputs) -> dict[str, pd.DataFrame]:
    """Read every validated parquet input, keyed by its input name."""
    return {name: pd.read_parquet(path) for name, path in inputs.items() if str(path).endswith(".parquet")}


def extra_arguments(smk) -> dict:
    """What an analysis needs beyond validated tables, by the input's name (one convention for every rule):
    `values_<chapter>` -> upstream chapter values; `staged_<chapter>` -> the value cells that chapter staged for
    its disclosure gate (who stands behind each value); `instrument_<name>` -> parsed instrument YAML;
    `data` -> the raw input files; `rulegraph` -> the workflow's rule graph file; and any `hypotheses`,
    `stages` or `calibration_settings` param."""
    named = dict(smk.input.items())
    extra = {}
    upstream = {n[len("values_"):]: json.loads(Path(p).read_text(encoding="utf-8")) for n, p in named.items() if n.startswith("values_")}
    instruments = {n[len("instrument_"):]: yaml.safe_load(Path(p).read_text(encoding="utf-8")) for n, p in named.items() if n.startswith("instrument_")}
    if upstream:
        extra["upstream"] = upstream
    staged = {n[len("staged_"):]: Path(p) / "values.cells.csv" for n, p in named.items() if n.startswith("staged_")}
    if staged:
        extra["upstream_cells"] = {c: read_cells(p) for c, p in staged.items()}
    if instruments:
        extra["instruments"] = instruments
    if "data" in named:
        extra["inputs"] = [str(p) for p in smk.input.data]
    if "rulegraph" in named:
        extra["rulegraph_file"] = str(smk.input.rulegraph)
    for param in ("hypotheses", "stages", "calibration_settings"):
        if param in dict(smk.params.items()):
            extra[param] = smk.params[param]
    return extra


def run_analysis(smk) -> None:
    """Run the chapter named in the rule's params and stage its outputs for the disclosure gate."""
    log = log_to(smk.log[0])
    chapter = smk.params.chapter
    module = importlib.import_module(f"goodcare.chapters.{chapter}")
    frames = load_validated(smk.input)
    log.info("chapter %s: read %s", chapter, {k: len(v) for k, v in frames.items()})
    params = {"seed": smk.params.seed, "reps": smk.params.reps, "level": smk.params.level}
    result = module.analyse(frames, **params, **extra_arguments(smk))
    staged = Path(smk.output.staged)  # only the disclosure gate reads this and publishes what passes
    write_chapter(result, staged / "tables", staged / "figures", staged / "values.json")
    write_record(smk, "scripts/analyse.py", smk.output.record)
    log.info("chapter %s: wrote %d tables, %d figures", chapter, len(result.tables), len(result.figures))

