"""The hand-made labels of one corpus repository, and their schema.

    repo: <name>
    rules:
      SEC-002:
        violations:            # where a reviewer wants a finding
          - {file: src/app.js, line: 12, reason: "cors() with no options answers every origin"}
        must_not_flag:         # where a naive check would fire but nothing is wrong
          - {file: scripts/seed.js, line: 4, reason: "a one-off script, not server code"}
      REL-003:
        violations:
          - {project: ., reason: "no SIGTERM handling"}    # about a package as a whole
      DKR-012: {clean: "HEALTHCHECK on line 20"}            # applies, and nothing is wrong
      "K8S-*": {not_applicable: "no Kubernetes manifests"}  # a pattern covers the rules not named

A spot is a file and a line (`line: 12`), a span (`lines: [12, 15]`), a whole file (no line), or a
package (`project:` its folder, `.` for the root) for a rule about the project as a whole. A problem
that can fairly be pointed at in more than one place (the route or the query behind it) lists the
other places under `or: [{file: ..., line: ...}]`; a finding at any of them counts once. Every spot
carries a one-line reason a reviewer can check against the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

import yaml

_RULE_ID = re.compile(r"[A-Z0-9]+-\d{3}\Z")
_RULE_PATTERN = re.compile(r"[A-Z0-9]+-[0-9*?]+\Z")
_ENTRY_KEYS = {"violations", "must_not_flag", "clean", "not_applicable"}
_SPOT_KEYS = {"file", "line", "lines", "project", "reason", "or"}
_PLACE_KEYS = {"file", "line", "lines"}


class LabelError(ValueError):
    """A label file does not follow the schema."""


@dataclass(frozen=True)
class Place:
    file: str
    first: int | None = None  # None: the whole file
    last: int | None = None

    def describe(self) -> str:
        if self.first is None:
            return self.file
        return (
            f"{self.file}:{self.first}"
            if self.first == self.last
            else f"{self.file}:{self.first}-{self.last}"
        )


@dataclass(frozen=True)
class Spot:
    rule: str
    kind: str  # "violation" or "must_not_flag"
    reason: str
    places: tuple[Place, ...] = ()  # where it may be pointed at; empty for a project-level spot
    project: str | None = None  # package folder for a project-level spot ("." is the root)

    def describe(self) -> str:
        if self.project is not None:
            return f"{self.project} (project)"
        return " or ".join(p.describe() for p in self.places)


@dataclass
class RuleLabel:
    rule: str
    violations: list[Spot] = field(default_factory=list)
    must_not_flag: list[Spot] = field(default_factory=list)
    clean: str | None = None
    not_applicable: str | None = None

    @property
    def status(self) -> str:
        if self.not_applicable is not None:
            return "not_applicable"
        return "violations" if self.violations else "clean"


@dataclass
class RepoLabels:
    repo: str
    rules: dict[str, RuleLabel]  # explicit rule ids
    patterns: dict[str, RuleLabel]  # "K8S-*" → label for every matching rule not named

    def for_rule(self, rule_id: str) -> RuleLabel | None:
        if rule_id in self.rules:
            return self.rules[rule_id]
        for pattern, label in self.patterns.items():
            if fnmatchcase(rule_id, pattern):
                return RuleLabel(rule_id, [], [], label.clean, label.not_applicable)
        return None

    def spots(self) -> list[Spot]:
        return [s for label in self.rules.values() for s in (*label.violations, *label.must_not_flag)]


def _spot(rule: str, kind: str, raw: object, where: str) -> Spot:
    if not isinstance(raw, dict):
        raise LabelError(f"{where}: a spot is a mapping")
    unknown = set(raw) - _SPOT_KEYS
    if unknown:
        raise LabelError(f"{where}: unknown keys {sorted(unknown)}")
    reason = raw.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise LabelError(f"{where}: every spot needs a reason")
    if ("file" in raw) == ("project" in raw):
        raise LabelError(f"{where}: a spot names either a file or a project")
    if "project" in raw:
        if "line" in raw or "lines" in raw or "or" in raw:
            raise LabelError(f"{where}: a project-level spot has no line")
        project = str(raw["project"]).strip("/") or "."
        return Spot(rule, kind, reason.strip(), project=project)
    alternatives = raw.get("or") or []
    if not isinstance(alternatives, list):
        raise LabelError(f"{where}.or: expected a list of places")
    places = [_place(raw, where)]
    for i, alt in enumerate(alternatives):
        if not isinstance(alt, dict) or set(alt) - _PLACE_KEYS or "file" not in alt:
            raise LabelError(f"{where}.or[{i}]: a place is {{file, line or lines}}")
        places.append(_place(alt, f"{where}.or[{i}]"))
    return Spot(rule, kind, reason.strip(), places=tuple(places))


def _place(raw: dict, where: str) -> Place:
    file = raw["file"]
    if not isinstance(file, str) or not file or file.startswith("/") or ".." in file.split("/"):
        raise LabelError(f"{where}: file must be a relative path inside the repository")
    first = last = None
    if "line" in raw and "lines" in raw:
        raise LabelError(f"{where}: give line or lines, not both")
    if "line" in raw:
        first = last = raw["line"]
    elif "lines" in raw:
        span = raw["lines"]
        if not (isinstance(span, list) and len(span) == 2):
            raise LabelError(f"{where}: lines is [first, last]")
        first, last = span
    if first is not None and not (isinstance(first, int) and isinstance(last, int) and 1 <= first <= last):
        raise LabelError(f"{where}: lines are positive integers, first <= last")
    return Place(file, first, last)


def _rule_label(rule: str, raw: object, where: str) -> RuleLabel:
    if not isinstance(raw, dict) or not raw:
        raise LabelError(f"{where}: expected a mapping with {sorted(_ENTRY_KEYS)}")
    unknown = set(raw) - _ENTRY_KEYS
    if unknown:
        raise LabelError(f"{where}: unknown keys {sorted(unknown)}")
    label = RuleLabel(rule)
    for kind in ("violations", "must_not_flag"):
        items = raw.get(kind) or []
        if not isinstance(items, list):
            raise LabelError(f"{where}.{kind}: expected a list")
        spots = [_spot(rule, kind.rstrip("s"), item, f"{where}.{kind}[{i}]") for i, item in enumerate(items)]
        setattr(label, kind, spots)
    for key in ("clean", "not_applicable"):
        if key in raw:
            value = raw[key]
            if not isinstance(value, str) or not value.strip():
                raise LabelError(f"{where}.{key}: a one-line reason")
            setattr(label, key, value.strip())
    if label.clean is not None and label.not_applicable is not None:
        raise LabelError(f"{where}: clean and not_applicable exclude each other")
    if label.violations and (label.clean is not None or label.not_applicable is not None):
        raise LabelError(f"{where}: a rule with violations is neither clean nor not applicable")
    return label


def parse_labels(data: object, name: str) -> RepoLabels:
    if not isinstance(data, dict) or set(data) != {"repo", "rules"}:
        raise LabelError(f"{name}: expected the keys 'repo' and 'rules'")
    if data["repo"] != name:
        raise LabelError(f"{name}: 'repo' says {data['repo']!r}")
    rules, patterns = {}, {}
    if not isinstance(data["rules"], dict):
        raise LabelError(f"{name}: 'rules' is a mapping of rule ids")
    for key, raw in data["rules"].items():
        key = str(key)
        if _RULE_ID.match(key):
            rules[key] = _rule_label(key, raw, f"{name}.{key}")
        elif _RULE_PATTERN.match(key) and "*" in key:
            label = _rule_label(key, raw, f"{name}.{key}")
            if label.violations or label.must_not_flag:
                raise LabelError(f"{name}.{key}: a pattern only says clean or not_applicable")
            patterns[key] = label
        else:
            raise LabelError(f"{name}: {key!r} is not a rule id or a rule pattern such as K8S-*")
    return RepoLabels(name, rules, patterns)


def load_labels(path: Path) -> RepoLabels:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LabelError(f"{path.name}: not valid YAML ({exc})") from exc
    return parse_labels(data, path.stem)
