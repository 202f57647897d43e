# "What size is good care?": validate the study data, analyse each chapter, render the Quarto book.
from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


validate(config, "config/config.schema.yaml")


include: "rules/common.smk"
include: "rules/refi.smk"
include: "rules/validate.smk"
include: "rules/analyse.smk"
include: "rules/disclosure.smk"
include: "rules/book.smk"
include: "rules/release.smk"


onstart:
    # Stop before any job, with one sentence as the last line, when a start-up check refuses (the DAG scanned once).
    rules = {job.rule.name for job in workflow.dag.needrun_jobs()}
    for check in START_CHECKS:
        refusal = check(rules)
        if refusal:
            print(refusal, file=sys.stderr, flush=True)
            raise SystemExit(1)


rule all:
    default_target: True
    input:
        get_final_output(),
