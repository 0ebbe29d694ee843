"""The auditor's vocabulary: severities, categories, statuses, locations and what checks report."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import Enum


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
        """Weight of a rule of this severity in the score (see docs/auditor.md)."""
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
    UNDETERMINED = "undetermined"  # could not decide (an input it needs could not be read)
    ERROR = "error"  # the rule crashed: a bug in scalefold, never a pass
    NOT_APPLICABLE = "not_applicable"
    DISABLED = "disabled"  # switched off in .scalefold.yml (its findings still show, suppressed)
    NOT_RUN = "not_run"  # needs an option that was not given (``--deps``)


# Statuses that count in the score: a rule that could not decide, or crashed, is not a pass.
SCORED = frozenset({Status.PASS, Status.FAIL, Status.UNDETERMINED, Status.ERROR})
# Statuses of rules that did not judge the project at all.
UNSCORED = frozenset({Status.NOT_APPLICABLE, Status.NOT_RUN, Status.DISABLED})


@dataclass(frozen=True)
class Location:
    """A place in the audited tree, and the code found there."""

    path: str  # POSIX path relative to the audited root
    line: int  # 1-based
    snippet: str = ""  # the flagged code; a baseline fingerprints it (empty: the line's text)

    def with_snippet(self, snippet: str) -> Location:
        """The same place, fingerprinted by ``snippet`` (a label for something missing)."""
        return replace(self, snippet=snippet)


@dataclass(frozen=True)
class Hit:
    """One violation a rule reports: where, and what to change."""

    location: Location
    message: str
    severity: Severity | None = None  # overrides the rule's default for this one finding


@dataclass(frozen=True)
class Unchecked:
    """Part of the project a check could not judge, and why; the rule is then undetermined."""

    reason: str


class NotApplicable(Exception):
    """Raised by a check when the project has nothing the rule looks at."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Undetermined(Exception):
    """Raised by a check that cannot decide at all (what it needs could not be read or run)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Suppression:
    kind: str  # "inline" | "config" | "baseline"
    reason: str
    until: date | None = None  # the last day it suppresses, when it expires


@dataclass(frozen=True)
class Note:
    """Something the auditor skipped or could not read; never a failure by itself."""

    path: str
    message: str
