"""Upgrading a generated project to a later template version, keeping the team's work.

:func:`plan_update` checks and resolves everything while nothing is written; :func:`run_update` runs
Copier's three-way update in a scratch clone and brings the result back (or, pretending, reports it).
"""

from scalefold.upgrade.apply import ChangeKind, FileChange, UpdateResult, run_update
from scalefold.upgrade.conflicts import Conflict, ConflictKind
from scalefold.upgrade.plan import UpdatePlan, UpdateRequest, plan_update

__all__ = [
    "ChangeKind",
    "Conflict",
    "ConflictKind",
    "FileChange",
    "UpdatePlan",
    "UpdateRequest",
    "UpdateResult",
    "plan_update",
    "run_update",
]
