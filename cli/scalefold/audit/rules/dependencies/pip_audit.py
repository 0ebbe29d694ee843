"""DEP-002: no Python dependencies with known vulnerabilities."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from scalefold.audit.model import Category, Hit, Location, NotApplicable, Severity, Undetermined
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.dependencies.common import runner_for

# File names are text: requirements.txt, requirements-dev.txt, requirements/base.txt is not matched.
_REQUIREMENTS = re.compile(r"(?:^|/)requirements[\w.-]*\.txt$")


def _requirement_line(project: Project, rel: str, name: str) -> int:
    """The line of ``rel`` that requires ``name`` (requirement lines parsed with `packaging`)."""
    wanted = canonicalize_name(name)
    for number, line in enumerate(project.lines(rel), start=1):
        text = line.split(" #", 1)[0].split(" --", 1)[0].strip()  # comments and per-line options
        if not text or text.startswith(("#", "-")):
            continue
        try:
            if canonicalize_name(Requirement(text).name) == wanted:
                return number
        except InvalidRequirement:
            continue
    return 1


def pip_audit_hits(project: Project, manifest: str, report: dict[str, Any]) -> Iterator[Hit]:
    for dep in report.get("dependencies") or []:
        if not isinstance(dep, dict):
            continue
        for vuln in dep.get("vulns") or []:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "none yet"
            name, version, vid = dep.get("name"), dep.get("version"), vuln.get("id")
            line = _requirement_line(project, manifest, str(name)) if manifest.endswith(".txt") else 1
            yield Hit(
                Location(manifest, line, f"pip {name} {vid}"),
                f"{name} {version}: {vid} (fixed in {fixes}): upgrade {name}",
            )


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    manifests = sorted(
        rel
        for rel in project.files
        if _REQUIREMENTS.search(rel) or rel == "pyproject.toml" or rel.endswith("/pyproject.toml")
    )
    if not manifests:
        raise NotApplicable("no Python dependency manifests")
    runner = runner_for(project)
    ran = False
    for manifest in manifests:
        base = [sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner", "off"]
        if manifest.endswith(".txt"):
            args = base + ["--requirement", manifest]
        else:
            args = base + [manifest[: -len("pyproject.toml")].rstrip("/") or "."]
        done = runner(args, project.root)
        try:
            report = json.loads(done.stdout or "")
        except json.JSONDecodeError:
            tail = done.stderr.strip().splitlines()[-1:] or ["no report"]
            project.note(manifest, f"pip-audit could not run: {tail[0]}")
            continue
        ran = True
        yield from pip_audit_hits(project, manifest, report if isinstance(report, dict) else {})
    if not ran:
        raise Undetermined("pip-audit could not run (see notes)")


RULE = Rule(
    id="DEP-002",
    name="dependencies-pip-audit",
    category=Category.DEPENDENCIES,
    severity=Severity.WARNING,
    title="No Python dependencies with known vulnerabilities",
    rationale="""Node backends often carry Python tooling (scripts, data jobs, a sidecar). pip-audit checks
        `requirements*.txt` and `pyproject.toml` against the Python advisory database. Runs only with
        `--deps`.""",
    fix="""Upgrade the package to a fixed version (pip-audit lists them) and re-pin it.""",
    check=check,
    needs_deps=True,
)
