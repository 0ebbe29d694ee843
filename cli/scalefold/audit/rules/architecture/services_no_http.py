"""ARCH-002: services do not depend on the HTTP framework."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.architecture.layers import layer_violations


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    yield from layer_violations(
        project,
        "service",
        {"http", "routes"},
        "take plain values and throw domain errors; map them to HTTP in the routes",
    )


RULE = Rule(
    id="ARCH-002",
    name="architecture-services-no-http",
    category=Category.ARCHITECTURE,
    severity=Severity.NOTE,  # a layering heuristic: under 0.9 precision on the labelled corpus
    title="Services do not depend on the HTTP framework",
    rationale="""Business logic that takes a `FastifyRequest` or throws `httpErrors.NotFound` can only be
        reused from HTTP: not from the worker, a queue consumer or a CLI, and not when the module is
        extracted into its own service.""",
    fix="""Pass plain values into services and throw domain errors (`OrderNotFound`); map them to status
        codes in the routes or the central error handler.""",
    check=check,
)
