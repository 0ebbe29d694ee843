"""CI-001: run the tests on every push and pull request."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Location, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.ci.common import runs_tests, steps_matching, workflow_triggers
from scalefold.audit.rules.ci.pipelines import require_pipelines


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    workflows = require_pipelines(project)
    testing = [w for w in workflows if any(steps_matching(j, runs_tests) for j in w.jobs.values())]
    if not testing:
        first = workflows[0]
        yield Hit(
            Location(first.path, first.on_line, "no test job"),
            "No workflow runs the tests: add a job that runs `npm test`",
        )
        return
    triggers: set[str] = set()
    for workflow in testing:
        triggers |= workflow_triggers(project, workflow)
    missing = [t for t in ("push", "pull_request") if t not in triggers]
    if missing:
        first = testing[0]
        listed = " and ".join(f"`{m}`" for m in missing)
        yield Hit(
            Location(first.path, first.on_line, f"tests missing triggers {' '.join(missing)}"),
            f"The tests do not run on {listed}: add {'them' if len(missing) > 1 else 'it'} to `on:`",
        )


RULE = Rule(
    id="CI-001",
    name="ci-tests-on-push-and-pr",
    category=Category.CI,
    severity=Severity.WARNING,
    title="Run the tests on every push and pull request",
    rationale="""Tests that only run on one of the two let broken code in: on pull requests only, a
        direct push to main is never tested; on pushes only, reviewers approve without results.""",
    fix="""Trigger the workflow that runs `npm test` on both: `on: { push: { branches: [main] },
        pull_request: {} }`.""",
    check=check,
)
