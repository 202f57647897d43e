"""The site's provenance pages: one HTML page per chapter's analysis, built from results/provenance/*.json."""

import json
import os
import shutil
from html import escape
from pathlib import Path

from goodcare import provlinks
from goodcare.provenance import sha256, withheld_settings
from goodcare.provlinks import attribute, code_url, job_anchor, output_anchor, value_anchor

# Published outputs the pages describe, by their folder in the results: figures and tables by name, values whole.
KINDS = {"figures": "figure", "tables": "table"}
# Data files the pages link and the render copies into the site (the SVGs are there already, as the figures).
DATA_SUFFIXES = (".csv", ".json")
STYLE = """
body { font-family: system-ui, sans-serif; color: #212529; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem;
       line-height: 1.45; }
a { color: #1a5a96; }
code, pre { font-size: 0.9em; overflow-wrap: anywhere; white-space: pre-wrap; }
section { border-top: 1px solid #d0d5da; padding-top: 0.4rem; margin-top: 1rem; }
section:target { background: #fff7dd; }
dt { font-weight: 600; margin-top: 0.3rem; }
dd { margin-left: 1.2rem; }
table { border-collapse: collapse; }
td, th { border-bottom: 1px solid #d0d5da; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
tr:target { background: #fff7dd; }
.sha { color: #4a545e; }
""".strip()


def load_records(folder: Path) -> dict[str, dict]:
    """Every provenance record of a build, by its file's stem, in name order."""
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(folder).glob("*.json"))}


def absolute(path: str, project: Path) -> Path:
    """A path as a record names it (relative to the project, or absolute when the config made it so)."""
    p = Path(path)
    return p if p.is_absolute() else project / p


def shown_path(path: str, project: Path) -> str:
    """A path as the pages show it: relative to the project, or only its name when it lies outside (a data
    folder elsewhere on the builder's machine is not published)."""
    p = absolute(path, project)
    try:
        return p.relative_to(project).as_posix()
    except ValueError:
        return f"…/{p.name}"


def producers(records: dict[str, dict], project: Path) -> dict[Path, str]:
    """Which record made each file (its outputs), keyed by the file's absolute path."""
    return {absolute(out, project): name for name, r in records.items() for out in r.get("outputs", {})}


def lineage(records: dict[str, dict], start: str, project: Path) -> list[str]:
    """A record and every record upstream of it (those that made its inputs), upstream first, each once."""
    made_by, order, seen = producers(records, project), [], set()

    def visit(name: str) -> None:
        seen.add(name)
        for path in sorted(records[name].get("inputs", {})):
            upstream = made_by.get(absolute(path, project))
            if upstream is not None and upstream not in seen:
                visit(upstream)
        order.append(name)

    visit(start)
    return order


def published(record: dict, results: Path, project: Path, chapter: str) -> dict[str, list]:
    """A chapter's published files by kind: figures and tables as (name, {suffix: path}), and the values file."""
    found = {"figure": {}, "table": {}, "values": []}
    for path in sorted(record["outputs"]):
        p = absolute(path, project)
        try:
            parts = p.relative_to(results).parts
        except ValueError:
            continue
        if len(parts) == 3 and parts[0] in KINDS and parts[1] == chapter:
            found[KINDS[parts[0]]].setdefault(p.stem, {})[p.suffix] = path
        elif parts == ("values", f"{chapter}.json"):
            found["values"].append(path)
    return {k: sorted(v.items()) if isinstance(v, dict) else v for k, v in found.items()}


def file_item(path: str, sha: str | None, project: Path, here: Path, link: bool = False) -> str:
    """One file and its SHA-256, marked up so a test (or a reader's script) can find both."""
    shown = escape(shown_path(path, project))
    name = f'<a href="{attribute(rel_link(absolute(path, project), project, here))}"><code>{shown}</code></a>' if link else f"<code>{shown}</code>"
    digest = "not recorded" if sha is None else escape(sha)
    return (f'<span class="gc-file" data-path="{attribute(shown_path(path, project))}" data-sha256="{attribute(sha or "")}">'
            f'{name} <span class="sha">SHA-256 <code>{digest}</code></span></span>')


