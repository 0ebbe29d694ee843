"""CI-012: deploy only after the tests and the audit pass.

A deploy job that does not `need` (GitHub), follow by stage (GitLab) or `require` (CircleCI) the
jobs that run the tests and the dependency audit starts as soon as the pipeline does: a red build or
a newly published advisory still reaches the environment. Checked in every CI system CI-001 reads.
"""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Location, NotApplicable, Severity
from scalefold.audit.parsers.workflow import Job, Workflow
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.ci.common import (
    AUDIT_ACTIONS,
    CommandTest,
    deploy_jobs,
    runs_audit,
    runs_tests,
    steps_matching,
)


def _gated_by(workflow: Workflow, job: Job, test: CommandTest, actions: tuple[str, ...] = ()) -> bool:
    """Whether ``job`` itself, or a job it waits for, runs a step ``test`` accepts."""
    return any(steps_matching(j, test, actions) for j in (job, *workflow.ancestors(job.id)))


def _upstream(project: Project, workflow: Workflow) -> list[Workflow]:
    """Workflows that must complete before ``workflow`` starts (`on: workflow_run`), transitively."""
    found: list[Workflow] = []
    frontier = [workflow]
    while frontier:
        current = frontier.pop()
        trigger = current.triggers.get("workflow_run")
        names = {str(n) for n in trigger.get("workflows") or []} if isinstance(trigger, dict) else set()
        for other in project.workflows:
            docs = project.yaml(other.path) or [{}]
            name = docs[0].get("name") if isinstance(docs[0], dict) else None
            if other not in found and other is not workflow and name in names:
                found.append(other)
                frontier.append(other)
    return found


def _gated(
    project: Project, workflow: Workflow, job: Job, test: CommandTest, actions: tuple[str, ...] = ()
) -> bool:
    if _gated_by(workflow, job, test, actions):
        return True
    return any(
        steps_matching(j, test, actions) for w in _upstream(project, workflow) for j in w.jobs.values()
    )


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    jobs = deploy_jobs(project)
    if not jobs:
        raise NotApplicable("no deployment jobs")
    for workflow, job in jobs:
        audited = any(steps_matching(j, runs_audit, AUDIT_ACTIONS) for j in workflow.jobs.values())
        missing = []
        if not _gated(project, workflow, job, runs_tests):
            missing.append("the tests")
        if audited and not _gated(project, workflow, job, runs_audit, AUDIT_ACTIONS):
            missing.append("the dependency audit")
        if missing:
            yield Hit(
                Location(workflow.path, job.line, f"deploy job {job.id} not gated"),
                f"Job `{job.id}` deploys without waiting for {' and '.join(missing)}: "
                "add the jobs that run them to its `needs:`",
            )


RULE = Rule(
    id="CI-012",
    name="ci-deploy-after-checks",
    category=Category.CI,
    severity=Severity.WARNING,
    title="Deploy only after the tests and the audit pass",
    rationale="""A deploy job that starts without waiting for the test and audit jobs ships whatever was
        pushed, even when those jobs fail a minute later.""",
    fix="""List the test and audit jobs in the deploy job's `needs:` (GitLab: later stage or `needs:`;
        CircleCI: `requires:`), or run them in the deploy job before it deploys.""",
    check=check,
)
