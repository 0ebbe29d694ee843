"""DKR-009: keep secrets out of `ARG` and `ENV`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Location, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.docker.common import hit

# Variable names are text: a word of the name says what the variable holds.
_SECRET_NAME = re.compile(
    r"(^|_)(PASSWORD|PASSWD|PASS|SECRET|SECRETS|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|AUTH_?KEY)(_|$)",
    re.IGNORECASE,
)
_NOT_SECRET_SUFFIX = re.compile(
    r"_(FILE|PATH|DIR|TTL|EXPIRES|EXPIRES_IN|EXPIRY|LENGTH|ALGORITHM|ISSUER|AUDIENCE|HEADER|NAME|ENABLED|ROUNDS|ARN|ID|URL|URI|REGION)$",
    re.IGNORECASE,
)


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME.search(name)) and not _NOT_SECRET_SUFFIX.search(name)


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        for ins in (i for s in dockerfile.stages for i in s.instructions):
            if ins.keyword not in {"ARG", "ENV"}:
                continue
            for name, _value in ins.key_values():
                if is_secret_name(name):
                    yield hit(
                        dockerfile,
                        ins,
                        f"`{ins.keyword} {name}` bakes a secret into the image: "
                        "use `RUN --mount=type=secret` or inject it at run time",
                    )
        for name in dockerfile.global_args:
            if is_secret_name(name):
                yield Hit(
                    Location(dockerfile.path, 1, f"ARG {name}"),
                    f"`ARG {name}` bakes a secret into the image history: use `RUN --mount=type=secret`",
                )


RULE = Rule(
    id="DKR-009",
    name="docker-no-secrets",
    category=Category.DOCKER,
    severity=Severity.ERROR,
    title="Keep secrets out of `ARG` and `ENV`",
    rationale="""Build arguments and environment variables are stored in the image metadata and layer
        history: `docker history` shows them to anyone who can pull the image, long after the secret
        was rotated.""",
    fix="""Pass build-time secrets with `RUN --mount=type=secret,id=npm_token …` and runtime secrets
        through the orchestrator's secret store (environment injected at start), never the image.""",
    check=check,
)