def rel_link(target: Path, project: Path, here: Path) -> str:
    """A link from a record page (in the site folder `here`; the site mirrors the project) to a file of the site."""
    return Path(os.path.relpath(target, project / here)).as_posix()


def file_list(files: dict, project: Path, here: Path) -> str:
    """Files and their hashes as a list (or 'none')."""
    if not files:
        return "<p>none</p>"
    return "<ul>" + "".join(f"<li>{file_item(p, files[p], project, here)}</li>" for p in sorted(files)) + "</ul>"


def code_item(path: str, sha: str | None, commit: str, repo_url: str | None) -> str:
    """A code file: linked at the commit that ran when the repository's address is known, else its path."""
    url = code_url(repo_url, commit, path)
    name = f'<a href="{attribute(url)}"><code>{escape(path)}</code></a>' if url else f"<code>{escape(path)}</code>"
    return f'{name} <span class="sha">SHA-256 <code>{escape(sha or "not recorded")}</code></span>'


def job_section(name: str, record: dict, project: Path, here: Path, repo_url: str | None) -> str:
    """What one job ran, on what, with which settings, and what it made."""
    commit = record.get("commit", "unknown")
    script = record.get("script", {})
    code = record.get("code", {})
    code_items = "".join(f"<li>{code_item(p, code[p], commit, repo_url)}</li>" for p in sorted(code))
    where = ("" if code_url(repo_url, commit, "x") else
             " (set <code>book.repo-url</code> in _quarto.yml to link each file at this commit)")
    rows = [
        ("Rule", f"<code>{escape(record.get('rule', name))}</code>"),
        ("Commit", f"<code>{escape(commit)}</code>{where}"),
        ("Script", code_item(script.get("path", ""), script.get("sha256"), commit, repo_url)),
        ("Code version", f"<code>{escape(record.get('code_version', ''))}</code> (one SHA-256 over every code file below)"),
        ("Code", f"<ul>{code_items}</ul>" if code_items else "<p>none</p>"),
        ("Parameters", f"<pre>{escape(json.dumps(withheld_settings(record.get('params', {})), indent=1, sort_keys=True, ensure_ascii=False))}</pre>"),
        ("Inputs (data)", file_list(record.get("inputs", {}), project, here)),
        ("Outputs", file_list(record.get("outputs", {}), project, here)),
        ("Software", escape(", ".join(f"{k} {v}" for k, v in sorted(record.get("packages", {}).items())))),
    ]
    body = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return f'<section id="{job_anchor(name)}" class="gc-job"><h3>Job <code>{escape(name)}</code></h3><dl>{body}</dl></section>'


def staged_twin(path: str, analysis: dict, project: Path, results: Path, chapter: str) -> tuple[str, str] | None:
    """The file the analysis staged for the gate that a published file was made from: figures/CH/NAME.svg was
    staged as analysis/CH/figures/NAME.svg (the gate may have suppressed cells of it since)."""
    kind, _, name = absolute(path, project).relative_to(results).parts
    twin = results / "analysis" / chapter / kind / name
    return next(((out, sha) for out, sha in analysis.get("outputs", {}).items() if absolute(out, project) == twin), None)


