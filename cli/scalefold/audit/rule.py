"""What a rule is: its metadata, its visitors and its check, in one object.

Each rule lives in one module of ``scalefold.audit.rules.<category>`` that builds one ``Rule``;
``scalefold.audit.registry`` lists them all explicitly. A rule's check receives the project and
the rule itself, and returns ``Hit`` objects (violations), ``Unchecked`` objects (parts it could not
judge), or raises ``NotApplicable`` / ``Undetermined``. What the rule's visitors found while the
sources were analysed is read back with ``project.source_hits(rule)`` and ``project.mark(rule, …)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scalefold.audit.js.visitors import Visitor
from scalefold.audit.model import Category, Hit, Severity, Unchecked

if TYPE_CHECKING:
    from scalefold.audit.fix.model import Change, FixContext
    from scalefold.audit.project import Project
    from scalefold.audit.results import Finding

CheckFn = Callable[["Project", "Rule"], Iterable[Hit | Unchecked]]
# `scalefold check --fix`: fixes every finding of the rule in the finding's file (fix/model.py).
FixFn = Callable[["FixContext", "Finding"], "Change"]


@dataclass(frozen=True)
class Detector:
    """Visitors whose marks several rules read (where the server is created, process listeners)."""

    id: str
    visitors: tuple[Visitor, ...]


@dataclass(frozen=True)
class Rule:
    id: str  # stable: "SEC-002"
    name: str  # a readable slug, e.g. ``security-cors-allow-list``
    category: Category
    severity: Severity
    title: str
    rationale: str
    fix: str
    check: CheckFn = field(repr=False, compare=False)
    visitors: tuple[Visitor, ...] = field(default=(), repr=False, compare=False)
    needs_deps: bool = False  # only runs with ``--deps``
    fixer: FixFn | None = field(default=None, repr=False, compare=False)  # when the fix is mechanical
    references: tuple[str, ...] = ()
    # Advice ("consider a cache layer") is printed apart from the findings: it is no defect.
    advice: bool = False

    def __post_init__(self) -> None:
        # The texts are written as indented triple-quoted strings; the catalogue shows them on one line.
        object.__setattr__(self, "rationale", " ".join(self.rationale.split()))
        object.__setattr__(self, "fix", " ".join(self.fix.split()))
