"""What the CI rules share: recognising what a step runs, and which jobs deploy where.

A step's `run:` script is shell: it is split into commands (``parsers.shell``) and the commands are
matched word by word. Job, step and environment *names* are labels written for people, so they are
matched as text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from scalefold.audit.model import NotApplicable
from scalefold.audit.parsers import shell
from scalefold.audit.parsers.workflow import Job, Step, Workflow
from scalefold.audit.project import Project
from scalefold.audit.rules.ci.pipelines import require_pipelines

CommandTest = Callable[[str, list[str]], bool]

_PACKAGE_MANAGERS = frozenset({"npm", "pnpm", "yarn", "bun"})
_RUNNERS = frozenset({"npx", "pnpx", "bunx"})
_TEST_TOOLS = frozenset({"vitest", "jest", "mocha", "ava", "tap"})
_AUDIT_TOOLS = frozenset({"audit-ci", "better-npm-audit", "osv-scanner", "grype", "pip-audit"})
_AUDIT_ACTIONS = (
    "dependency-review-action",
    "snyk/actions",
    "osv-scanner",
    "trivy-action",
    "anchore/scan-action",
)
_BUILD_ACTIONS = ("docker/build-push-action",)

# Labels (job ids, names, environment names) are text written for people.
_DEPLOY_NAME = re.compile(r"deploy|rollout|promote|release-to", re.IGNORECASE)
_PRODUCTION = re.compile(r"prod|^live$", re.IGNORECASE)
_STAGING = re.compile(r"stag|pre-?prod|uat", re.IGNORECASE)
_HEALTH_NAME = re.compile(r"health|smoke|readyz|livez|/ready\b|/live\b", re.IGNORECASE)
_HEALTH_WORDS = ("health", "smoke", "readyz", "livez")
_AFTER_DEPLOY_TESTS = re.compile(r"integration|e2e|end-to-end|acceptance|post-?deploy", re.IGNORECASE)
_SITE = re.compile(r"gh-pages|github[- ]pages|docusaurus|storybook|documentation|\bdocs\b", re.IGNORECASE)


def _script(name: str, args: list[str]) -> str | None:
    """The package script a package-manager command runs: `test` for `npm test` and `npm run test`."""
    words = shell.positional(args)
    if not words:
        return None
    if words[0] in {"run", "run-script"} and len(words) > 1:
        return words[1]
    if name == "npm" and words[0] == "t":
        return "test"
    return words[0]


def _is_script(script: str | None, wanted: str) -> bool:
    return script is not None and (script == wanted or script.startswith((f"{wanted}:", f"{wanted}-")))


def _through_runner(name: str, args: list[str]) -> tuple[str, list[str]]:
    """`npx vitest run` → (`vitest`, [`run`]): the program a package runner starts."""
    words = list(args)
    subcommand = shell.positional(words)[:1]
    if name in {"npm", "pnpm", "yarn"} and subcommand in (["exec"], ["dlx"]):
        words = words[words.index(subcommand[0]) + 1 :]
    elif name not in _RUNNERS:
        return name, args
    words = [w for w in words if w != "--"]
    while words and words[0].startswith("-"):
        words = words[1:]
    return (words[0].rsplit("/", 1)[-1], words[1:]) if words else (name, args)


def runs_tests(name: str, args: list[str]) -> bool:
    if name in _PACKAGE_MANAGERS and _is_script(_script(name, args), "test"):
        return True
    name, args = _through_runner(name, args)
    if name == "node" and any(a == "--test" or a.startswith("--test=") for a in args):
        return True
    return name in _TEST_TOOLS


def runs_audit(name: str, args: list[str]) -> bool:
    if name in {"npm", "pnpm", "yarn"} and shell.positional(args)[:1] == ["audit"]:
        return True
    name, args = _through_runner(name, args)
    words = shell.positional(args)
    if name == "snyk" and words[:1] == ["test"]:
        return True
    if name == "trivy" and words[:1] and words[0] in {"fs", "image", "repo"}:
        return True
    if name == "scalefold" and words[:1] == ["check"] and "--deps" in args:
        return True
    return name in _AUDIT_TOOLS


def runs_build(name: str, args: list[str]) -> bool:
    if name in _PACKAGE_MANAGERS and _is_script(_script(name, args), "build"):
        return True
    name, args = _through_runner(name, args)
    if name == "docker":
        words = shell.positional(args)
        return words[:1] == ["build"] or words[:2] == ["buildx", "build"]
    return name == "tsc"


def step_runs(step: Step, test: CommandTest) -> bool:
    return bool(step.run) and any(test(*shell.program(words)) for words in shell.commands(step.run or ""))


def steps_matching(job: Job, test: CommandTest, actions: tuple[str, ...] = ()) -> list[Step]:
    """Steps whose script runs a command ``test`` accepts, or that use one of ``actions``."""
    found = []
    for step in job.steps:
        uses = (step.uses or "").lower()
        if step_runs(step, test) or any(action in uses for action in actions):
            found.append(step)
    return found


AUDIT_ACTIONS = _AUDIT_ACTIONS
BUILD_ACTIONS = _BUILD_ACTIONS


def workflow_triggers(project: Project, workflow: Workflow) -> set[str]:
    """Events that run ``workflow``, following reusable-workflow calls back to their callers."""
    triggers = set(workflow.triggers)
    if "workflow_call" in triggers:
        name = workflow.path.rsplit("/", 1)[-1]
        for caller in project.workflows:
            if any(job.uses and job.uses.endswith(f"/{name}") for job in caller.jobs.values()):
                triggers |= set(caller.triggers)
    return triggers


def anchor_job(workflows: list[Workflow], test: CommandTest) -> tuple[Workflow, Job | None]:
    """The first job with a step ``test`` accepts (to point a "missing step" finding at), if any."""
    for workflow in workflows:
        for job in workflow.jobs.values():
            if steps_matching(job, test):
                return workflow, job
    return workflows[0], None


# --------------------------------------------------------------------------- deployments


def is_deploy(job: Job) -> bool:
    """A job with an environment, named like a deploy, or in GitLab's `deploy` stage."""
    stage = job.data.get("stage")
    return (
        bool(job.environment)
        or bool(_DEPLOY_NAME.search(job.id) or _DEPLOY_NAME.search(job.name))
        or (isinstance(stage, str) and bool(_DEPLOY_NAME.search(stage)))
    )


