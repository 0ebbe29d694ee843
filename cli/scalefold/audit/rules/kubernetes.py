"""Kubernetes rules: probes, resources and a locked-down security context for every workload."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.parsers.dockerfile import Image
from scalefold.audit.parsers.k8s import Container, Workload
from scalefold.audit.project import Project
from scalefold.audit.registry import rule

KUBERNETES = Category.KUBERNETES


def _containers(project: Project, *, init: bool = True) -> Iterator[tuple[Workload, Container]]:
    for workload in project.require_workloads():
        for container in workload.containers:
            if init or not container.init:
                yield workload, container


def _hit(workload: Workload, container: Container, line: int, message: str) -> Hit:
    return Hit(
        workload.path,
        line,
        f"{workload.label}, container `{container.name}`: {message}",
        f"{workload.kind}/{workload.name}/{container.name} {message.split(':')[0]}",
    )


def _security(container: Container) -> dict[str, Any]:
    value = container.data.get("securityContext")
    return value if isinstance(value, dict) else {}


def _pod_security(workload: Workload) -> dict[str, Any]:
    value = workload.pod_spec.get("securityContext")
    return value if isinstance(value, dict) else {}


def _line(mapping: Any, key: str, default: int) -> int:
    return mapping.line_of(key) if hasattr(mapping, "line_of") and key in mapping else default


@rule(
    "K8S-001",
    "kubernetes-probes",
    KUBERNETES,
    Severity.WARNING,
    "Give long-running containers readiness and liveness probes",
    rationale="""Without a readiness probe, pods get traffic before they can serve and during shutdown;
        without a liveness probe, a wedged process is never restarted. Jobs and CronJobs run to
        completion and need neither.""",
    fix="""Add `readinessProbe: { httpGet: { path: /health/ready, port: http } }` and `livenessProbe: {
        httpGet: { path: /health/live, port: http } }` to the container.""",
)
def probes(project: Project) -> Iterator[Hit]:
    for workload, container in _containers(project, init=False):
        if not workload.long_running:
            continue
        missing = [p for p in ("readinessProbe", "livenessProbe") if p not in container.data]
        if missing:
            yield _hit(
                workload,
                container,
                container.line,
                f"no {' or '.join(missing)}: add {'them' if len(missing) > 1 else 'it'}",
            )


@rule(
    "K8S-002",
    "kubernetes-distinct-probes",
    KUBERNETES,
    Severity.WARNING,
    "Make liveness and readiness probes different",
    rationale="""An identical liveness probe restarts every pod when a shared dependency (the database)
        is down, turning a partial outage into a full one. Liveness must only ask "is the process
        alive", readiness "can it serve now".""",
    fix="""Point liveness at `/health/live` (no dependency checks) and readiness at `/health/ready`.""",
)
def distinct_probes(project: Project) -> Iterator[Hit]:
    for workload, container in _containers(project, init=False):
        live, ready = container.data.get("livenessProbe"), container.data.get("readinessProbe")
        if live is not None and live == ready:
            yield _hit(
                workload,
                container,
                _line(container.data, "livenessProbe", container.line),
                "the liveness probe is identical to the readiness probe: point it at `/health/live`",
            )


def _resources(container: Container) -> dict[str, Any]:
    value = container.data.get("resources")
    return value if isinstance(value, dict) else {}


@rule(
    "K8S-003",
    "kubernetes-resource-requests",
    KUBERNETES,
    Severity.WARNING,
    "Request CPU and memory",
    rationale="""The scheduler places pods by their requests and the autoscaler scales on them. Without
        requests a pod can land on a full node and be evicted first under pressure.""",
    fix="""Set `resources.requests.cpu` (e.g. `250m`) and `resources.requests.memory` (e.g. `256Mi`) from
        measured usage.""",
)
def resource_requests(project: Project) -> Iterator[Hit]:
    for workload, container in _containers(project):
        requests = _resources(container).get("requests")
        requests = requests if isinstance(requests, dict) else {}
        missing = [r for r in ("cpu", "memory") if r not in requests]
        if missing:
            yield _hit(
                workload,
                container,
                _line(container.data, "resources", container.line),
                f"no {' and '.join(missing)} request: set `resources.requests.{missing[0]}`",
            )


