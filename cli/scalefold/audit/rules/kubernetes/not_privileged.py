"""K8S-012: never run privileged containers."""

from __future__ import annotations

from scalefold.audit.model import Category, Severity
from scalefold.audit.parsers.k8s import Container, Workload
from scalefold.audit.rule import Rule
from scalefold.audit.rules.kubernetes.common import security, security_check


def _privileged(workload: Workload, container: Container) -> str | None:
    if security(container).get("privileged") is True:
        return "runs privileged (full access to the node): remove `privileged: true`"
    return None


RULE = Rule(
    id="K8S-012",
    name="kubernetes-not-privileged",
    category=Category.KUBERNETES,
    severity=Severity.ERROR,
    title="Never run privileged containers",
    rationale="""A privileged container has every capability and every device of the node: escaping it
        is trivial. An application service never needs it.""",
    fix="""Remove `securityContext.privileged: true`.""",
    check=security_check(_privileged),
)
