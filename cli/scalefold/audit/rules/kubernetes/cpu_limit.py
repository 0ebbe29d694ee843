"""K8S-005: consider a CPU limit."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.kubernetes.common import containers, hit, line_of, resources


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for workload, container in containers(project):
        limits = resources(container).get("limits")
        if not isinstance(limits, dict) or "cpu" not in limits:
            yield hit(
                workload,
                container,
                line_of(container.data, "resources", container.line),
                "no CPU limit: consider `resources.limits.cpu`",
            )


RULE = Rule(
    id="K8S-005",
    name="kubernetes-cpu-limit",
    category=Category.KUBERNETES,
    severity=Severity.NOTE,
    advice=True,
    title="Consider a CPU limit",
    rationale="""A CPU limit caps a runaway container, at the price of throttling (and latency spikes) when
        it is reached. Many teams rely on requests alone, which is why this is a note.""",
    fix="""Set `resources.limits.cpu` if noisy neighbours are a concern; otherwise suppress this rule in
        `.scalefold.yml` with your reason.""",
    check=check,
)
