"""The auditor behind `scalefold check` and `scalefold rules`.

`run_audit(path, AuditOptions(...))` returns a `Report`; `scalefold.audit.report` renders it as a
Rich table, JSON, SARIF, JUnit or Markdown.
"""

from scalefold.audit.engine import AuditOptions, Report, exit_code, run_audit
from scalefold.audit.registry import catalogue, get_rule

__all__ = ["AuditOptions", "Report", "catalogue", "exit_code", "get_rule", "run_audit"]
