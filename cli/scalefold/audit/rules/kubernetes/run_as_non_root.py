"""K8S-006: run containers as non-root."""

from __future__ import annotations

from scalefold.audit.model import Category, Severity
from scalefold.audit.parsers.k8s import Container, Workload
from scalefold.audit.rule import Rule
from scalefold.audit.rules.kubernetes.common import effective, security_check


def _may_run_as_root(workload: Workload, container: Container) -> str | None:
    if effective(workload, container, "runAsNonRoot") is True:
        return None
    user = effective(workload, container, "runAsUser")
    if isinstance(user, int) and user > 0:
        return None
    return "may run as root: set `securityContext.runAsNonRoot: true`"


RULE = Rule(
    id="K8S-006",
    name="kubernetes-run-as-non-root",
    category=Category.KUBERNETES,
    severity=Severity.ERROR,
    title="Run containers as non-root",
    rationale="""Root inside a container is root on the node after one kernel or runtime escape, and can
        modify the container's own files. `runAsNonRoot` makes the kubelet refuse an image that
        would start as root.""",
    fix="""Set `securityContext.runAsNonRoot: true` (and `runAsUser: 1000` for images without a numeric
        USER) on the pod or container.""",
    check=security_check(_may_run_as_root),
)
