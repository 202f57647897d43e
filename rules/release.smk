# A citable release (`snakemake --cores 4 release`, not part of the default target): the book, the published
# results, the provenance records, the data's checksums (never the data), the environment and a Workflow Run
# RO-Crate, in config `release_dir`.

# Every provenance record the workflow writes: the analyses', the gates', validation's and the REFI import's.
RELEASE_RECORDS = (
    [f"{RES}/provenance/{c}.json" for c in all_chapters()]
    + [f"{RES}/provenance/disclose_{c}.json" for c in all_chapters()]
    + [f"{RES}/provenance/validate_{t}.json" for t in TABLES]
    + ([f"{RES}/provenance/import_qdpx.json"] if QDPX else [])
)
# The data files the run read (described by hash only): the tables read from the data folder, the instruments,
# and the REFI export and its mapping if set. The register of names is not among them.
RELEASE_DATA = (
    [TABLE_CSV[t] for t in TABLES if t not in REFI_TABLES]
    + [f"{DATA}/instruments/{i}.yaml" for i in ("interview_schedule", "ascot_adapted")]
    + [p for p in (QDPX, QDPX_MAPPING) if p]
)


rule release:
    input:
        book=BOOK,
        book_manifest=f"{RES}/book/manifest.json",
        results=get_analysis_outputs(),
        records=RELEASE_RECORDS,
        data=RELEASE_DATA,
        workflow=["Snakefile", *sorted(str(p) for p in Path("rules").glob("*.smk"))],
        environment=["environment.yml", "pyproject.toml"],
        citation="CITATION.cff",
        code=code_of("scripts/release.py"),
    output:
        # Replaced whole by each release, and only if an earlier release made it (release_start_refusal, common.smk).
        release=directory(RELEASE),
        manifest=f"{RES}/release/manifest.json",
    log:
        f"{LOGS}/release/release.log",
    params:
        # Data files are named in the release by their path inside the data folder (its own path may be private).
        data_dir=lambda wildcards: DATA,
        register=DISCLOSURE.get("deny_list_file") or "",
    conda:
        ENV
    script:
        "../scripts/release.py"
