"""CI-011: never check out pull request code in `pull_request_target`."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Location, NotApplicable, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    workflows = [w for w in project.require_workflows() if "pull_request_target" in w.triggers]
    if not workflows:
        raise NotApplicable("no pull_request_target workflows")
    for workflow in workflows:
        for job in workflow.jobs.values():
            for step in job.steps:
                if step.uses and step.uses.startswith("actions/checkout"):
                    ref = str(step.with_.get("ref") or "")
                    if "head" in ref or "merge" in ref:
                        yield Hit(
                            Location(workflow.path, step.line, f"checkout {ref}"),
                            "Checks out the pull request's code with the base "
                            "repository's secrets: use `pull_request` instead",
                        )


RULE = Rule(
    id="CI-011",
    name="ci-pull-request-target-checkout",
    category=Category.CI,
    severity=Severity.ERROR,
    title="Never check out pull request code in `pull_request_target`",
    rationale="""`pull_request_target` runs with the base repository's secrets and a write token. Checking
        out and running the pull request's code there hands both to anyone who opens a pull
        request from a fork.""",
    fix="""Use the `pull_request` event for building and testing contributions; keep
        `pull_request_target` for labelling and commenting, without checking out the head.""",
    check=check,
)
