"""DKR-013: set `NODE_ENV=production` in the runtime image."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.docker.common import hit


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        final = dockerfile.final
        assert final is not None
        value = final.env().get("NODE_ENV")
        if value is None:
            yield hit(
                dockerfile, final, "The final stage does not set NODE_ENV: add `ENV NODE_ENV=production`"
            )
        elif (value[0] or "").strip("'\"") != "production":
            ins = next(i for i in final.find("ENV") if i.line == value[1])
            yield hit(
                dockerfile, ins, f"NODE_ENV is `{value[0]}` in the runtime image: set it to `production`"
            )


RULE = Rule(
    id="DKR-013",
    name="docker-node-env",
    category=Category.DOCKER,
    severity=Severity.WARNING,
    title="Set `NODE_ENV=production` in the runtime image",
    rationale="""Express, many libraries and npm itself change behaviour on `NODE_ENV`: without it they
        keep development-only checks, verbose errors and view caching off, costing speed and
        leaking detail.""",
    fix="""Add `ENV NODE_ENV=production` to the final stage.""",
    check=check,
)
