"""CI-005: deploy to production through a protected environment."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Location, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.ci.common import is_production_environment, production_jobs


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for workflow, job in production_jobs(project):
        if not is_production_environment(job.environment):
            yield Hit(
                Location(workflow.path, job.line, f"production job {job.id} without environment"),
                f"Job `{job.id}` deploys to production without `environment: "
                "production`: add it and protect the environment",
            )


RULE = Rule(
    id="CI-005",
    name="ci-production-environment",
    category=Category.CI,
    severity=Severity.WARNING,
    title="Deploy to production through a protected environment",
    rationale="""A GitHub environment is where required reviewers, wait timers, branch restrictions and
        environment-scoped secrets live. A production job without one deploys on every push, with
        secrets any workflow can read.""",
    fix="""Set `environment: production` on the job and require reviewers for that environment in the
        repository settings.""",
    check=check,
)
