"""CI-007: declare least-privilege `permissions` for the workflow token."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Location, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for workflow in project.require_workflows():
        if workflow.has_permissions:
            if workflow.permissions == "write-all":
                yield Hit(
                    Location(workflow.path, workflow.permissions_line, "permissions write-all"),
                    "`permissions: write-all` gives every job full access: list only the scopes needed",
                )
        elif not all(job.has_permissions for job in workflow.jobs.values()):
            yield Hit(
                Location(workflow.path, workflow.on_line, "no permissions block"),
                "No `permissions:` block: add `permissions: { contents: read }` at the top",
            )
        for job in workflow.jobs.values():
            if job.permissions == "write-all":
                yield Hit(
                    Location(workflow.path, job.line, f"job {job.id} permissions write-all"),
                    f"Job `{job.id}` has `permissions: write-all`: list only the scopes it needs",
                )


RULE = Rule(
    id="CI-007",
    name="ci-least-privilege",
    category=Category.CI,
    severity=Severity.WARNING,
    title="Declare least-privilege `permissions` for the workflow token",
    rationale="""Without `permissions`, the `GITHUB_TOKEN` gets the repository default, often write access
        to contents, packages and pull requests. A compromised dependency or action in any step can
        then push code or publish packages.""",
    fix="""Add `permissions: { contents: read }` at the top of the workflow and grant more (e.g.
        `security-events: write` for SARIF upload) only on the jobs that need it.""",
    check=check,
)
