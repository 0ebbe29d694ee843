"""CI-003: build the project in CI."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Location, NotApplicable, Severity, Undetermined
from scalefold.audit.parsers.workflow import Job
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.ci.common import BUILD_ACTIONS, anchor_job, runs_build, runs_tests, steps_matching
from scalefold.audit.rules.ci.pipelines import require_pipelines


def _build_stage(job: Job) -> bool:
    """A GitLab job of the `build` stage that runs a script (a setup script that builds, say)."""
    return job.data.get("stage") == "build" and any(step.run for step in job.steps)


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    workflows = require_pipelines(project)
    pkg = project.root_package
    scripts = pkg.data.get("scripts") if pkg is not None else None
    has_build_script = isinstance(scripts, dict) and "build" in scripts
    if not has_build_script and not project.dockerfiles:
        if pkg is not None and not pkg.valid:
            raise Undetermined(f"{pkg.path} could not be read, so whether there is a build script is unknown")
        raise NotApplicable("nothing to build (no build script, no Dockerfile)")
    for workflow in workflows:
        for candidate in workflow.jobs.values():
            if steps_matching(candidate, runs_build, BUILD_ACTIONS) or _build_stage(candidate):
                return
    workflow, job = anchor_job(workflows, runs_tests)
    line = job.line if job is not None else workflow.on_line
    yield Hit(
        Location(workflow.path, line, "no build step"), "No build step: add a step running `npm run build`"
    )


RULE = Rule(
    id="CI-003",
    name="ci-build",
    category=Category.CI,
    severity=Severity.WARNING,
    title="Build the project in CI",
    rationale="""Type errors and a broken bundle or image show up at build time; a pipeline that only
        tests (often with a transpiler that skips type checking) ships code that does not compile.""",
    fix="""Add a step running `npm run build` (and build the container image with
        `docker/build-push-action` when there is a Dockerfile).""",
    check=check,
)
