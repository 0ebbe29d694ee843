"""REL-001: handle `unhandledRejection`: log, then exit."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity, Unchecked
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import missing
from scalefold.audit.rules.reliability.process_events import UNHANDLED_REJECTION, handled


def check(project: Project, rule: Rule) -> Iterator[Hit | Unchecked]:
    for pkg in project.require_services():
        if handled(project, pkg, UNHANDLED_REJECTION) is None:
            yield missing(
                project,
                pkg,
                "No `unhandledRejection` handler: add `process.on('unhandledRejection', …)` that logs and exits",
                "no unhandledRejection handler",
            )


RULE = Rule(
    id="REL-001",
    name="reliability-unhandled-rejection",
    category=Category.RELIABILITY,
    severity=Severity.WARNING,
    title="Handle `unhandledRejection`: log, then exit",
    rationale="""A rejected promise nobody awaited leaves the process in an unknown state. Node 15+ crashes
        without logging through your logger; the right move is to log the reason with context and
        exit so the supervisor starts a clean process.""",
    fix="""`process.on('unhandledRejection', (reason) => { logger.fatal({ err: reason }, 'unhandled
        rejection'); process.exit(1) })` (after closing what you can).""",
    check=check,
)
