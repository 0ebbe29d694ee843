"""The auditor's vocabulary: severities, categories, rules, findings and results."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scalefold.audit.project import Project


class Severity(str, Enum):
    """How bad a finding is. Ordered: ``note < warning < error``."""

    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @property
    def weight(self) -> int:
        """Weight of a rule of this severity in the score (see docs/rules/README.md)."""
        return _SEVERITY_WEIGHT[self]


_SEVERITY_RANK = {Severity.NOTE: 1, Severity.WARNING: 2, Severity.ERROR: 3}
_SEVERITY_WEIGHT = {Severity.NOTE: 1, Severity.WARNING: 3, Severity.ERROR: 5}


class Category(str, Enum):
    DOCKER = "docker"
    CI = "ci"
    SECURITY = "security"
    OBSERVABILITY = "observability"
    PERFORMANCE = "performance"
    RELIABILITY = "reliability"
    ARCHITECTURE = "architecture"
    KUBERNETES = "kubernetes"
    DEPENDENCIES = "dependencies"


class Status(str, Enum):
    """What happened to one rule in one run."""

    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    DISABLED = "disabled"  # switched off in .scalefold.yml (its findings still show, suppressed)
    NOT_RUN = "not_run"  # needs an option that was not given (``--deps``)


@dataclass(frozen=True)
class Hit:
    """What a rule's check reports: where, what to change, and the code it flagged."""

    path: str
    line: int
    message: str
    snippet: str = ""  # the flagged code; the baseline fingerprint is taken from it
    severity: Severity | None = None  # overrides the rule's default for this one finding


class NotApplicable(Exception):
    """Raised by a check when the project has nothing the rule looks at."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


CheckFn = Callable[["Project"], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    id: str
    name: str  # a readable slug, e.g. ``docker-non-root``
    category: Category
    severity: Severity
    title: str
    rationale: str
    fix: str
    check: CheckFn = field(repr=False, compare=False)
    needs_deps: bool = False  # only runs with ``--deps``
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suppression:
    kind: str  # "inline" | "config" | "baseline"
    reason: str


@dataclass
class Finding:
    rule_id: str
    severity: Severity
    path: str  # POSIX path relative to the audited root
    line: int
    message: str
    snippet: str
    fingerprint: str = ""
    suppression: Suppression | None = None

    @property
    def active(self) -> bool:
        return self.suppression is None


@dataclass
class RuleResult:
    rule: Rule
    status: Status
    severity: Severity  # the effective severity (after .scalefold.yml overrides)
    findings: list[Finding] = field(default_factory=list)
    reason: str = ""  # why it is not applicable, disabled or not run

    @property
    def active_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.active]


@dataclass(frozen=True)
class Note:
    """Something the auditor skipped or could not read; never a failure."""

    path: str
    message: str