def output_section(kind: str, name: str, files: dict, ctx: dict) -> str:
    """The record of one figure or table: its files and hashes, the data behind it, the jobs and the inputs."""
    gate, analysis = ctx["records"][ctx["gate"]], ctx["records"][ctx["analysis"]]
    project, here, results = ctx["project"], ctx["here"], ctx["results"]
    outputs = gate["outputs"]
    shown = [f"<li>{file_item(p, outputs.get(p), project, here, link=True)}</li>" for _, p in sorted(files.items())]
    data = files.get(".csv")
    code = analysis.get("code", {})
    module = provlinks.analysis_module(analysis, ctx["chapter"])
    twin = staged_twin(next(iter(files.values())), analysis, project, results, ctx["chapter"])
    made = (f'rule <code>{escape(analysis.get("rule", ""))}</code> (<a href="#{job_anchor(ctx["analysis"])}">job record</a>)'
            + (f", staged as {file_item(twin[0], twin[1], project, here)}" if twin else ""))
    rows = [
        ("Published files", "<ul>" + "".join(shown) + "</ul>"),
        ("Data behind it", file_item(data, outputs.get(data), project, here, link=True) if data else "none"),
        ("Made by", made),
        ("Published by", f'the disclosure gate, rule <code>{escape(gate.get("rule", ""))}</code> '
                         f'(<a href="#{job_anchor(ctx["gate"])}">job record</a>)'),
        ("Inputs of the analysis", file_list(analysis.get("inputs", {}), project, here)),
        ("Code at the commit", code_item(module, code.get(module, analysis.get("script", {}).get("sha256")),
                                         analysis.get("commit", "unknown"), ctx["repo_url"])
         + f' and every module in the <a href="#{job_anchor(ctx["analysis"])}">job record</a>'),
    ]
    body = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return (f'<section id="{output_anchor(kind, name)}" class="gc-output" data-kind="{kind}" data-name="{attribute(name)}">'
            f"<h3>{kind.capitalize()} <code>{escape(name)}</code></h3><dl>{body}</dl></section>")


def values_section(path: str, ctx: dict) -> str:
    """The values file with its hash, then one row per text or number in it, each with its own anchor."""
    project, here = ctx["project"], ctx["here"]
    sha = ctx["records"][ctx["gate"]]["outputs"].get(path)
    record = json.loads(absolute(path, project).read_text(encoding="utf-8"))
    rows = "".join(
        f'<tr id="{value_anchor(key)}" class="gc-value-record" data-key="{attribute(provlinks.key_text(key))}">'
        f"<td><code>{escape(provlinks.key_text(key))}</code></td><td>{escape(str(value))}</td>"
        f'<td><a href="#values-file">values file</a></td></tr>'
        for key, value in provlinks.value_leaves(record)
    )
    return (
        f'<section id="values-file" class="gc-values"><h3>Values file</h3><p>{file_item(path, sha, project, here, link=True)}, '
        f'published by rule <code>{escape(ctx["records"][ctx["gate"]].get("rule", ""))}</code> '
        f'(<a href="#{job_anchor(ctx["gate"])}">job record</a>) from what rule '
        f'<code>{escape(ctx["records"][ctx["analysis"]].get("rule", ""))}</code> computed '
        f'(<a href="#{job_anchor(ctx["analysis"])}">job record</a>). Each in-text number of the book links to its key here.</p>'
        f"<table><thead><tr><th>Key</th><th>Value</th><th>File</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def page(heading: str, title: str, parts: list[str], back: str = "../index.html") -> str:
    """A whole record page: its title, a link back to the book, an explanation and its sections."""
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Provenance records: {escape(heading)} – {escape(title)}</title>\n"
        f"<style>\n{STYLE}\n</style>\n</head>\n<body>\n<main>\n"
        f'<p><a href="{attribute(back)}">{escape(title)}</a> · <a href="index.html">All provenance records</a></p>\n'
        f"<h1>Provenance records: {escape(heading)}</h1>\n"
        "<p>Where each figure, table and in-text number came from: the rule and code that made it, the SHA-256 of "
        "every file it was made from, and the data behind it. The hashes are those of the files of this build.</p>\n"
        + "\n".join(parts) + "\n</main>\n</body>\n</html>\n"
    )


