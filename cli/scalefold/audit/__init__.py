"""The auditor behind `scalefold check` and `scalefold rules`.

`run_audit(path, AuditOptions(...))` returns a `Report`; `scalefold.audit.report` renders it as a
Rich table, JSON, SARIF, JUnit or Markdown. The rules are listed in `scalefold.audit.registry`.

The names below are loaded on first use, so importing one module of the package (a parser, the
model) does not load the whole catalogue.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scalefold.audit.engine import AuditOptions as AuditOptions
    from scalefold.audit.engine import run_audit as run_audit
    from scalefold.audit.registry import catalogue as catalogue
    from scalefold.audit.registry import get_rule as get_rule
    from scalefold.audit.results import Report as Report
    from scalefold.audit.results import exit_code as exit_code

_EXPORTS = {
    "AuditOptions": "scalefold.audit.engine",
    "run_audit": "scalefold.audit.engine",
    "Report": "scalefold.audit.results",
    "exit_code": "scalefold.audit.results",
    "catalogue": "scalefold.audit.registry",
    "get_rule": "scalefold.audit.registry",
}

__all__ = ["AuditOptions", "Report", "catalogue", "exit_code", "get_rule", "run_audit"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'scalefold.audit' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