@rule(
    "K8S-004",
    "kubernetes-memory-limit",
    KUBERNETES,
    Severity.WARNING,
    "Limit memory",
    rationale="""A leaking container without a memory limit grows until the node runs out and the kernel
        kills whatever it picks, often a neighbour. With a limit, only the leaking pod restarts.""",
    fix="""Set `resources.limits.memory` (often equal to the request), and size the V8 heap below it
        (`--max-old-space-size`).""",
)
def memory_limit(project: Project) -> Iterator[Hit]:
    for workload, container in _containers(project):
        limits = _resources(container).get("limits")
        if not isinstance(limits, dict) or "memory" not in limits:
            yield _hit(
                workload,
                container,
                _line(container.data, "resources", container.line),
                "no memory limit: set `resources.limits.memory`",
            )


@rule(
    "K8S-005",
    "kubernetes-cpu-limit",
    KUBERNETES,
    Severity.NOTE,
    "Consider a CPU limit",
    rationale="""A CPU limit caps a runaway container, at the price of throttling (and latency spikes) when
        it is reached. Many teams rely on requests alone, which is why this is a note.""",
    fix="""Set `resources.limits.cpu` if noisy neighbours are a concern; otherwise suppress this rule in
        `.scalefold.yml` with your reason.""",
)
def cpu_limit(project: Project) -> Iterator[Hit]:
    for workload, container in _containers(project):
        limits = _resources(container).get("limits")
        if not isinstance(limits, dict) or "cpu" not in limits:
            yield _hit(
                workload,
                container,
                _line(container.data, "resources", container.line),
                "no CPU limit: consider `resources.limits.cpu`",
            )


def _effective(workload: Workload, container: Container, key: str) -> Any:
    """A security setting from the container, else from the pod (where Kubernetes allows both)."""
    own = _security(container)
    if key in own:
        return own[key]
    return _pod_security(workload).get(key)


def _security_rule(check: Callable[[Workload, Container], str | None]) -> Callable[[Project], Iterator[Hit]]:
    def run(project: Project) -> Iterator[Hit]:
        for workload, container in _containers(project):
            message = check(workload, container)
            if message:
                line = _line(container.data, "securityContext", container.line)
                yield _hit(workload, container, line, message)

    return run


def _run_as_non_root(workload: Workload, container: Container) -> str | None:
    if _effective(workload, container, "runAsNonRoot") is True:
        return None
    user = _effective(workload, container, "runAsUser")
    if isinstance(user, int) and user > 0:
        return None
    return "may run as root: set `securityContext.runAsNonRoot: true`"


rule(
    "K8S-006",
    "kubernetes-run-as-non-root",
    KUBERNETES,
    Severity.ERROR,
    "Run containers as non-root",
    rationale="""Root inside a container is root on the node after one kernel or runtime escape, and can
        modify the container's own files. `runAsNonRoot` makes the kubelet refuse an image that
        would start as root.""",
    fix="""Set `securityContext.runAsNonRoot: true` (and `runAsUser: 1000` for images without a numeric
        USER) on the pod or container.""",
)(_security_rule(_run_as_non_root))


def _no_escalation(workload: Workload, container: Container) -> str | None:
    if _security(container).get("allowPrivilegeEscalation") is False:
        return None
    return "privilege escalation allowed: set `securityContext.allowPrivilegeEscalation: false`"


rule(
    "K8S-007",
    "kubernetes-no-privilege-escalation",
    KUBERNETES,
    Severity.WARNING,
    "Forbid privilege escalation",
    rationale="""With escalation allowed, a setuid binary in the image (or one an attacker drops in) can
        regain root even though the container started as a normal user.""",
    fix="""Set `securityContext.allowPrivilegeEscalation: false` on every container.""",
)(_security_rule(_no_escalation))


