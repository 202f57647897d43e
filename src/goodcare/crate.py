"""The release's Workflow Run RO-Crate: RO-Crate 1.1 with the Process Run Crate and Workflow Run Crate 0.5 profiles."""

import json
import re
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
WORKFLOW_PROFILE = "https://bioschemas.org/profiles/ComputationalWorkflow/1.0-RELEASE"
WORKFLOW_RO_CRATE = "https://w3id.org/workflowhub/workflow-ro-crate/1.0"
# schema.org's checksum property, which the RO-Crate 1.1 context does not define.
SHA256_TERM = {"sha256": "http://schema.org/sha256"}
SPDX = "https://spdx.org/licenses/"
ENCODINGS = {"csv": "text/csv", "json": "application/json", "yaml": "text/yaml", "yml": "text/yaml", "cff": "text/yaml",
             "toml": "application/toml", "pdf": "application/pdf", "svg": "image/svg+xml", "sha256": "text/plain",
             "qdpx": "application/zip", "qdc": "application/xml", "smk": "text/plain"}
RUN_ID = "#run"
# Where each piece of software of a run is published, so its entity has a URL (Process Run Crate recommends one).
SOFTWARE_HOMES = {"python": "https://www.python.org/downloads/release/python-{flat}/",
                  "quarto": "https://github.com/quarto-dev/quarto-cli/releases/tag/v{version}"}
PYPI = "https://pypi.org/project/{name}/{version}/"
THIS_PACKAGE = "goodcare"  # the compendium's own code: it is not published apart from it


@dataclass
class Released:
    """One released file or folder, the run's output: its path in the release, what it is, and its hash (files)."""

    path: str
    name: str
    sha256: str | None = None  # None for a folder (a Dataset)


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


def software_entity(crate: ROCrate, name: str, version: str) -> ContextEntity:
    """A package of the run's environment, identified by where that version is published (PyPI, unless said)."""
    properties = {"@type": "SoftwareApplication", "name": name, "version": version}
    if name == THIS_PACKAGE or version == "not installed":
        return ContextEntity(crate, f"#software/{name}", properties)
    url = SOFTWARE_HOMES.get(name, PYPI).format(name=name, version=version, flat=version.replace(".", ""))
    return ContextEntity(crate, url, {**properties, "url": url})


def single(entities: list):
    """One entity as itself, several as a list (RO-Crate 1.1 writes a single value without the array)."""
    return entities[0] if len(entities) == 1 else entities


def data_input_id(name: str) -> str:
    """The local identifier of a data file the run read: the crate describes it by hash but does not hold it."""
    return f"#data/{name}"


def formal_parameter(crate: ROCrate, kind: str, name: str, additional_type: str, example) -> ContextEntity:
    """A workflow input or output slot, with the run's value of it as its work example."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return crate.add(ContextEntity(crate, f"#{kind}-{slug}", {
        "@type": "FormalParameter",
        "conformsTo": {"@id": FORMAL_PARAMETER_PROFILE},
        "name": name,
        "additionalType": additional_type,
        "workExample": {"@id": example.id},
    }))


def encoding_of(name: str) -> str:
    """The media type of a file by its name's ending (text/plain when unknown)."""
    return ENCODINGS.get(name.rsplit(".", 1)[-1].lower() if "." in name else "", "text/plain")


def add_released(crate: ROCrate, item: Released):
    """A released file (with its SHA-256) or folder as a data entity of the crate."""
    if item.sha256 is None:
        return crate.add_dataset(dest_path=item.path, properties={"name": item.name})
    return crate.add_file(dest_path=item.path, properties={"name": item.name, "sha256": item.sha256,
                                                           "encodingFormat": encoding_of(item.path)})


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
    root["author"] = single([crate.add(author_entity(crate, a, i)) for i, a in enumerate(run.authors, start=1)])
    root["conformsTo"] = [crate.add(ContextEntity(crate, uri, {"@type": "CreativeWork", "name": name, "version": version}))
                          for uri, (name, version) in PROFILES.items()]

    software = [crate.add(software_entity(crate, name, version)) for name, version in sorted(run.software.items())]
    parts = [crate.add_file(dest_path=p, properties={"name": p.rsplit("/", 1)[-1], "encodingFormat": encoding_of(p)})
             for p in run.workflow_parts]
    workflow = crate.add_workflow(dest_path=run.workflow, main=True, lang="snakemake",
                                  lang_version=run.software.get("snakemake"),
                                  properties={"name": f"{run.title}: the workflow", "version": run.commit})
    # The descriptor conforms to the specification and to Workflow RO-Crate (as add_workflow sets it, in a fixed order).
    crate.metadata["conformsTo"] = [{"@id": f"https://w3id.org/ro/crate/{RO_CRATE_VERSION}"}, {"@id": WORKFLOW_RO_CRATE}]
    workflow["conformsTo"] = {"@id": WORKFLOW_PROFILE}
    workflow["encodingFormat"] = "text/plain"
    workflow["hasPart"] = parts
    workflow["softwareRequirements"] = software

    inputs = [crate.add(ContextEntity(crate, data_input_id(name), {
        "@type": "File", "name": name, "sha256": digest, "encodingFormat": encoding_of(name),
        "description": "A data file the run read, described by its SHA-256; the data are not part of the release."}))
        for name, digest in sorted(run.inputs.items())]
    outputs = [add_released(crate, item) for item in run.outputs]
    for item in run.files:
        add_released(crate, item)
    workflow["input"] = [formal_parameter(crate, "input", e["name"], "File", e) for e in inputs]
    workflow["output"] = [formal_parameter(crate, "output", item.name, "File" if item.sha256 else "Dataset", e)
                          for item, e in zip(run.outputs, outputs)]
    for entity, parameter in zip(inputs + outputs, workflow["input"] + workflow["output"]):
        entity["exampleOfWork"] = parameter

    action = crate.add_action(workflow, identifier=RUN_ID, object=inputs, result=outputs, properties={
        "name": f"Run of the workflow at commit {run.commit}",
        "description": "The Snakemake run that made this release's book and results from the data described by hash."})
    action["instrument"] = workflow
    root["mentions"] = action
    return crate


def crate_json(run: Run) -> str:
    """The crate's ro-crate-metadata.json text, with sorted keys as rocrate writes it."""
    return json.dumps(build_crate(run).metadata.generate(), indent=4, sort_keys=True, ensure_ascii=False) + "\n"
