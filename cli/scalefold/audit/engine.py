"""Run the catalogue over a project: applicability, findings, suppressions, baseline and scores."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from scalefold.audit import suppressions
from scalefold.audit.baseline import apply_baseline, fingerprint, load_baseline, write_baseline
from scalefold.audit.config import AuditConfig, load_config
from scalefold.audit.model import (
    Category,
    Finding,
    NotApplicable,
    Note,
    Rule,
    RuleResult,
    Severity,
    Status,
    Suppression,
)
from scalefold.audit.project import Project
from scalefold.audit.registry import catalogue
from scalefold.errors import UsageError


@dataclass
class AuditOptions:
    deps: bool = False
    config: Path | None = None
    baseline: Path | None = None
    write_baseline: Path | None = None
    rules: frozenset[str] | None = None  # only these rule ids
    today: date | None = None
    jobs: int | None = None
    command_runner: Callable[..., object] | None = None  # replaces npm/pip-audit (tests)


@dataclass
class CategoryScore:
    category: Category | None  # None for the overall score
    score: float | None  # 0–10, None when no rule applied
    passed: int = 0
    failed: int = 0
    not_applicable: int = 0


@dataclass
class Report:
    root: Path
    results: list[RuleResult]
    notes: list[Note]
    files: int
    seconds: float
    config: AuditConfig
    excluded: int = 0
    baseline_written: int | None = None
    scores: dict[Category, CategoryScore] = field(default_factory=dict)
    overall: CategoryScore | None = None

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    @property
    def active_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.active]

    def counts(self) -> dict[str, int]:
        active = self.active_findings
        return {
            "error": sum(f.severity is Severity.ERROR for f in active),
            "warning": sum(f.severity is Severity.WARNING for f in active),
            "note": sum(f.severity is Severity.NOTE for f in active),
            "suppressed": sum(not f.active for f in self.findings),
        }


def score(results: list[RuleResult], category: Category | None = None) -> CategoryScore:
    """Weighted share of applicable rules that pass, on 0–10 (error 5, warning 3, note 1)."""
    scored = [r for r in results if category is None or r.rule.category is category]
    applicable = [r for r in scored if r.status in {Status.PASS, Status.FAIL}]
    total = sum(r.severity.weight for r in applicable)
    passing = sum(r.severity.weight for r in applicable if r.status is Status.PASS)
    return CategoryScore(
        category=category,
        score=round(10 * passing / total, 1) if total else None,
        passed=sum(r.status is Status.PASS for r in scored),
        failed=sum(r.status is Status.FAIL for r in scored),
        not_applicable=sum(
            r.status in {Status.NOT_APPLICABLE, Status.NOT_RUN, Status.DISABLED} for r in scored
        ),
    )


def _findings(project: Project, rule: Rule, severity: Severity, overridden: bool) -> list[Finding]:
    seen: set[tuple[str, int, str]] = set()
    findings: list[Finding] = []
    for hit in rule.check(project):
        key = (hit.path, hit.line, hit.message)
        if key in seen:
            continue
        seen.add(key)
        snippet = hit.snippet or project.line_text(hit.path, hit.line) or hit.message
        findings.append(
            Finding(
                rule_id=rule.id,
                severity=severity if overridden or hit.severity is None else hit.severity,
                path=hit.path,
                line=max(1, hit.line),
                message=hit.message,
                snippet=snippet,
                fingerprint=fingerprint(rule.id, hit.path, snippet),
            )
        )
    return sorted(findings, key=lambda f: (f.path, f.line, f.message))


def _apply_inline(project: Project, findings: list[Finding]) -> None:
    for finding in findings:
        found = suppressions.find(project.lines(finding.path), finding.line, finding.rule_id)
        if found is None:
            continue
        if not found.reason:
            project.note(
                finding.path,
                f"line {found.line}: `scalefold-ignore {finding.rule_id}` "
                "has no reason, so it is ignored (write `: why`)",
            )
            continue
        finding.suppression = Suppression("inline", found.reason)


def run_audit(root: Path, options: AuditOptions | None = None) -> Report:
    options = options or AuditOptions()
    if not root.exists():
        raise UsageError(f"no such directory: {root}")
    if not root.is_dir():
        raise UsageError(f"not a directory: {root}")
    started = time.perf_counter()
    config = load_config(root, options.config)
    baseline = load_baseline(options.baseline) if options.baseline is not None else None
    project = Project(
        root,
        exclude=tuple(e.path for e in config.exclude),
        today=options.today,
        jobs=options.jobs,
        command_runner=options.command_runner,
    )
    results: list[RuleResult] = []
    for rule in catalogue():
        if options.rules is not None and rule.id not in options.rules:
            continue
        settings = config.settings(rule.id)
        severity = settings.severity or rule.severity
        if rule.needs_deps and not options.deps:
            results.append(RuleResult(rule, Status.NOT_RUN, severity, reason="runs with --deps"))
            continue
        try:
            findings = _findings(project, rule, severity, settings.severity is not None)
        except NotApplicable as exc:
            results.append(RuleResult(rule, Status.NOT_APPLICABLE, severity, reason=exc.reason))
            continue
        except Exception as exc:  # noqa: BLE001 - a bug in one rule must not hide the others' results
            project.note(".", f"rule {rule.id} failed ({exc.__class__.__name__}: {exc}); please report it")
            results.append(
                RuleResult(rule, Status.NOT_APPLICABLE, severity, reason="internal error (see notes)")
            )
            continue
        _apply_inline(project, findings)
        if not settings.enabled:
            for finding in findings:
                if finding.active:
                    finding.suppression = Suppression("config", settings.reason)
        results.append(
            RuleResult(
                rule, Status.PASS, severity, findings, reason=settings.reason if not settings.enabled else ""
            )
        )
    report = Report(
        root=root,
        results=results,
        notes=project.notes,
        files=len(project.files),
        seconds=0.0,
        config=config,
        excluded=project.tree.excluded,
    )
    if options.write_baseline is not None:
        report.baseline_written = write_baseline(options.write_baseline, report.active_findings)
        baseline = load_baseline(options.write_baseline)
        label = options.write_baseline.name
    else:
        label = options.baseline.name if options.baseline is not None else ""
    if baseline is not None:
        for result in results:
            apply_baseline(result.findings, baseline, label)
    for result in results:
        if result.status is Status.PASS:
            if not config.settings(result.rule.id).enabled:
                result.status = Status.DISABLED
            elif result.active_findings:
                result.status = Status.FAIL
    report.scores = {c: score(results, c) for c in Category}
    report.overall = score(results)
    report.seconds = time.perf_counter() - started
    return report


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def exit_code(report: Report, fail_on: str) -> int:
    """1 when an active finding is at or above ``fail_on`` ("error", "warning", "note" or "never")."""
    if fail_on == "never":
        return 0
    threshold = Severity(fail_on).rank
    return 1 if any(f.severity.rank >= threshold for f in report.active_findings) else 0
