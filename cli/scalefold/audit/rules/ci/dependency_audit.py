"""CI-002: audit dependencies for known vulnerabilities in CI."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Location, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.ci.common import AUDIT_ACTIONS, anchor_job, runs_audit, runs_tests, steps_matching
from scalefold.audit.rules.ci.pipelines import require_pipelines


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    workflows = require_pipelines(project)
    for workflow in workflows:
        for candidate in workflow.jobs.values():
            if steps_matching(candidate, runs_audit, AUDIT_ACTIONS):
                return
    workflow, job = anchor_job(workflows, runs_tests)
    line = job.line if job is not None else workflow.on_line
    yield Hit(
        Location(workflow.path, line, "no dependency audit"),
        "No dependency audit: add a step running `npm audit --audit-level=high`",
    )


RULE = Rule(
    id="CI-002",
    name="ci-dependency-audit",
    category=Category.CI,
    severity=Severity.WARNING,
    title="Audit dependencies for known vulnerabilities in CI",
    rationale="""Most vulnerable code in a Node service arrives through its dependencies. An audit step
        catches a newly published advisory on the next build rather than after an incident.""",
    fix="""Add a step `npm audit --audit-level=high` (or `scalefold check --deps`, or
        `actions/dependency-review-action` on pull requests).""",
    check=check,
)
