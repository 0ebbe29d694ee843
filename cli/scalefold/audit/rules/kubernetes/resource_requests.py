"""K8S-003: request CPU and memory."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.kubernetes.common import containers, hit, line_of, resources


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for workload, container in containers(project):
        requests = resources(container).get("requests")
        requests = requests if isinstance(requests, dict) else {}
        absent = [r for r in ("cpu", "memory") if r not in requests]
        if absent:
            yield hit(
                workload,
                container,
                line_of(container.data, "resources", container.line),
                f"no {' and '.join(absent)} request: set `resources.requests.{absent[0]}`",
            )


RULE = Rule(
    id="K8S-003",
    name="kubernetes-resource-requests",
    category=Category.KUBERNETES,
    severity=Severity.WARNING,
    title="Request CPU and memory",
    rationale="""The scheduler places pods by their requests and the autoscaler scales on them. Without
        requests a pod can land on a full node and be evicted first under pressure.""",
    fix="""Set `resources.requests.cpu` (e.g. `250m`) and `resources.requests.memory` (e.g. `256Mi`) from
        measured usage.""",
    check=check,
)
