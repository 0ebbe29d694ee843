"""SEC-010: handle errors in one central error handler."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity, Unchecked
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import missing
from scalefold.audit.rules.security.error_handlers import CENTRAL_BY_DEFAULT, ERROR_HANDLERS, HANDLER


def check(project: Project, rule: Rule) -> Iterator[Hit | Unchecked]:
    for pkg in project.require_services():
        if pkg.framework in CENTRAL_BY_DEFAULT:
            continue
        if project.mark(ERROR_HANDLERS, pkg, HANDLER, follow=True) is None:
            yield missing(
                project,
                pkg,
                "No central error handler: add `app.setErrorHandler(...)` that logs and returns a generic body",
                "no error handler",
            )


RULE = Rule(
    id="SEC-010",
    name="security-central-error-handler",
    category=Category.SECURITY,
    severity=Severity.WARNING,
    title="Handle errors in one central error handler",
    rationale="""Errors caught route by route are logged (or not) and answered differently each time. One
        handler logs every failure with the request id and turns it into a consistent, generic
        response.""",
    fix="""Register `app.setErrorHandler((error, request, reply) => { request.log.error({ err: error });
        … })` (Express: a final `app.use((err, req, res, next) => …)`).""",
    check=check,
)
