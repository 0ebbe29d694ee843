"""DKR-001: build in a multi-stage Dockerfile."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.docker.common import hit


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        if len(dockerfile.stages) < 2:
            yield hit(
                dockerfile,
                dockerfile.stages[0],
                "Single-stage build: add a build stage and copy "
                "only the build output into a slim final stage",
            )


RULE = Rule(
    id="DKR-001",
    name="docker-multi-stage",
    category=Category.DOCKER,
    severity=Severity.WARNING,
    title="Build in a multi-stage Dockerfile",
    rationale="""A single-stage image ships the compiler, dev dependencies, the npm cache and the
        source tree: a bigger image to pull on every scale-out and more code for an attacker to use.
        A separate build stage keeps the runtime image to the compiled output and production
        dependencies.""",
    fix="""Install and build in a `build` stage, then start a fresh `FROM node:<version>-slim` stage
        and `COPY --from=build` only `dist/`, `node_modules` (production) and `package.json`.""",
    check=check,
    references=("https://docs.docker.com/build/building/multi-stage/",),
)
