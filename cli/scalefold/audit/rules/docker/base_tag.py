"""DKR-003: tag base images with a version, never `latest`."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.docker.common import external_images, hit

# Node.js LTS code names: each names one major version for good (`node:iron` is Node 20).
_NODE_CODENAMES = frozenset(
    {
        "argon",
        "boron",
        "carbon",
        "dubnium",
        "erbium",
        "fermium",
        "gallium",
        "hydrogen",
        "iron",
        "jod",
        "krypton",
    }
)


def floats(tag: str | None) -> bool:
    """`latest`, no tag, or a tag that names no version (`alpine`, `lts`, `lts-alpine3.16`, `current`):
    each moves to the next major when it is released."""
    if tag is None or tag == "latest":
        return True
    first = tag.split("-", 1)[0].lower()
    return not any(c.isdigit() for c in first) and first not in _NODE_CODENAMES


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        for stage, ref, tag, digest in external_images(dockerfile):
            if digest is None and floats(tag):
                yield hit(
                    dockerfile, stage, f"Base image `{ref}` floats: pin a version tag such as `node:24-slim`"
                )


RULE = Rule(
    id="DKR-003",
    name="docker-base-tag",
    category=Category.DOCKER,
    severity=Severity.ERROR,
    title="Tag base images with a version, never `latest`",
    rationale="""`latest`, no tag at all, or a tag that names no version (`alpine`, `lts`) changes under you: the same commit builds a different
        image tomorrow, possibly on a new Node.js major, and a rollback no longer restores what ran.""",
    fix="""Name the version: `FROM node:24-slim` (or a more precise `24.11-slim`); let Dependabot or
        Renovate propose upgrades.""",
    check=check,
)
