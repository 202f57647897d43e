# Validate each table against its pandera model and the tables it references.


rule validate_table:
    input:
        unpack(referenced_tables),
        csv=lambda wildcards: TABLE_CSV[wildcards.table],
        code=VALIDATE_CODE,
    output:
        parquet=f"{RES}/validated/{{table}}.parquet",
        summary=f"{RES}/validated/{{table}}.json",
        record=f"{RES}/provenance/validate_{{table}}.json",
    log:
        f"{LOGS}/validate/{{table}}.log",
    benchmark:
        f"{LOGS}/benchmark/validate_{{table}}.tsv"
    params:
        report=f"{LOGS}/validate/{{table}}.report.json",
    conda:
        ENV
    script:
        "../scripts/validate_table.py"


rule validate:
    input:
        expand(f"{RES}/validated/{{table}}.json", table=TABLES),
