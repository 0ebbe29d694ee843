"""K8S-001: give long-running containers readiness and liveness probes."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.kubernetes.common import containers, hit


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for workload, container in containers(project, init=False):
        if not workload.long_running:
            continue
        absent = [p for p in ("readinessProbe", "livenessProbe") if p not in container.data]
        if absent:
            yield hit(
                workload,
                container,
                container.line,
                f"no {' or '.join(absent)}: add {'them' if len(absent) > 1 else 'it'}",
            )


RULE = Rule(
    id="K8S-001",
    name="kubernetes-probes",
    category=Category.KUBERNETES,
    severity=Severity.WARNING,
    title="Give long-running containers readiness and liveness probes",
    rationale="""Without a readiness probe, pods get traffic before they can serve and during shutdown;
        without a liveness probe, a wedged process is never restarted. Jobs and CronJobs run to
        completion and need neither.""",
    fix="""Add `readinessProbe: { httpGet: { path: /health/ready, port: http } }` and `livenessProbe: {
        httpGet: { path: /health/live, port: http } }` to the container.""",
    check=check,
)
