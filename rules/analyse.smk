# One analysis rule per chapter: validated tables in; tables, figures and in-text values out.

# Chapter slug -> the validated tables its analysis reads.
CHAPTER_TABLES = {
    "methods": ["organisations", "participants"],
    "micro": ["organisations"],
    "outcomes": ["organisations", "participants", "outcomes"],
    "personalisation": ["organisations", "participants", "experience", "codebook", "codings"],
    "innovation": ["organisations", "participants", "codebook", "codings"],
    "sustainability": ["organisations", "participants", "codebook", "codings"],
}
CHAPTERS = list(CHAPTER_TABLES)


for chapter, tables in CHAPTER_TABLES.items():

    rule:
        name:
            f"analyse_{chapter}"
        input:
            **validated(*tables),
            code=analysis_code(chapter),
        output:
            **chapter_outputs(chapter),
        log:
            f"{LOGS}/analyse/{chapter}.log",
        benchmark:
            f"{LOGS}/benchmark/analyse_{chapter}.tsv"
        params:
            chapter=chapter,
            seed=config["seed"],
            reps=config["bootstrap_replicates"],
            level=config["confidence_level"],
        conda:
            ENV
        script:
            "../scripts/analyse.py"


# The scorecard reads the published values of the chapters that test the hypotheses, and the value cells
# they staged for their gates (who stands behind each measure).
SCORED_CHAPTERS = sorted({h["chapter"] for h in config["hypotheses"]})


rule analyse_performance:
    input:
        **{f"values_{c}": f"{RES}/values/{c}.json" for c in SCORED_CHAPTERS},
        **{f"staged_{c}": f"{RES}/analysis/{c}" for c in SCORED_CHAPTERS},
        code=analysis_code("performance"),
    output:
        **chapter_outputs("performance"),
    log:
        f"{LOGS}/analyse/performance.log",
    benchmark:
        f"{LOGS}/benchmark/analyse_performance.tsv"
    params:
        chapter="performance",
        seed=config["seed"],
        reps=config["bootstrap_replicates"],
        level=config["confidence_level"],
        hypotheses=config["hypotheses"],
    conda:
        ENV
    script:
        "../scripts/analyse.py"


rule analyse_appendices:
    input:
        **validated("organisations", "participants", "codebook", "codings"),
        instrument_interview_schedule=f"{DATA}/instruments/interview_schedule.yaml",
        instrument_ascot_adapted=f"{DATA}/instruments/ascot_adapted.yaml",
        code=analysis_code("appendices"),
    output:
        **chapter_outputs("appendices"),
    log:
        f"{LOGS}/analyse/appendices.log",
    benchmark:
        f"{LOGS}/benchmark/analyse_appendices.tsv"
    params:
        chapter="appendices",
        seed=config["seed"],
        reps=config["bootstrap_replicates"],
        level=config["confidence_level"],
    conda:
        ENV
    script:
        "../scripts/analyse.py"


rule analyse_howmade:
    input:
        data=[TABLE_CSV[t] for t in TABLES] + ([QDPX] if QDPX else []) + [f"{DATA}/instruments/{i}.yaml" for i in ("interview_schedule", "ascot_adapted")],
        code=analysis_code("howmade"),
        # Only after every table passed validation, so a failed build never records new input hashes.
        validated=[f"{RES}/validated/{t}.json" for t in TABLES],
        # The full rule graph, kept current by python -m goodcare.rulegraph (tests/test_rulegraph.py checks it).
        rulegraph="docs/rulegraph.dot",
    output:
        **chapter_outputs("howmade"),
    log:
        f"{LOGS}/analyse/howmade.log",
    benchmark:
        f"{LOGS}/benchmark/analyse_howmade.tsv"
    params:
        chapter="howmade",
        # Every rule by the rule file (stage) that defines it, read from the workflow itself: a new or
        # renamed rule reruns this job (params are rerun triggers).
        stages=lambda wildcards: workflow_stages(),
        seed=config["seed"],
        reps=config["bootstrap_replicates"],
        level=config["confidence_level"],
    conda:
        ENV
    script:
        "../scripts/analyse.py"


# The intervals' own check: the study's design (its cluster sizes) simulated under no effect (chapter 4).
# The verdicts' calibration study: the generator's model at the study's fixed design, so it reads no data and
# reruns only when its code (the statistics it shares with the chapters) or the calibration config change.
rule calibrate:
    input:
        code=code_of("scripts/calibrate.py"),
    output:
        json=f"{RES}/calibrate/calibration.json",
    log:
        f"{LOGS}/calibrate/calibrate.log",
    benchmark:
        f"{LOGS}/benchmark/calibrate.tsv"
    params:
        datasets=config["calibration"]["datasets"],
        effect_datasets=config["calibration"]["effect_datasets"],
        ordinal_datasets=config["calibration"]["ordinal_datasets"],
        seed=config["seed"],
    conda:
        ENV
    script:
        "../scripts/calibrate.py"


rule analyse_calibration:
    input:
        **validated("organisations", "participants"),
        values_calibrate=rules.calibrate.output.json,
        code=analysis_code("calibration"),
    output:
        **chapter_outputs("calibration"),
    log:
        f"{LOGS}/analyse/calibration.log",
    benchmark:
        f"{LOGS}/benchmark/analyse_calibration.tsv"
    params:
        chapter="calibration",
        seed=config["seed"],
        reps=config["bootstrap_replicates"],
        level=config["confidence_level"],
        calibration_settings=config["calibration"],
    conda:
        ENV
    script:
        "../scripts/analyse.py"


rule analyses:
    input:
        get_analysis_outputs(),
        # What moved since the last snapshot (rules/book.smk), which the book's changes page reads.
        f"{RES}/changes/changes.json",
