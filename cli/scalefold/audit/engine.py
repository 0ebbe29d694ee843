"""Run the catalogue over a project: applicability, findings, suppressions, baseline and scores."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from scalefold.audit import suppressions
from scalefold.audit.baseline import apply_baseline, fingerprint, load_baseline, stale_notes, write_baseline
from scalefold.audit.config import AuditConfig, load_config
from scalefold.audit.files import glob_match
from scalefold.audit.js.syntax import JS_EXTENSIONS
from scalefold.audit.js.visitors import VisitorTable
from scalefold.audit.model import (
    Category,
    Hit,
    Location,
    NotApplicable,
    Severity,
    Status,
    Suppression,
    Unchecked,
    Undetermined,
)
from scalefold.audit.project import Project, unread_reason
from scalefold.audit.registry import DETECTORS, catalogue
from scalefold.audit.results import Finding, InternalError, Report, RuleResult, score
from scalefold.audit.rule import Rule
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


def _findings(
    project: Project, rule: Rule, hits: Iterable[Hit], severity: Severity, overridden: bool
) -> list[Finding]:
    seen: set[tuple[str, int, str]] = set()
    findings: list[Finding] = []
    for hit in hits:
        where = hit.location
        key = (where.path, where.line, hit.message)
        if key in seen:
            continue
        seen.add(key)
        snippet = where.snippet or project.line_text(where.path, where.line) or hit.message
        findings.append(
            Finding(
                rule=rule,
                severity=severity if overridden or hit.severity is None else hit.severity,
                location=Location(where.path, max(1, where.line), snippet),
                message=hit.message,
                fingerprint=fingerprint(rule.id, where.path, snippet),
            )
        )
    return sorted(findings, key=lambda f: (f.path, f.line, f.message))


def _apply_inline(project: Project, findings: list[Finding]) -> None:
    """Suppress the findings an inline comment covers. A comment without a reason, with an `until=`
    that is not a date, or past its date suppresses nothing: the finding stays active at its own
    severity, and a note says why the comment was not honoured."""
    for finding in findings:
        found = suppressions.find(project.lines(finding.path), finding.line, finding.rule_id)
        if found is None:
            continue
        comment = f"line {found.line}: `scalefold-ignore {finding.rule_id}`"
        if not found.reason:
            project.note(finding.path, f"{comment} has no reason, so it is ignored (write `: why`)")
        elif found.until_error is not None:
            project.note(finding.path, f"{comment}: until={found.until_error}, so it is ignored")
        elif found.expired(project.today):
            assert found.until is not None
            project.note(
                finding.path,
                f"{comment} expired on {found.until.isoformat()}: the finding is reported again "
                "(fix it, or renew the comment with a new date and reason)",
            )
        else:
            finding.suppression = Suppression("inline", found.reason, found.until)


def _visitor_error(project: Project, owner: str) -> str | None:
    """The traceback of ``owner``'s first visitor crash, if its visitors ran and one crashed."""
    if "js" not in project.__dict__:  # the sources were never analysed
        return None
    crashes = project.visitor_errors.get(owner)
    if not crashes:
        return None
    path, error = crashes[0]
    more = f" (and on {len(crashes) - 1} more files)" if len(crashes) > 1 else ""
    return f"while analysing {path}{more}:\n{error.traceback}"


def _run_rule(project: Project, rule: Rule, config: AuditConfig, options: AuditOptions) -> RuleResult:
    settings = config.settings(rule.id)
    severity = settings.severity or rule.severity
    if rule.needs_deps and not options.deps:
        return RuleResult(rule, Status.NOT_RUN, severity, reason="runs with --deps")
    project.begin_rule()
    try:
        items = list(rule.check(project, rule))
    except NotApplicable as exc:
        return RuleResult(rule, Status.NOT_APPLICABLE, severity, reason=exc.reason)
    except Undetermined as exc:
        return RuleResult(rule, Status.UNDETERMINED, severity, reason=exc.reason)
    except Exception as exc:  # noqa: BLE001 - a bug in one rule must not hide the others' results
        return RuleResult(
            rule,
            Status.ERROR,
            severity,
            reason=f"the rule crashed ({exc.__class__.__name__}: {exc}); please report it",
            error=traceback.format_exc(),
        )
    crash = _visitor_error(project, rule.id)
    if crash is not None:
        return RuleResult(
            rule,
            Status.ERROR,
            severity,
            reason="a visitor of the rule crashed; please report it",
            error=crash,
        )
    findings = _findings(
        project, rule, (i for i in items if isinstance(i, Hit)), severity, settings.severity is not None
    )
    unknown = [i.reason for i in items if isinstance(i, Unchecked)]
    unread = project.unread_consulted()
    if unread:
        unknown.append(unread_reason(unread))
    if rule.advice:  # a suggestion, reported apart: never a finding, a failure or a lower score
        return RuleResult(rule, Status.PASS, severity, advice=findings, reason="; ".join(unknown))
    _apply_inline(project, findings)
    for finding in findings:
        if finding.active and settings.suppresses(finding.path):
            finding.suppression = Suppression("config", settings.reason, settings.until)
    return RuleResult(rule, Status.PASS, severity, findings, reason="; ".join(unknown))


