"""K8S-004: limit memory."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.kubernetes.common import containers, hit, line_of, resources


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for workload, container in containers(project):
        limits = resources(container).get("limits")
        if not isinstance(limits, dict) or "memory" not in limits:
            yield hit(
                workload,
                container,
                line_of(container.data, "resources", container.line),
                "no memory limit: set `resources.limits.memory`",
            )


RULE = Rule(
    id="K8S-004",
    name="kubernetes-memory-limit",
    category=Category.KUBERNETES,
    severity=Severity.WARNING,
    title="Limit memory",
    rationale="""A leaking container without a memory limit grows until the node runs out and the kernel
        kills whatever it picks, often a neighbour. With a limit, only the leaking pod restarts.""",
    fix="""Set `resources.limits.memory` (often equal to the request), and size the V8 heap below it
        (`--max-old-space-size`).""",
    check=check,
)
