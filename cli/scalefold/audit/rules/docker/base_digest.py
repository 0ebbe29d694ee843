"""DKR-004: pin base images by digest."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.docker.common import external_images, hit


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        for stage, ref, _tag, digest in external_images(dockerfile):
            if digest is None:
                yield hit(
                    dockerfile, stage, f"Pin `{ref}` by digest (`{ref}@sha256:…`) for reproducible builds"
                )


RULE = Rule(
    id="DKR-004",
    name="docker-base-digest",
    category=Category.DOCKER,
    severity=Severity.NOTE,
    title="Pin base images by digest",
    rationale="""A tag can be re-pushed; a digest cannot. Pinning `node:24-slim@sha256:…` makes builds
        reproducible and lets Renovate or Dependabot propose each base-image update as a reviewable
        change.""",
    fix="""Append the digest: `FROM node:24-slim@sha256:<digest>` (see `docker buildx imagetools inspect
        node:24-slim`), and let Renovate or Dependabot keep it current.""",
    check=check,
)
