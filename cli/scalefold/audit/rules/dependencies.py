"""Dependency rules (`--deps`): known vulnerabilities from npm audit and pip-audit."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scalefold.audit.model import Category, Hit, NotApplicable, Severity
from scalefold.audit.project import Project
from scalefold.audit.registry import rule

DEPENDENCIES = Category.DEPENDENCIES
AUDIT_TIMEOUT_SECONDS = 180


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: str
    stderr: str


Runner = Callable[[list[str], Path], Completed]


def run_command(args: list[str], cwd: Path) -> Completed:
    """Run an audit tool; a missing tool or a timeout comes back as a failed run, never an exception."""
    try:
        done = subprocess.run(
            args, cwd=cwd, capture_output=True, text=True, timeout=AUDIT_TIMEOUT_SECONDS, check=False
        )
    except FileNotFoundError:
        return Completed(127, "", f"{args[0]} not found")
    except subprocess.TimeoutExpired:
        return Completed(124, "", f"{args[0]} timed out after {AUDIT_TIMEOUT_SECONDS} s")
    return Completed(done.returncode, done.stdout, done.stderr)


def runner_for(project: Project) -> Runner:
    return project.command_runner or run_command


_NPM_SEVERITY = {
    "critical": Severity.ERROR,
    "high": Severity.ERROR,
    "moderate": Severity.WARNING,
    "low": Severity.NOTE,
    "info": Severity.NOTE,
}


def _lock_line(project: Project, lock: str, name: str) -> int:
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
            path,
            line,
            f"{name} {entry.get('range', '')}: {titles} ({entry.get('severity')}): {advice}",
            f"npm {name} {' '.join(ids)}",
            severity,
        )


@rule(
    "DEP-001",
    "dependencies-npm-audit",
    DEPENDENCIES,
    Severity.WARNING,
    "No npm dependencies with known vulnerabilities",
    rationale="""`npm audit` matches the lockfile against the GitHub advisory database. Each finding takes
        its severity from the advisory: critical and high are errors, moderate a warning, low a
        note. Runs only with `--deps` (it needs the registry).""",
    fix="""Upgrade to the fixed version (`npm audit fix`, or bump the direct dependency that pulls it in);
        if no fix exists, replace the package or document the mitigation in `.scalefold.yml`.""",
    needs_deps=True,
)
def npm_audit(project: Project) -> Iterator[Hit]:
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
            reason = message or done.stderr.strip().splitlines()[-1:] or ["no report"]
            project.note(lock, f"npm audit could not run: {reason if isinstance(reason, str) else reason[0]}")
            continue
        ran = True
        yield from npm_audit_hits(project, package_dir, report)
    if not ran:
        raise NotApplicable("npm audit could not run (see notes)")


_REQUIREMENTS = re.compile(r"(?:^|/)requirements[\w.-]*\.txt$")


def _requirement_line(project: Project, rel: str, name: str) -> int:
    wanted = re.sub(r"[-_.]+", "-", name).lower()
    for number, line in enumerate(project.lines(rel), start=1):
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line)
        if match and re.sub(r"[-_.]+", "-", match.group(1)).lower() == wanted:
            return number
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
                manifest,
                line,
                f"{name} {version}: {vid} (fixed in {fixes}): upgrade {name}",
                f"pip {name} {vid}",
            )


@rule(
    "DEP-002",
    "dependencies-pip-audit",
    DEPENDENCIES,
    Severity.WARNING,
    "No Python dependencies with known vulnerabilities",
    rationale="""Node backends often carry Python tooling (scripts, data jobs, a sidecar). pip-audit checks
        `requirements*.txt` and `pyproject.toml` against the Python advisory database. Runs only with
        `--deps`.""",
    fix="""Upgrade the package to a fixed version (pip-audit lists them) and re-pin it.""",
    needs_deps=True,
)
def pip_audit(project: Project) -> Iterator[Hit]:
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
            args, cwd = base + ["--requirement", manifest], project.root
        else:
            folder = manifest[: -len("pyproject.toml")].rstrip("/") or "."
            args, cwd = base + [folder], project.root
        done = runner(args, cwd)
        try:
            report = json.loads(done.stdout or "")
        except json.JSONDecodeError:
            tail = done.stderr.strip().splitlines()[-1:] or ["no report"]
            project.note(manifest, f"pip-audit could not run: {tail[0]}")
            continue
        ran = True
        yield from pip_audit_hits(project, manifest, report if isinstance(report, dict) else {})
    if not ran:
        raise NotApplicable("pip-audit could not run (see notes)")
