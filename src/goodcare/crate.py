"""The release's Workflow Run RO-Crate: RO-Crate 1.1 with the Process Run Crate and Workflow Run Crate 0.5 profiles."""

import json
from dataclasses import dataclass, field

from rocrate.model.contextentity import ContextEntity
from rocrate.rocrate import ROCrate

RO_CRATE_VERSION = "1.1"
# The profiles the crate conforms to, each a CreativeWork the root dataset names (Workflow Run Crate 0.5
# extends Process Run Crate 0.5 and Workflow RO-Crate 1.0).
PROFILES = {
    "https://w3id.org/ro/wfrun/process/0.5": ("Process Run Crate", "0.5"),
    "https://w3id.org/ro/wfrun/workflow/0.5": ("Workflow Run Crate", "0.5"),
    "https://w3id.org/workflowhub/workflow-ro-crate/1.0": ("Workflow RO-Crate", "1.0"),
}
FORMAL_PARAMETER_PROFILE = "https://bioschemas.org/profiles/FormalParameter/1.0-RELEASE"
# schema.org's checksum property, which the RO-Crate 1.1 context does not define.
SHA256_TERM = {"sha256": "http://schema.org/sha256"}
SPDX = "https://spdx.org/licenses/"
RUN_ID = "#run"


@dataclass
class Released:
    """One released file or folder, the run's output: its path in the release, what it is, and its hash (files)."""

    path: str
    name: str
    sha256: str | None = None  # None for a folder (a Dataset)
    encoding: str | None = None


@dataclass
class Run:
    """What the crate says about one release: the compendium, the run of its workflow, what went in and came out."""

    title: str
    description: str
    version: str
    license: str
    authors: list[dict]
    date: str  # the release date: the only value that differs between two releases of one commit and data
    commit: str
    workflow: str  # the Snakefile's path in the release
    workflow_parts: list[str]  # the rule files it includes, by their paths in the release
    inputs: dict[str, str]  # data file name -> SHA-256 (never included in the release)
    outputs: list[Released]
    files: list[Released]  # the other released files (environment, checksums, citation)
    software: dict[str, str] = field(default_factory=dict)  # name -> version


def author_entity(crate: ROCrate, author: dict, number: int) -> ContextEntity:
    """A CITATION.cff author as a Person (named, with an ORCID if given) or an Organization (an entity's name)."""
    if "name" in author:
        return ContextEntity(crate, f"#author-{number}", {"@type": "Organization", "name": author["name"]})
    name = " ".join(p for p in (author.get("given-names"), author.get("family-names")) if p)
    return ContextEntity(crate, author.get("orcid") or f"#author-{number}", {"@type": "Person", "name": name})


def data_input_id(name: str) -> str:
    """The local identifier of a data file the run read: the crate describes it by hash but does not hold it."""
    return f"#data/{name}"


def formal_parameter(crate: ROCrate, kind: str, name: str, additional_type: str, example) -> ContextEntity:
    """A workflow input or output slot, with the run's value of it as its work example."""
    slug = "".join(c if c.isalnum() else "-" for c in name.lower())
    return crate.add(ContextEntity(crate, f"#{kind}-{slug}", {
        "@type": "FormalParameter",
        "conformsTo": {"@id": FORMAL_PARAMETER_PROFILE},
        "name": name,
        "additionalType": additional_type,
        "workExample": {"@id": example.id},
    }))


def add_released(crate: ROCrate, item: Released):
    """A released file (with its SHA-256) or folder as a data entity of the crate."""
    if item.sha256 is None:
        return crate.add_dataset(dest_path=item.path, properties={"name": item.name})
    properties = {"name": item.name, "sha256": item.sha256}
    if item.encoding:
        properties["encodingFormat"] = item.encoding
    return crate.add_file(dest_path=item.path, properties=properties)


def build_crate(run: Run) -> ROCrate:
    """The RO-Crate of a release: root dataset, profiles, workflow, the run (CreateAction), inputs, outputs, software.

    Every identifier is given (none drawn at random) and entities are added in a fixed order, so equal runs give
    equal bytes."""
    crate = ROCrate(version=RO_CRATE_VERSION)
    crate.metadata.extra_terms.update(SHA256_TERM)
    root = crate.root_dataset
    root["name"] = run.title
    root["description"] = run.description
    root["version"] = run.version
    root["datePublished"] = run.date
    licence = crate.add(ContextEntity(crate, SPDX + run.license, {"@type": "CreativeWork", "name": run.license}))
    root["license"] = licence
    root["author"] = [crate.add(author_entity(crate, a, i)) for i, a in enumerate(run.authors, start=1)]
    root["conformsTo"] = [crate.add(ContextEntity(crate, uri, {"@type": "CreativeWork", "name": name, "version": version}))
                          for uri, (name, version) in PROFILES.items()]

    software = [crate.add(ContextEntity(crate, f"#software/{name}", {"@type": "SoftwareApplication", "name": name,
                                                                       "version": version}))
                for name, version in sorted(run.software.items())]
    parts = [crate.add_file(dest_path=p, properties={"name": p.rsplit("/", 1)[-1], "encodingFormat": "text/plain"})
             for p in run.workflow_parts]
    workflow = crate.add_workflow(dest_path=run.workflow, main=True, lang="snakemake",
                                  lang_version=run.software.get("snakemake"),
                                  properties={"name": f"{run.title}: the workflow", "version": run.commit})
    # add_workflow sets the metadata descriptor's conformsTo to the workflow profile; RO-Crate 1.1 has it conform
    # to the specification, and the root dataset names the profiles.
    crate.metadata["conformsTo"] = {"@id": f"https://w3id.org/ro/crate/{RO_CRATE_VERSION}"}
    workflow["hasPart"] = parts
    workflow["softwareRequirements"] = software

    inputs = [crate.add(ContextEntity(crate, data_input_id(name), {
        "@type": "File", "name": name, "sha256": digest,
        "description": "A data file the run read, described by its SHA-256; the data are not part of the release."}))
        for name, digest in sorted(run.inputs.items())]
    outputs = [add_released(crate, item) for item in run.outputs]
    for item in run.files:
        add_released(crate, item)
    workflow["input"] = [formal_parameter(crate, "input", e["name"], "File", e) for e in inputs]
    workflow["output"] = [formal_parameter(crate, "output", item.name, "File" if item.sha256 else "Dataset", e)
                          for item, e in zip(run.outputs, outputs)]

    action = crate.add_action(workflow, identifier=RUN_ID, object=inputs, result=outputs, properties={
        "name": f"Run of the workflow at commit {run.commit}",
        "description": "The Snakemake run that made this release's book and results from the data described by hash."})
    action["instrument"] = workflow
    root["mentions"] = [action]
    return crate


def crate_json(run: Run) -> str:
    """The crate's ro-crate-metadata.json text, with sorted keys as rocrate writes it."""
    return json.dumps(build_crate(run).metadata.generate(), indent=4, sort_keys=True, ensure_ascii=False) + "\n"
