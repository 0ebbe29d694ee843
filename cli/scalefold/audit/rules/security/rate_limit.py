"""SEC-003: rate-limit requests."""

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

_RATE_LIMITERS = frozenset(
    {
        "@fastify/rate-limit",
        "express-rate-limit",
        "rate-limiter-flexible",
        "@nestjs/throttler",
        "koa-ratelimit",
        "hono-rate-limiter",
        "express-slow-down",
        "@hapi/ratelimit",
    }
)


@on_import(*sorted(_RATE_LIMITERS))
def _rate_limiter_imported(file: JsFile, imp: Import) -> Iterator[Mark]:
    yield import_mark(file, imp)


def check(project: Project, rule: Rule) -> Iterator[Hit | Unchecked]:
    yield from missing_in_services(
        project,
        rule,
        PRESENT,
        "No rate limiting: register `@fastify/rate-limit` (Express: `express-rate-limit`)",
        "no rate limit",
        follow=True,  # a shared base-app package registering the limit protects every app built on it
    )


RULE = Rule(
    id="SEC-003",
    name="security-rate-limit",
    category=Category.SECURITY,
    severity=Severity.WARNING,
    title="Rate-limit requests",
    rationale="""Without a limit one client (or a credential-stuffing botnet) can exhaust the database
        pool, brute-force logins and run up the bill. A limit per client keeps the service fair and
        up.""",
    fix="""Register `@fastify/rate-limit` (Redis-backed when you run several instances) or
        `express-rate-limit`; give the login route a stricter limit.""",
    check=check,
    visitors=(_rate_limiter_imported,),
)
