"""K8S-009: mount the root filesystem read-only."""

from __future__ import annotations

from scalefold.audit.model import Category, Severity
from scalefold.audit.parsers.k8s import Container, Workload
from scalefold.audit.rule import Rule
from scalefold.audit.rules.kubernetes.common import security, security_check


def _writable_root(workload: Workload, container: Container) -> str | None:
    if security(container).get("readOnlyRootFilesystem") is True:
        return None
    return "writable root filesystem: set `securityContext.readOnlyRootFilesystem: true` (mount an emptyDir for /tmp)"


RULE = Rule(
    id="K8S-009",
    name="kubernetes-read-only-root",
    category=Category.KUBERNETES,
    severity=Severity.WARNING,
    title="Mount the root filesystem read-only",
    rationale="""A read-only root filesystem stops an attacker from dropping tools or changing the
        application's code, and makes any write to an unexpected place fail loudly.""",
    fix="""Set `securityContext.readOnlyRootFilesystem: true` and mount an `emptyDir` at `/tmp` if the
        service writes temporary files.""",
    check=security_check(_writable_root),
)
