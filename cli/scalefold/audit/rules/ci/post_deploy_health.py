"""CI-006: check the service's health after each deploy."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Location, NotApplicable, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.ci.common import deploy_jobs, job_checks_health, step_checks_health, step_deploys


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    jobs = deploy_jobs(project)
    if not jobs:
        raise NotApplicable("no deployment jobs")
    for workflow, job in jobs:
        deploy_index = next((i for i, s in enumerate(job.steps) if step_deploys(s)), 0)
        if any(step_checks_health(s) for s in job.steps[deploy_index + 1 :]):
            continue
        if any(job_checks_health(j) for j in workflow.dependents(job.id)):
            continue
        yield Hit(
            Location(workflow.path, job.line, f"deploy job {job.id} without health check"),
            f"Job `{job.id}` deploys without checking health "
            "afterwards: add a step that polls the readiness route",
        )


RULE = Rule(
    id="CI-006",
    name="ci-post-deploy-health-check",
    category=Category.CI,
    severity=Severity.WARNING,
    title="Check the service's health after each deploy",
    rationale="""A deploy that reports success while the new version crash-loops is the most common
        outage. A health or smoke check after the rollout fails the pipeline (and stops the
        promotion) instead of waiting for users to notice.""",
    fix="""Add a step after the deploy that polls the readiness route, e.g. `curl --fail --retry 10
        --retry-all-errors https://staging.example.com/health/ready`.""",
    check=check,
)
