"""CI-008: pin third-party actions to a commit SHA."""

from __future__ import annotations

import string
from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Location, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.ci.pipelines import other_pipelines

_FIRST_PARTY = {"actions", "github"}


def _is_commit_sha(ref: str) -> bool:
    return len(ref) == 40 and all(c in string.hexdigits.lower() for c in ref)


def unpinned(uses: str) -> str | None:
    """Why ``uses`` is not pinned, or None when it is (or needs no pin)."""
    if uses.startswith("./"):
        return None
    if uses.startswith("docker://"):
        return None if "@sha256:" in uses else "a Docker image without a digest"
    target, _, ref = uses.partition("@")
    owner = target.split("/", 1)[0].lower()
    if owner in _FIRST_PARTY:
        return None
    if target.split("/")[1:2] == [".github"]:
        return None  # `<org>/.github/…`: the organisation's own shared workflows, not a third party
    if not ref:
        return "no version at all"
    return None if _is_commit_sha(ref) else f"the movable ref `{ref}`"


def floating_image(image: str) -> str | None:
    """Why a CI job's image floats (other CI systems run jobs in images, not actions), or None."""
    ref = image.removeprefix("docker://")
    if "@sha256:" in ref or "$" in ref:
        return None
    _name, _, tag = ref.rpartition("/")[2].partition(":")
    if not tag:
        return "no tag at all"
    return "the moving tag `latest`" if tag == "latest" else None


def _job_images(project: Project) -> Iterator[Hit]:
    """Untagged images that jobs of GitLab CI (and the like) run in, with the job's secrets."""
    for pipeline in other_pipelines(project):
        for job in pipeline.jobs.values():
            for step in job.steps:
                reason = floating_image(step.uses) if step.uses else None
                if reason:
                    image = (step.uses or "").removeprefix("docker://")
                    yield Hit(
                        Location(pipeline.path, step.uses_line, f"image {image}"),
                        f"Job `{job.id}` runs in `{image}`, {reason}: pin a version tag or a digest",
                    )


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    if not project.workflows and other_pipelines(project):
        yield from _job_images(project)
        return
    yield from _job_images(project)
    for workflow in project.require_workflows():
        for job in workflow.jobs.values():
            uses_list = [(job.uses, job.uses_line)] if job.uses else []
            uses_list += [(s.uses, s.uses_line) for s in job.steps if s.uses]
            for uses, line in uses_list:
                assert uses is not None
                reason = unpinned(uses)
                if reason:
                    yield Hit(
                        Location(workflow.path, line, f"uses {uses}"),
                        f"`{uses}` runs {reason}: pin it to a full commit SHA",
                    )


RULE = Rule(
    id="CI-008",
    name="ci-pinned-actions",
    category=Category.CI,
    severity=Severity.WARNING,
    title="Pin third-party actions to a commit SHA",
    rationale="""A tag like `@v3` can be moved by whoever controls the action's repository; a compromised
        tag (as in the tj-actions/changed-files incident) runs attacker code with your secrets.
        GitHub's own `actions/*` are exempt: pinning them adds churn for little gain.""",
    fix="""Replace the tag with the full commit SHA and keep the tag as a comment:
        `uses: docker/build-push-action@<40-hex-sha> # v6`. Dependabot and Renovate update both.""",
    check=check,
)
