"""What an audit produces: findings, one result per rule, scores, and the exit code they mean."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scalefold.audit.config import AuditConfig
from scalefold.audit.model import SCORED, UNSCORED, Category, Location, Note, Severity, Status, Suppression
from scalefold.audit.rule import Rule


@dataclass
class Finding:
    rule: Rule
    severity: Severity
    location: Location  # its snippet is the code the fingerprint was taken from
    message: str
    fingerprint: str = ""
    suppression: Suppression | None = None

    @property
    def rule_id(self) -> str:
        return self.rule.id

    @property
    def path(self) -> str:
        return self.location.path

    @property
    def line(self) -> int:
        return self.location.line

    @property
    def snippet(self) -> str:
        return self.location.snippet

    @property
    def active(self) -> bool:
        return self.suppression is None


@dataclass
class RuleResult:
    rule: Rule
    status: Status
    severity: Severity  # the effective severity (after .scalefold.yml overrides)
    findings: list[Finding] = field(default_factory=list)
    reason: str = ""  # why it is not applicable, undetermined, disabled or not run
    advice: list[Finding] = field(default_factory=list)  # what an advice rule suggests (rule.advice)
    error: str | None = None  # the traceback of a rule that crashed

    @property
    def active_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.active]


@dataclass(frozen=True)
class InternalError:
    """A crash outside any one rule (a detector shared by several rules)."""

    source: str
    path: str
    traceback: str


@dataclass
class CategoryScore:
    category: Category | None  # None for the overall score
    score: float | None  # 0–10, None when no rule applied
    passed: int = 0
    failed: int = 0
    not_applicable: int = 0
    undetermined: int = 0
    errors: int = 0


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
    internal_errors: list[InternalError] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    @property
    def active_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.active]

    @property
    def advice(self) -> list[Finding]:
        """Suggestions of the advice rules: printed apart, never findings."""
        return [a for r in self.results for a in r.advice]

    @property
    def crashed(self) -> list[RuleResult]:
        return [r for r in self.results if r.status is Status.ERROR]

    def counts(self) -> dict[str, int]:
        active = self.active_findings
        return {
            "error": sum(f.severity is Severity.ERROR for f in active),
            "warning": sum(f.severity is Severity.WARNING for f in active),
            "note": sum(f.severity is Severity.NOTE for f in active),
            "suppressed": sum(not f.active for f in self.findings),
        }


def score(results: list[RuleResult], category: Category | None = None) -> CategoryScore:
    """Weighted share of the judged rules that pass, on 0–10 (error 5, warning 3, note 1).

    A rule that could not decide, or crashed, counts as judged and not passing: an unreadable
    input or a bug never raises the score.
    """
    scored = [r for r in results if category is None or r.rule.category is category]
    judged = [r for r in scored if r.status in SCORED]
    total = sum(r.severity.weight for r in judged)
    passing = sum(r.severity.weight for r in judged if r.status is Status.PASS)
    return CategoryScore(
        category=category,
        score=round(10 * passing / total, 1) if total else None,
        passed=sum(r.status is Status.PASS for r in scored),
        failed=sum(r.status is Status.FAIL for r in scored),
        not_applicable=sum(r.status in UNSCORED for r in scored),
        undetermined=sum(r.status is Status.UNDETERMINED for r in scored),
        errors=sum(r.status is Status.ERROR for r in scored),
    )


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def fails(finding: Finding, fail_on: str) -> bool:
    """Whether an active finding reaches ``fail_on`` ("error", "warning", "note" or "never")."""
    return fail_on != "never" and finding.active and finding.severity.rank >= Severity(fail_on).rank


def exit_code(report: Report, fail_on: str) -> int:
    """2 when a rule crashed; else 1 when an active finding reaches ``fail_on``; else 0."""
    if report.crashed or report.internal_errors:
        return 2
    return 1 if any(fails(f, fail_on) for f in report.active_findings) else 0
