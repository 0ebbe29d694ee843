"""CI-004: deploy to staging before production."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Location, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.ci.common import deploy_jobs, is_deploy, production_jobs, target


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for workflow, job in production_jobs(project):
        if any(is_deploy(j) and target(j) == "staging" for j in workflow.ancestors(job.id)):
            continue
        upstream = workflow.triggers.get("workflow_run")
        if isinstance(upstream, dict) and upstream.get("workflows"):
            names = {str(n) for n in upstream.get("workflows") or []}
            if any(
                target(j) == "staging"
                for w, j in deploy_jobs(project)
                if w.path != workflow.path and any(n in w.path or n == j.name for n in names)
            ):
                continue
        yield Hit(
            Location(workflow.path, job.line, f"production job {job.id} without staging"),
            f"Job `{job.id}` deploys to production without a staging "
            "deploy before it: add `needs: [deploy-staging]`",
        )


RULE = Rule(
    id="CI-004",
    name="ci-staging-before-production",
    category=Category.CI,
    severity=Severity.WARNING,
    title="Deploy to staging before production",
    rationale="""A release that goes straight to production meets real traffic first. A staging deploy
        (with its smoke test) that production `needs:` catches bad migrations, configuration and
        images while they are cheap to fix.""",
    fix="""Add a `deploy-staging` job and make the production job depend on it: `needs: [deploy-staging]`.""",
    check=check,
)
