"""DEP-001: no npm dependencies with known vulnerabilities."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from scalefold.audit.model import Category, Hit, Location, NotApplicable, Severity, Undetermined
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.dependencies.common import runner_for

_NPM_SEVERITY = {
    "critical": Severity.ERROR,
    "high": Severity.ERROR,
    "moderate": Severity.WARNING,
    "low": Severity.NOTE,
    "info": Severity.NOTE,
}


def _lock_line(project: Project, lock: str, name: str) -> int:
    # A lockfile runs to megabytes: its line is found by its key's text rather than by parsing
    # the whole document again with line numbers.
    needle = f'"node_modules/{name}"'
    for number, line in enumerate(project.lines(lock), start=1):
        if needle in line:
            return number
    return 1


def npm_audit_hits(project: Project, package_dir: str, report: dict[str, Any]) -> Iterator[Hit]:
    """Map an `npm audit --json` (report version 2) document to hits."""
    prefix = f"{package_dir}/" if package_dir else ""
    pkg = next((p for p in project.packages if p.dir == package_dir), None)
    vulnerabilities = report.get("vulnerabilities")
    if not isinstance(vulnerabilities, dict):
        return
    for name, entry in sorted(vulnerabilities.items()):
        if not isinstance(entry, dict):
            continue
        advisories = [v for v in entry.get("via") or [] if isinstance(v, dict)]
        if not advisories:
            continue  # only vulnerable through another package, which is reported itself
        severity = _NPM_SEVERITY.get(str(entry.get("severity")), Severity.WARNING)
        titles = "; ".join(sorted({str(a.get("title") or a.get("url") or "advisory") for a in advisories}))
        ids = sorted({str(a.get("url") or a.get("source")) for a in advisories})
        fix = entry.get("fixAvailable")
        if isinstance(fix, dict):
            advice = f"upgrade {fix.get('name')} to {fix.get('version')}" + (
                " (major)" if fix.get("isSemVerMajor") else ""
            )
        elif fix is True:
            advice = "run `npm audit fix`"
        else:
            advice = "no fix released yet: replace the package or mitigate"
        if entry.get("isDirect") and pkg is not None and name in pkg.deps:
            path, line = pkg.path, pkg.dep_line(name)
        else:
            path, line = prefix + "package-lock.json", _lock_line(project, prefix + "package-lock.json", name)
        yield Hit(
            Location(path, line, f"npm {name} {' '.join(ids)}"),
            f"{name} {entry.get('range', '')}: {titles} ({entry.get('severity')}): {advice}",
            severity,
        )


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    project.require_node()
    locks = sorted(
        rel for rel in project.files if rel == "package-lock.json" or rel.endswith("/package-lock.json")
    )
    if not locks:
        raise NotApplicable("no package-lock.json to audit")
    runner = runner_for(project)
    ran = False
    for lock in locks:
        package_dir = lock[: -len("package-lock.json")].rstrip("/")
        done = runner(["npm", "audit", "--json"], project.root / package_dir if package_dir else project.root)
        try:
            report = json.loads(done.stdout or "{}")
        except json.JSONDecodeError:
            report = {}
        if not isinstance(report, dict) or "vulnerabilities" not in report:
            message = report.get("message") if isinstance(report, dict) else None
            reason = message or (done.stderr.strip().splitlines()[-1:] or ["no report"])[0]
            project.note(lock, f"npm audit could not run: {reason}")
            continue
        ran = True
        yield from npm_audit_hits(project, package_dir, report)
    if not ran:
        raise Undetermined("npm audit could not run (see notes)")


RULE = Rule(
    id="DEP-001",
    name="dependencies-npm-audit",
    category=Category.DEPENDENCIES,
    severity=Severity.WARNING,
    title="No npm dependencies with known vulnerabilities",
    rationale="""`npm audit` matches the lockfile against the GitHub advisory database. Each finding takes
        its severity from the advisory: critical and high are errors, moderate a warning, low a
        note. Runs only with `--deps` (it needs the registry).""",
    fix="""Upgrade to the fixed version (`npm audit fix`, or bump the direct dependency that pulls it in);
        if no fix exists, replace the package or document the mitigation in `.scalefold.yml`.""",
    check=check,
    needs_deps=True,
)
