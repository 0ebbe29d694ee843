"""K8S-007: forbid privilege escalation."""

from __future__ import annotations

from scalefold.audit.model import Category, Severity
from scalefold.audit.parsers.k8s import Container, Workload
from scalefold.audit.rule import Rule
from scalefold.audit.rules.kubernetes.common import security, security_check


def _escalation_allowed(workload: Workload, container: Container) -> str | None:
    if security(container).get("allowPrivilegeEscalation") is False:
        return None
    return "privilege escalation allowed: set `securityContext.allowPrivilegeEscalation: false`"


RULE = Rule(
    id="K8S-007",
    name="kubernetes-no-privilege-escalation",
    category=Category.KUBERNETES,
    severity=Severity.WARNING,
    title="Forbid privilege escalation",
    rationale="""With escalation allowed, a setuid binary in the image (or one an attacker drops in) can
        regain root even though the container started as a normal user.""",
    fix="""Set `securityContext.allowPrivilegeEscalation: false` on every container.""",
    check=security_check(_escalation_allowed),
)