def _settle(result: RuleResult, config: AuditConfig) -> None:
    """The final status of a rule that ran, once every suppression (baseline included) is known."""
    if result.status is not Status.PASS:
        return
    settings = config.settings(result.rule.id)
    if settings.disabled:
        result.status, result.reason = Status.DISABLED, settings.reason
    elif result.active_findings:
        result.status = Status.FAIL
    elif result.reason:  # nothing found, but part of what it checks could not be read
        result.status = Status.UNDETERMINED


def _nothing_to_audit(project: Project, root: Path) -> UsageError:
    if any(rel.endswith(JS_EXTENSIONS) for rel in project.files):
        return UsageError(
            f"nothing to audit in {root}: JavaScript/TypeScript files but no package.json "
            "(point scalefold check at the project's root)"
        )
    return UsageError(f"nothing to audit in {root}: no package.json and no JavaScript or TypeScript source")


def _config_label(root: Path, config: AuditConfig) -> str:
    """The configuration file as notes name it: relative to the audited folder when inside it."""
    if config.path is None:
        return "."
    try:
        return config.path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return config.path.name


def _judged(results: list[RuleResult], config: AuditConfig) -> Callable[[str, str], bool]:
    """Whether this run looked at a file with a rule: it ran to the end and the file was not excluded."""
    complete = {r.rule.id for r in results if r.status is Status.PASS and not r.reason}

    def judged(rule_id: str, path: str) -> bool:
        return (
            rule_id in complete
            and not config.settings(rule_id).suppresses(path)
            and not any(glob_match(e.path, path) for e in config.exclude)
        )

    return judged


def run_audit(root: Path, options: AuditOptions | None = None) -> Report:
    options = options or AuditOptions()
    if not root.exists():
        raise UsageError(f"no such directory: {root}")
    if not root.is_dir():
        raise UsageError(f"not a directory: {root}")
    started = time.perf_counter()
    today = options.today or date.today()
    config = load_config(root, options.config)
    expired = config.expire(today)
    baseline = load_baseline(options.baseline) if options.baseline is not None else None
    selected = [r for r in catalogue() if options.rules is None or r.id in options.rules]
    running = [r for r in selected if options.deps or not r.needs_deps]
    table = VisitorTable.build(
        [(d.id, d.visitors) for d in DETECTORS] + [(r.id, r.visitors) for r in running]
    )
    project = Project(
        root,
        visitors=table,
        exclude=tuple(e.path for e in config.exclude),
        today=today,
        jobs=options.jobs,
        command_runner=options.command_runner,
    )
    if not project.packages:
        raise _nothing_to_audit(project, root)
    for message in expired:
        project.note(_config_label(root, config), message)
    results = [_run_rule(project, rule, config, options) for rule in selected]
    internal = [
        InternalError(detector.id, path, error.traceback)
        for detector in DETECTORS
        for path, error in (project.visitor_errors.get(detector.id, []) if "js" in project.__dict__ else [])
    ]
    report = Report(
        root=root,
        results=results,
        notes=project.notes,
        files=len(project.files),
        seconds=0.0,
        config=config,
        excluded=project.tree.excluded,
        internal_errors=internal,
    )
    if options.write_baseline is not None:
        report.baseline_written = write_baseline(options.write_baseline, report.active_findings)
        baseline = load_baseline(options.write_baseline)
    if baseline is not None:
        use = apply_baseline(report.findings, baseline, _judged(results, config))
        for path, message in stale_notes(baseline, use):
            project.note(path, message)
    for result in results:
        _settle(result, config)
    report.scores = {c: score(results, c) for c in Category}
    report.overall = score(results)
    report.seconds = time.perf_counter() - started
    return report