# The reports the back matter reads, by anchor: the disclosure gate's report and the findings diff.
REPORTS = {"report-disclosure": ("The disclosure report", "disclosure/report.json"),
           "report-changes": ("Changes since the last release", "changes/changes.json")}


def index_page(records: dict[str, dict], project: Path, results: Path, repo_url: str | None, title: str) -> str:
    """The page of every record: links to the chapters' pages, the reports the back matter reads (hashed now,
    as no job record lists them) and every job of the build."""
    here = Path(provlinks.RECORDS_FOLDER)
    chapters = "".join(f'<li><a href="{attribute(Path(provlinks.records_page(c)).name)}">{escape(c)}</a></li>'
                       for c in record_chapters(records))
    parts = [f"<h2>Chapters</h2><ul>{chapters}</ul>", "<h2>Reports</h2>"]
    for anchor, (name, relative) in REPORTS.items():
        path = results / relative
        item = file_item(str(path), sha256(path), project, here) if path.is_file() else "not made in this build"
        parts.append(f'<section id="{anchor}" class="gc-report"><h3>{escape(name)}</h3><p>{item}</p></section>')
    jobs = "".join(job_section(n, r, project, here, repo_url) for n, r in records.items())
    parts.append(f'<section id="jobs" class="gc-jobs"><h2>Every job of the build</h2>{jobs}</section>')
    return page("every job", title, parts)


def chapter_page(chapter: str, records: dict[str, dict], project: Path, results: Path, repo_url: str | None,
                 title: str) -> str:
    """The record page of one chapter's analysis: its figures, tables and values, then every job behind them."""
    gate, here = f"disclose_{chapter}", Path(provlinks.RECORDS_FOLDER)
    ctx = {"records": records, "gate": gate, "analysis": chapter if chapter in records else gate, "chapter": chapter,
           "project": project, "here": here, "results": results, "repo_url": repo_url}
    outputs = published(records[gate], results, project, chapter)
    parts = []
    for kind, heading in (("figure", "Figures"), ("table", "Tables")):
        if outputs[kind]:
            parts.append(f"<h2>{heading}</h2>" + "".join(output_section(kind, n, f, ctx) for n, f in outputs[kind]))
    if outputs["values"]:
        parts.append("<h2>In-text values</h2>" + values_section(outputs["values"][0], ctx))
    jobs = lineage(records, gate, project)
    parts.append("<h2>Jobs, upstream first</h2>" + "".join(job_section(n, records[n], project, here, repo_url) for n in jobs))
    return page(chapter, title, parts)


def record_chapters(records: dict[str, dict]) -> list[str]:
    """The chapters whose outputs passed a disclosure gate (each gets a page)."""
    return sorted(name.removeprefix("disclose_") for name in records if name.startswith("disclose_"))


def write_record_pages(site: Path, results: Path, project: Path, repo_url: str | None, title: str) -> list[Path]:
    """Write every chapter's record page into the rendered site, and copy the data files the pages link (the
    published CSVs and values files) to the same place in the site as in the project. Returns the pages."""
    project, results = Path(project).resolve(), Path(results).resolve()
    records = load_records(results / "provenance")
    index = Path(site) / provlinks.records_page("index")
    index.parent.mkdir(parents=True, exist_ok=True)
    index.write_text(index_page(records, project, results, repo_url, title), encoding="utf-8")
    pages = [index]
    for chapter in record_chapters(records):
        page = Path(site) / provlinks.records_page(chapter)
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(chapter_page(chapter, records, project, results, repo_url, title), encoding="utf-8")
        pages.append(page)
        for kind in published(records[f"disclose_{chapter}"], results, project, chapter).values():
            for item in kind:
                for path in (item[1].values() if isinstance(item, tuple) else [item]):
                    source = absolute(path, project)
                    if source.suffix in DATA_SUFFIXES:
                        target = Path(site) / source.relative_to(project)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(source, target)
    return pages
