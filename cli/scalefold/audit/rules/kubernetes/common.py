"""What the Kubernetes rules share: every container of every workload, and its security settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from scalefold.audit.model import Hit, Location
from scalefold.audit.parsers.k8s import Container, Workload
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule


def containers(project: Project, *, init: bool = True) -> Iterator[tuple[Workload, Container]]:
    for workload in project.require_workloads():
        for container in workload.containers:
            if init or not container.init:
                yield workload, container


def hit(workload: Workload, container: Container, line: int, message: str) -> Hit:
    return Hit(
        Location(
            workload.path, line, f"{workload.kind}/{workload.name}/{container.name} {message.split(':')[0]}"
        ),
        f"{workload.label}, container `{container.name}`: {message}",
    )


def security(container: Container) -> dict[str, Any]:
    value = container.data.get("securityContext")
    return value if isinstance(value, dict) else {}


def _pod_security(workload: Workload) -> dict[str, Any]:
    value = workload.pod_spec.get("securityContext")
    return value if isinstance(value, dict) else {}


def line_of(mapping: Any, key: str, default: int) -> int:
    return mapping.line_of(key) if hasattr(mapping, "line_of") and key in mapping else default


def effective(workload: Workload, container: Container, key: str) -> Any:
    """A security setting from the container, else from the pod (where Kubernetes allows both)."""
    own = security(container)
    if key in own:
        return own[key]
    return _pod_security(workload).get(key)


def resources(container: Container) -> dict[str, Any]:
    value = container.data.get("resources")
    return value if isinstance(value, dict) else {}


SecurityTest = Callable[[Workload, Container], "str | None"]


def security_check(test: SecurityTest) -> Callable[[Project, Rule], Iterator[Hit]]:
    """A check that reports, on its `securityContext` line, every container ``test`` has a message for."""

    def check(project: Project, rule: Rule) -> Iterator[Hit]:
        for workload, container in containers(project):
            message = test(workload, container)
            if message:
                yield hit(
                    workload, container, line_of(container.data, "securityContext", container.line), message
                )

    return check
