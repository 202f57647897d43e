# Import a REFI-QDA export (config `qdpx`) into the coded tables the workflow validates (docs/refi-qda.md).
# Without `qdpx` every table comes from the data folder, as before. Include after common.smk, before validate.smk.

# `--config qdpx=null` reaches the workflow as the string "null": read it (and "", "none", "~") as no value.
NO_VALUE = ("", "null", "none", "~")
QDPX = None if str(config.get("qdpx")).strip().lower() in NO_VALUE else config["qdpx"]
QDPX_MAPPING = None if str(config.get("qdpx_mapping")).strip().lower() in NO_VALUE else config["qdpx_mapping"]
# A .qdc is a codebook alone: then codings.csv still comes from the data folder.
REFI_TABLES = [] if not QDPX else (["codebook"] if str(QDPX).lower().endswith(".qdc") else ["codebook", "codings"])
# The CSV each table is read from: the import's output for the tables the export supplies, else the data folder's.
TABLE_CSV = {t: f"{RES}/refi/{t}.csv" if t in REFI_TABLES else f"{DATA}/{t}.csv" for t in TABLES}


if QDPX:

    rule import_qdpx:
        input:
            qdpx=QDPX,
            # participant ids are checked against the data folder's participants.csv
            participants=f"{DATA}/participants.csv",
            **({"mapping": QDPX_MAPPING} if QDPX_MAPPING else {}),
            code=REFI_CODE,
        output:
            **{table: f"{RES}/refi/{table}.csv" for table in REFI_TABLES},
            record=f"{RES}/provenance/import_qdpx.json",
        log:
            f"{LOGS}/refi/import_qdpx.log",
        params:
            # Counts only (no names, no text): what was imported, dropped and passed over.
            report=f"{LOGS}/refi/import_qdpx.json",
        conda:
            ENV
        script:
            "../scripts/import_qdpx.py"
