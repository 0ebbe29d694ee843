"""ARCH-001: routes do not touch the database."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.architecture.layers import layer_violations


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    yield from layer_violations(
        project, "routes", {"db", "repository"}, "call a service instead and keep SQL in the repository"
    )


RULE = Rule(
    id="ARCH-001",
    name="architecture-routes-no-database",
    category=Category.ARCHITECTURE,
    severity=Severity.NOTE,  # a layering heuristic: under 0.9 precision on the labelled corpus
    title="Routes do not touch the database",
    rationale="""When handlers run SQL, business rules end up duplicated across routes and cannot be
        tested without HTTP. Routes should only translate HTTP to a service call and back. (Checked
        when the project follows the routes/service/repository layout.)""",
    fix="""Move the query into the module's repository, call it from the service, and have the route call
        the service.""",
    check=check,
)
