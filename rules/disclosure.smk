# The disclosure gate: every chapter's staged outputs pass the rules once before anything is published.

# Settings of every rule (config `disclosure:`); a change re-runs the gates (params are rerun triggers).
DISCLOSURE = config.get("disclosure", {})


rule disclose_quotes:
    input:
        staged=[f"{RES}/analysis/{c}" for c in quoting_chapters()],
        **validated("codings", "participants", "organisations"),
        # The register of names and places, if one is set, so a change to it re-runs the scan.
        **({"deny_list": DISCLOSURE["deny_list_file"]} if DISCLOSURE.get("deny_list_file") else {}),
        code=DISCLOSURE_CODE,
    output:
        attributions=f"{RES}/disclosure/attributions.csv",
        report=f"{RES}/disclosure/quotes.json",
    log:
        f"{LOGS}/disclosure/quotes.log",
    benchmark:
        f"{LOGS}/benchmark/disclose_quotes.tsv"
    params:
        settings=DISCLOSURE,
    conda:
        ENV
    script:
        "../scripts/disclose.py"


# One decision per key (group) for the whole book, before any chapter publishes: a group suppressed in one chapter is
# suppressed in all, and secondary partners are chosen over every chapter's lines. Chapter 9 (staged from the
# others' published values) and the calibration chapter (simulated data) are not read: their gates apply the
# ledger and the book report checks what they add.
rule disclosure_keys:
    input:
        staged=[f"{RES}/analysis/{c}" for c in ledger_chapters()],
        code=DISCLOSURE_CODE,
    output:
        ledger=f"{RES}/disclosure/keys.json",
    log:
        f"{LOGS}/disclosure/keys.log",
    benchmark:
        f"{LOGS}/benchmark/disclosure_keys.tsv"
    params:
        settings=DISCLOSURE,
    conda:
        ENV
    script:
        "../scripts/disclose.py"


for chapter in all_chapters():

    rule:
        name:
            f"disclose_{chapter}"
        input:
            staged=f"{RES}/analysis/{chapter}",
            ledger=rules.disclosure_keys.output.ledger,
            **quote_inputs(chapter),
            code=DISCLOSURE_CODE,
        output:
            **published_outputs(chapter),
        log:
            f"{LOGS}/disclosure/{chapter}.log",
        benchmark:
            f"{LOGS}/benchmark/disclose_{chapter}.tsv"
        params:
            chapter=chapter,
            settings=DISCLOSURE,
        conda:
            ENV
        script:
            "../scripts/disclose.py"


rule disclosure_report:
    input:
        chapters=[f"{RES}/disclosure/{c}.json" for c in all_chapters()],
        quotes=f"{RES}/disclosure/quotes.json",
        code=DISCLOSURE_CODE,
    output:
        report=f"{RES}/disclosure/report.json",
    log:
        f"{LOGS}/disclosure/report.log",
    params:
        settings=DISCLOSURE,
    conda:
        ENV
    script:
        "../scripts/disclose.py"
