"""K8S-011: use the `RuntimeDefault` seccomp profile."""

from __future__ import annotations

from scalefold.audit.model import Category, Severity
from scalefold.audit.parsers.k8s import Container, Workload
from scalefold.audit.rule import Rule
from scalefold.audit.rules.kubernetes.common import effective, security_check


def _no_profile(workload: Workload, container: Container) -> str | None:
    profile = effective(workload, container, "seccompProfile")
    if isinstance(profile, dict) and profile.get("type") in {"RuntimeDefault", "Localhost"}:
        return None
    return "no seccomp profile: set `securityContext.seccompProfile.type: RuntimeDefault`"


RULE = Rule(
    id="K8S-011",
    name="kubernetes-seccomp",
    category=Category.KUBERNETES,
    severity=Severity.WARNING,
    title="Use the `RuntimeDefault` seccomp profile",
    rationale="""Without a seccomp profile a container may call every system call the kernel has,
        including the rarely used ones most kernel exploits go through.""",
    fix="""Set `securityContext.seccompProfile: { type: RuntimeDefault }` on the pod.""",
    check=security_check(_no_profile),
)
