"""SEC-001: send security headers (helmet)."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.js.facts import Import, Mark
from scalefold.audit.js.syntax import JsFile
from scalefold.audit.js.visitors import on_import
from scalefold.audit.model import Category, Hit, Severity, Unchecked
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import missing_in_services
from scalefold.audit.rules.security.common import PRESENT, import_mark

_HELMETS = frozenset({"helmet", "@fastify/helmet", "koa-helmet", "hono/secure-headers"})


@on_import(*sorted(_HELMETS))
def _helmet_imported(file: JsFile, imp: Import) -> Iterator[Mark]:
    yield import_mark(file, imp)


def check(project: Project, rule: Rule) -> Iterator[Hit | Unchecked]:
    yield from missing_in_services(
        project,
        rule,
        PRESENT,
        "No security headers: register `@fastify/helmet` (Express: `app.use(helmet())`)",
        "no helmet",
        follow=True,  # a shared base-app package registering helmet protects every app built on it
    )


RULE = Rule(
    id="SEC-001",
    name="security-helmet",
    category=Category.SECURITY,
    severity=Severity.WARNING,
    title="Send security headers (helmet)",
    rationale="""Browsers protect users only when told to: Content-Security-Policy, HSTS,
        X-Content-Type-Options, frame options. Without them an API's error pages and docs are open
        to clickjacking and MIME sniffing.""",
    fix="""Register `@fastify/helmet` (`await app.register(helmet)`) or `app.use(helmet())` in Express,
        before the routes.""",
    check=check,
    visitors=(_helmet_imported,),
)
