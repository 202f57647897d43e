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


rule all:
    default_target: True
    input:
        get_final_output(),
