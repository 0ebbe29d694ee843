"""DKR-010: never turn off TLS verification in the image."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.docker.common import hit


def _disables_tls(tokens: list[str]) -> bool:
    """`NODE_TLS_REJECT_UNAUTHORIZED=0 cmd`, `npm config set strict-ssl false`, `--strict-ssl=false`."""
    if "NODE_TLS_REJECT_UNAUTHORIZED=0" in tokens or "--strict-ssl=false" in tokens:
        return True
    return any(a in {"strict-ssl", "--strict-ssl"} and b == "false" for a, b in pairwise(tokens))


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        for stage in dockerfile.stages:
            for ins in stage.instructions:
                if ins.keyword in {"ENV", "ARG"}:
                    for name, value in ins.key_values():
                        if name == "NODE_TLS_REJECT_UNAUTHORIZED" and (value or "").strip("'\"") == "0":
                            yield hit(
                                dockerfile,
                                ins,
                                "NODE_TLS_REJECT_UNAUTHORIZED=0 accepts any certificate: "
                                "remove it (use NODE_EXTRA_CA_CERTS for a private CA)",
                            )
                elif ins.keyword == "RUN" and any(_disables_tls(tokens) for tokens in ins.shell_commands()):
                    yield hit(
                        dockerfile,
                        ins,
                        "This RUN turns off TLS verification: remove it (use NODE_EXTRA_CA_CERTS for a private CA)",
                    )


RULE = Rule(
    id="DKR-010",
    name="docker-tls-verification",
    category=Category.DOCKER,
    severity=Severity.ERROR,
    title="Never turn off TLS verification in the image",
    rationale="""`NODE_TLS_REJECT_UNAUTHORIZED=0` (or `npm config set strict-ssl false`) makes every HTTPS
        connection accept any certificate: a man-in-the-middle reads and changes the traffic,
        including database and payment calls.""",
    fix="""Remove the setting. For a private certificate authority, add its certificate with
        `NODE_EXTRA_CA_CERTS=/path/ca.pem` instead.""",
    check=check,
)
