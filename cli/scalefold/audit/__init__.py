"""The auditor behind `scalefold check` and `scalefold rules`.

`run_audit(path, AuditOptions(...))` returns a `Report`; `scalefold.audit.report` renders it as a
Rich table, JSON, SARIF, JUnit or Markdown. The rules are listed in `scalefold.audit.catalogue`.
"""

from scalefold.audit.catalogue import catalogue, get_rule
from scalefold.audit.engine import AuditOptions, run_audit
from scalefold.audit.results import Report, exit_code

__all__ = ["AuditOptions", "Report", "catalogue", "exit_code", "get_rule", "run_audit"]
