"""DKR-002: run the final stage as a non-root user."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.fix.docker import add_runtime_user
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.parsers.dockerfile import Image
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.docker.common import hit


def runs_as_non_root_by_default(image: Image) -> bool:
    """Distroless `:nonroot` tags and Chainguard's Node image start as an unprivileged user."""
    repository = f"/{image.repository.lower()}"
    if "/distroless/" in repository and "nonroot" in (image.tag or ""):
        return True
    return "/chainguard/node" in repository


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        final = dockerfile.final
        assert final is not None
        users = final.find("USER")
        root_image = final.root_image
        if not users:
            if root_image is not None and runs_as_non_root_by_default(root_image):
                continue
            yield hit(dockerfile, final, "The final stage runs as root: add `USER node` before `CMD`")
            continue
        last = users[-1]
        name = last.args.strip().split(":")[0]
        if name in {"root", "0"}:
            yield hit(
                dockerfile,
                last,
                f"`USER {last.args.strip()}` runs the process as root: switch to `USER node`",
            )


RULE = Rule(
    id="DKR-002",
    name="docker-non-root",
    category=Category.DOCKER,
    severity=Severity.ERROR,
    title="Run the final stage as a non-root user",
    rationale="""Containers run as root by default. A process that is compromised as root inside
        the container is one kernel bug away from root on the host, and can rewrite the
        application's own files.""",
    fix="""Add `USER node` (the official Node images ship that user) after the last `COPY`/`RUN` of the
        final stage, and `COPY --chown=node:node` what the process must own.""",
    check=check,
    fixer=add_runtime_user,
    references=("https://docs.docker.com/build/building/best-practices/#user",),
)
