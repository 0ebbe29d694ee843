"""ARCH-003: repositories depend on nothing above them."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.architecture.layers import layer_violations


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    yield from layer_violations(
        project,
        "repository",
        {"http", "routes", "service"},
        "keep the repository to data access; let the service call it",
    )


RULE = Rule(
    id="ARCH-003",
    name="architecture-repositories-data-only",
    category=Category.ARCHITECTURE,
    severity=Severity.WARNING,
    title="Repositories depend on nothing above them",
    rationale="""A repository that imports a service or the HTTP layer creates a cycle between layers:
        changes ripple both ways and the data access can no longer be tested or reused alone.""",
    fix="""Have the service call the repository, never the reverse; share types through a module's
        `*.types.ts` file.""",
    check=check,
)