def _drop_all(workload: Workload, container: Container) -> str | None:
    capabilities = _security(container).get("capabilities")
    drop = capabilities.get("drop") if isinstance(capabilities, dict) else None
    if isinstance(drop, list) and any(str(c).upper() == "ALL" for c in drop):
        return None
    return "capabilities not dropped: set `securityContext.capabilities.drop: [ALL]`"


rule(
    "K8S-008",
    "kubernetes-drop-capabilities",
    KUBERNETES,
    Severity.WARNING,
    "Drop all Linux capabilities",
    rationale="""Containers get a dozen capabilities by default (raw sockets, chown, setuid…). A Node
        service needs none of them; each is a tool for an attacker.""",
    fix="""Set `securityContext.capabilities.drop: [ALL]` (add back only what is proven necessary).""",
)(_security_rule(_drop_all))


def _read_only_root(workload: Workload, container: Container) -> str | None:
    if _security(container).get("readOnlyRootFilesystem") is True:
        return None
    return (
        "writable root filesystem: set `securityContext.readOnlyRootFilesystem: true` "
        "(mount an emptyDir for /tmp)"
    )


rule(
    "K8S-009",
    "kubernetes-read-only-root",
    KUBERNETES,
    Severity.WARNING,
    "Mount the root filesystem read-only",
    rationale="""A read-only root filesystem stops an attacker from dropping tools or changing the
        application's code, and makes any write to an unexpected place fail loudly.""",
    fix="""Set `securityContext.readOnlyRootFilesystem: true` and mount an `emptyDir` at `/tmp` if the
        service writes temporary files.""",
)(_security_rule(_read_only_root))


@rule(
    "K8S-010",
    "kubernetes-image-tag",
    KUBERNETES,
    Severity.ERROR,
    "Pin container images to a version",
    rationale="""`latest` (or no tag) means two pods of one Deployment can run different code, and a
        rollback redeploys whatever `latest` is now.""",
    fix="""Use an immutable tag (the git SHA or release version) or a digest: `image:
        registry.example.com/api:1.4.2`.""",
)
def image_tag(project: Project) -> Iterator[Hit]:
    for workload, container in _containers(project):
        image = Image.parse(container.image)
        if not container.image or "{{" in container.image or "$" in container.image:
            continue
        if image.digest is None and (image.tag is None or image.tag == "latest"):
            yield _hit(
                workload,
                container,
                container.image_line,
                f"image `{container.image}` floats: pin a version tag or digest",
            )


def _seccomp(workload: Workload, container: Container) -> str | None:
    profile = _effective(workload, container, "seccompProfile")
    if isinstance(profile, dict) and profile.get("type") in {"RuntimeDefault", "Localhost"}:
        return None
    return "no seccomp profile: set `securityContext.seccompProfile.type: RuntimeDefault`"


rule(
    "K8S-011",
    "kubernetes-seccomp",
    KUBERNETES,
    Severity.WARNING,
    "Use the `RuntimeDefault` seccomp profile",
    rationale="""Without a seccomp profile a container may call every system call the kernel has,
        including the rarely used ones most kernel exploits go through.""",
    fix="""Set `securityContext.seccompProfile: { type: RuntimeDefault }` on the pod.""",
)(_security_rule(_seccomp))


def _not_privileged(workload: Workload, container: Container) -> str | None:
    if _security(container).get("privileged") is True:
        return "runs privileged (full access to the node): remove `privileged: true`"
    return None


rule(
    "K8S-012",
    "kubernetes-not-privileged",
    KUBERNETES,
    Severity.ERROR,
    "Never run privileged containers",
    rationale="""A privileged container has every capability and every device of the node: escaping it
        is trivial. An application service never needs it.""",
    fix="""Remove `securityContext.privileged: true`.""",
)(_security_rule(_not_privileged))
