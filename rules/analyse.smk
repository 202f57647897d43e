# One analysis rule per chapter: validated tables in; tables, figures and in-text values out.

# Chapter slug -> the validated tables its analysis reads.
CHAPTER_TABLES = {
    "methods": ["organisations", "participants"],
    "micro": ["organisations"],
    "outcomes": ["organisations", "participants", "outcomes"],
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
        params:
            chapter=chapter,
            seed=config["seed"],
            reps=config["bootstrap_replicates"],
            level=config["confidence_level"],
        conda:
            ENV
        script:
            "../scripts/analyse.py"


rule analyses:
    input:
        get_analysis_outputs(),
