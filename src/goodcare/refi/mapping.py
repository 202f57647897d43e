"""Read the author's mapping file; resolve sources to participants and REFI codes to study codes."""

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from goodcare import vocab
from goodcare.refi.archive import RefiError, clean, norm_guid
from goodcare.refi.project import PATH_SEP, Project, split_name

KINDS = ("source", "case", "variable", "code")
DROP = "drop"
DEFAULT_VARIABLE = "participant_id"
NO_FILE = "(no mapping file)"
PARTICIPANT = re.compile(r"^P\d+$")
CODE_ID = re.compile(r"^[A-Z]{3}\d{2}$")
GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$")
# A code named "INN01 Non-traditional service" (or "INN01 - ...") carries its study code id.
ID_PREFIX = re.compile(r"^([A-Z]{3}\d{2})(?:\s*[-:.\u2013]\s*|\s+)(\S.*)$")


@dataclass
class Rule:
    kind: str
    key: str
    target: str
    theme: str
    sub_theme: str
    line: int
    used: bool = False


@dataclass
class Mapping:
    """The author's rules, keyed by (kind, guid or name), plus the case variable holding participant ids."""

    file: str
    rules: dict[tuple[str, str], Rule]
    variable: str | None

    def lookup(self, kind: str, guid: str, name: str) -> Rule | None:
        """The rule for an element: by its GUID first (any case), else by its name or code path."""
        rule = self.rules.get((kind, norm_guid(guid))) or self.rules.get((kind, name))
        if rule:
            rule.used = True
        return rule

    def unused_lines(self) -> list[int]:
        return sorted(r.line for r in self.rules.values() if not r.used)


def rule_key(kind: str, name: str) -> str:
    """How a mapping row names an element: a GUID, a code path (`A::B::C`) or a source or case name."""
    if GUID.match(name):
        return norm_guid(name)
    return PATH_SEP.join(split_name(name)) if kind == "code" else clean(name)


def read_mapping(path: Path | None) -> Mapping:
    """Read mapping.csv (columns kind,name,target[,theme,sub_theme]); no file means the default variable."""
    if path is None:
        return Mapping(NO_FILE, {}, DEFAULT_VARIABLE)
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise RefiError(name, None, "mapping file not found")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows or [c.strip() for c in rows[0][:3]] != ["kind", "name", "target"]:
        raise RefiError(name, "line 1", "the header must start kind,name,target (then optionally theme,sub_theme)")
    rules: dict[tuple[str, str], Rule] = {}
    variable = None
    for line, row in enumerate(rows[1:], start=2):
        if not row or not "".join(row).strip() or row[0].strip().startswith("#"):
            continue
        kind, key, target, theme, sub_theme = ([c.strip() for c in row] + [""] * 5)[:5]
        where = f"line {line}"
        if kind not in KINDS:
            raise RefiError(name, where, f"kind must be one of {', '.join(KINDS)}")
        if not key:
            raise RefiError(name, where, "the name column is empty")
        if kind == "variable":
            if variable is not None:
                raise RefiError(name, where, "only one variable row is allowed")
            variable = key
            continue
        if not target:
            continue  # a template row not filled in yet: its element stays unmapped (and is reported)
        pattern = CODE_ID if kind == "code" else PARTICIPANT
        if target != DROP and not pattern.match(target):
            wanted = "a code id like INN01" if kind == "code" else "a participant id like P0001"
            raise RefiError(name, where, f"target must be {wanted} or '{DROP}'")
        if kind != "code" and (theme or sub_theme):
            raise RefiError(name, where, "theme and sub_theme belong on code rows only")
        k = (kind, rule_key(kind, key))
        if k in rules:
            raise RefiError(name, where, f"names the same {kind} as line {rules[k].line}")
        rules[k] = Rule(kind, k[1], target, theme, sub_theme, line)
    return Mapping(name, rules, variable)


def slug(text: str) -> str:
    """A tree level's name as a study sub-theme: lower-case letters joined by underscores."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]+", "_", ascii_text.lower()).strip("_")


@dataclass
class StudyCode:
    code_id: str
    theme: str
    sub_theme: str
    label: str
    definition: str
    from_label: bool


def study_code(code, mapping: Mapping, file: str) -> StudyCode | str | None:
    """A REFI code as a study code, DROP, or None when neither the mapping nor its name gives a code id."""
    rule = mapping.lookup("code", code.guid, PATH_SEP.join(code.path))
    if rule and rule.target == DROP:
        return DROP
    leaf = code.path[-1]
    prefixed = ID_PREFIX.match(leaf)
    code_id = rule.target if rule else (prefixed.group(1) if prefixed else None)
    if code_id is None:
        return None
    deep = len(code.path) >= 3  # theme / sub-theme / code
    theme = (rule.theme if rule and rule.theme else None) or (slug(code.path[0]) if deep else None)
    sub_theme = (rule.sub_theme if rule and rule.sub_theme else None) or (slug(code.path[1]) if deep else None)
    if not theme or not sub_theme:
        raise RefiError(file, code.where, f"code {code_id} is not under a theme and a sub-theme; give theme and sub_theme in the mapping")
    if theme not in vocab.CODE_THEMES:
        # The tree level's name is the author's free text: only its length is said.
        raise RefiError(file, code.where, f"code {code_id}: its theme (a name of {len(theme)} characters) is not one of "
                        f"{', '.join(vocab.CODE_THEMES)}; name the tree's first level so, or give theme in the mapping")
    label = prefixed.group(2) if prefixed else leaf
    return StudyCode(code_id, theme, sub_theme, label, code.description or label, not code.description)


def resolve_participants(project: Project, mapping: Mapping, file: str) -> dict[str, str | None]:
    """Participant id (or DROP) of every selection; None where nothing the author controls maps it.

    Most specific first: a case holding the selection, a mapping row for the source, a case holding the
    source, then the source's own variable."""
    var_guids = {g for g, n in project.variables.items() if n == mapping.variable}
    if mapping.variable and not var_guids:
        if mapping.file == NO_FILE:
            raise RefiError(file, None, f"no mapping: pass --mapping FILE, or give cases a variable named {DEFAULT_VARIABLE}")
        raise RefiError(mapping.file, "variable row", "the export has no variable of that name")

    def from_variables(values: dict[str, str], where: str) -> str | None:
        found = {values[g] for g in var_guids if values.get(g)}
        if len(found) > 1 or (found and not PARTICIPANT.match(next(iter(found)))):
            raise RefiError(file, where, f"variable {mapping.variable}: value is not one participant id (P followed by digits)")
        return found.pop() if found else None

    def one(targets: set, where: str, what: str) -> str | None:
        targets.discard(None)
        if len(targets) > 1:
            raise RefiError(file, where, f"{what} belongs to cases mapped to different participants")
        return targets.pop() if targets else None

    source_cases: dict[str, set] = {}
    selection_cases: dict[str, set] = {}
    for case in project.cases:
        rule = mapping.lookup("case", case.guid, case.name)
        target = rule.target if rule else from_variables(case.variables, case.where)
        for guid in case.sources:
            source_cases.setdefault(guid, set()).add(target)
        for guid in case.selections:
            selection_cases.setdefault(guid, set()).add(target)
    by_source = {}
    for src in project.sources.values():
        rule = mapping.lookup("source", src.guid, src.name)
        by_source[src.guid] = rule.target if rule else (
            one(source_cases.get(src.guid, set()), src.where, "the source") or from_variables(src.variables, src.where))
    return {sel.guid: one(selection_cases.get(sel.guid, set()), sel.where, "the selection") or by_source.get(sel.source)
            for sel in project.selections.values()}
