"""K8S-008: drop all Linux capabilities."""

from __future__ import annotations

from scalefold.audit.model import Category, Severity
from scalefold.audit.parsers.k8s import Container, Workload
from scalefold.audit.rule import Rule
from scalefold.audit.rules.kubernetes.common import security, security_check


def _capabilities_kept(workload: Workload, container: Container) -> str | None:
    capabilities = security(container).get("capabilities")
    drop = capabilities.get("drop") if isinstance(capabilities, dict) else None
    if isinstance(drop, list) and any(str(c).upper() == "ALL" for c in drop):
        return None
    return "capabilities not dropped: set `securityContext.capabilities.drop: [ALL]`"


RULE = Rule(
    id="K8S-008",
    name="kubernetes-drop-capabilities",
    category=Category.KUBERNETES,
    severity=Severity.WARNING,
    title="Drop all Linux capabilities",
    rationale="""Containers get a dozen capabilities by default (raw sockets, chown, setuid…). A Node
        service needs none of them; each is a tool for an attacker.""",
    fix="""Set `securityContext.capabilities.drop: [ALL]` (add back only what is proven necessary).""",
    check=security_check(_capabilities_kept),
)
