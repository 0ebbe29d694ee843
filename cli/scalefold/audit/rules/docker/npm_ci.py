"""DKR-007: install with `npm ci` from the lockfile."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.fix.docker import install_from_lockfile
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.docker.common import hit, installs


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        for stage in dockerfile.stages:
            for ins, tokens, kind in installs(stage):
                if kind == "npm-install":
                    yield hit(dockerfile, ins, "`npm install` ignores the lockfile: use `npm ci`")
                elif kind == "yarn" and not {"--frozen-lockfile", "--immutable"} & set(tokens):
                    yield hit(
                        dockerfile,
                        ins,
                        "`yarn install` may change the lockfile: add `--immutable` (`--frozen-lockfile` on Yarn 1)",
                    )
                elif kind == "pnpm" and "--frozen-lockfile" not in tokens:
                    yield hit(
                        dockerfile, ins, "`pnpm install` may change the lockfile: add `--frozen-lockfile`"
                    )


RULE = Rule(
    id="DKR-007",
    name="docker-npm-ci",
    category=Category.DOCKER,
    severity=Severity.WARNING,
    title="Install with `npm ci` from the lockfile",
    rationale="""`npm install` may resolve different versions than the lockfile says and rewrites it, so
        the image is not what was tested. `npm ci` installs exactly the lockfile and fails when it
        is out of date.""",
    fix="""Copy `package.json` and `package-lock.json` first, then `RUN npm ci` (`yarn install
        --immutable`, `pnpm install --frozen-lockfile`).""",
    check=check,
    fixer=install_from_lockfile,
)
