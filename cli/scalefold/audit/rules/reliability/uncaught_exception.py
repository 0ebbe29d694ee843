"""REL-002: handle `uncaughtException`: log, then exit."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity, Unchecked
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import missing
from scalefold.audit.rules.reliability.process_events import UNCAUGHT_EXCEPTION, handled


def check(project: Project, rule: Rule) -> Iterator[Hit | Unchecked]:
    for pkg in project.require_services():
        if handled(project, pkg, UNCAUGHT_EXCEPTION) is None:
            yield missing(
                project,
                pkg,
                "No `uncaughtException` handler: add `process.on('uncaughtException', …)` that logs and exits",
                "no uncaughtException handler",
            )


RULE = Rule(
    id="REL-002",
    name="reliability-uncaught-exception",
    category=Category.RELIABILITY,
    severity=Severity.WARNING,
    title="Handle `uncaughtException`: log, then exit",
    rationale="""An exception thrown outside any try/catch kills the process with a bare stack trace on
        stderr, outside the structured logs, so the cause is invisible where you look first.""",
    fix="""`process.on('uncaughtException', (err) => { logger.fatal({ err }, 'uncaught exception');
        process.exit(1) })`; never keep serving after it.""",
    check=check,
)