def target(job: Job) -> str | None:
    label = job.environment or f"{job.id} {job.name}"
    if _PRODUCTION.search(label) or (job.environment and _PRODUCTION.search(job.environment)):
        return "production"
    if _STAGING.search(label):
        return "staging"
    return None


def is_production_environment(name: str | None) -> bool:
    return bool(name) and bool(_PRODUCTION.search(name or ""))


def _publishes_a_site(job: Job) -> bool:
    """A job that publishes documentation (GitHub Pages, Docusaurus), not a service."""
    labels = f"{job.id} {job.name} {job.environment or ''}"
    uses = " ".join(step.uses or "" for step in job.steps)
    return bool(_SITE.search(labels) or _SITE.search(uses))


def deploy_jobs(project: Project, wanted: str | None = None) -> list[tuple[Workflow, Job]]:
    """Jobs that deploy a service, with where to. A deploy job that names no environment is the
    production deploy when no job deploys to staging: it releases the only copy there is."""
    candidates = [
        (workflow, job)
        for workflow in require_pipelines(project)
        for job in workflow.jobs.values()
        if is_deploy(job) and not _publishes_a_site(job)
    ]
    has_staging = any(target(job) == "staging" for _, job in candidates)
    found = []
    for workflow, job in candidates:
        where = target(job) or (None if has_staging else "production")
        if where is not None and (wanted is None or where == wanted):
            found.append((workflow, job))
    return found


def production_jobs(project: Project) -> list[tuple[Workflow, Job]]:
    jobs = deploy_jobs(project, "production")
    if not jobs:
        raise NotApplicable("no production deployment job")
    return jobs


def step_deploys(step: Step) -> bool:
    """A step that rolls something out: by its name or action, or a script word such as `deploy.sh`."""
    if _DEPLOY_NAME.search(f"{step.name} {step.uses or ''}"):
        return True
    return any(_DEPLOY_NAME.search(word) for words in shell.commands(step.run or "") for word in words)


def _checks_health_command(name: str, args: list[str]) -> bool:
    """`curl --fail …`, `curl -sf …`, `wget …`, or any command naming a health or smoke check."""
    if name == "wget":
        return True
    if name == "curl" and any(
        a.startswith("--fail") or (a.startswith("-") and not a.startswith("--") and "f" in a) for a in args
    ):
        return True
    words = [name, *args]
    return any(any(w in word.lower() for w in _HEALTH_WORDS) or _HEALTH_NAME.search(word) for word in words)


def step_checks_health(step: Step) -> bool:
    if _HEALTH_NAME.search(f"{step.name}\n{step.uses or ''}"):
        return True
    return step_runs(step, _checks_health_command)


def job_checks_health(job: Job) -> bool:
    """A job that checks the deployed service: a health or smoke check, or tests run against it."""
    labels = f"{job.id}\n{job.name}\n{job.environment or ''}\n{job.uses or ''}"
    if _HEALTH_NAME.search(labels) or any(step_checks_health(step) for step in job.steps):
        return True
    return bool(_AFTER_DEPLOY_TESTS.search(labels)) and any(step_runs(step, runs_tests) for step in job.steps)
