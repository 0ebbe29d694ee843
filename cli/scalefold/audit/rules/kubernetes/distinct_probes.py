"""K8S-002: make liveness and readiness probes different."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.kubernetes.common import containers, hit, line_of


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for workload, container in containers(project, init=False):
        live, ready = container.data.get("livenessProbe"), container.data.get("readinessProbe")
        if live is not None and live == ready:
            yield hit(
                workload,
                container,
                line_of(container.data, "livenessProbe", container.line),
                "the liveness probe is identical to the readiness probe: point it at `/health/live`",
            )


RULE = Rule(
    id="K8S-002",
    name="kubernetes-distinct-probes",
    category=Category.KUBERNETES,
    severity=Severity.WARNING,
    title="Make liveness and readiness probes different",
    rationale="""An identical liveness probe restarts every pod when a shared dependency (the database)
        is down, turning a partial outage into a full one. Liveness must only ask "is the process
        alive", readiness "can it serve now".""",
    fix="""Point liveness at `/health/live` (no dependency checks) and readiness at `/health/ready`.""",
    check=check,
)
