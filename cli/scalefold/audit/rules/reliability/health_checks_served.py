"""REL-009: health checks call routes the app really serves.

Three layers ask the service whether it is healthy: the Dockerfile's `HEALTHCHECK`, the Kubernetes
probes and the compose file's `healthcheck`. Each names a path, written by hand, far from the code
that serves it; after a route is renamed (`/healthz` → `/health/live`) the check fails forever and
the orchestrator restarts a healthy service, or never routes traffic to it. This rule compares the
paths the checks call with the GET routes the code declares.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlparse

from scalefold.audit.model import Category, Hit, Location, NotApplicable, Severity
from scalefold.audit.parsers.yamlloc import LMap
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule

_URL = re.compile(r"https?://[^\s'\"`)\]]+")
_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_COMPOSE = re.compile(r"(^|/)(docker-)?compose[\w.-]*\.ya?ml$")


def _served(project: Project) -> list[str]:
    return sorted(
        {
            route.path.rstrip("/") or "/"
            for pkg in project.services
            for facts in project.package_sources(pkg)
            for route in facts.routes
            if route.method in {"GET", "ALL", "HEAD"} or "GET" in route.method
        }
    )


def _is_served(path: str, served: list[str]) -> bool:
    """Served when a route is the path, or ends it (a router mounted under a prefix), or has a parameter
    where the path has a segment."""
    path = path.rstrip("/") or "/"
    for route in served:
        if route == path or (route != "/" and path.endswith(route)):
            return True
        pattern = "^(.*/)?" + re.sub(r":\w+|\{\w+\}|\*", "[^/]+", re.escape(route).replace(r"\:", ":")) + "$"
        if "[^/]+" in pattern and re.match(pattern, path):
            return True
    return False


def _paths_in(text: str) -> list[str]:
    return [urlparse(url).path or "/" for url in _URL.findall(text)]


def _checks(project: Project) -> Iterator[tuple[Location, str, str]]:
    """(where, what checks, the path it calls) for every health check that names an HTTP path."""
    for dockerfile in project.dockerfiles:
        final = dockerfile.final
        for ins in final.find("HEALTHCHECK") if final is not None else []:
            for path in _paths_in(ins.args):
                yield Location(dockerfile.path, ins.line, f"HEALTHCHECK {path}"), "The HEALTHCHECK", path
    for workload in project.workloads:
        for container in workload.containers:
            for probe in _PROBES:
                http = (
                    container.data.get(probe, {}).get("httpGet")
                    if isinstance(container.data.get(probe), dict)
                    else None
                )
                if isinstance(http, dict) and isinstance(http.get("path"), str):
                    line = http.line_of("path") if isinstance(http, LMap) else container.line
                    where = Location(workload.path, line, f"{container.name} {probe} {http['path']}")
                    yield where, f"The {probe} of `{container.name}`", http["path"]
    for rel in sorted(project.files):
        if not _COMPOSE.search(rel):
            continue
        docs = project.yaml(rel) or []
        services = docs[0].get("services") if docs and isinstance(docs[0], dict) else None
        for name, service in (services or {}).items() if isinstance(services, dict) else []:
            if not isinstance(service, dict) or "build" not in service:
                continue  # a third-party image (a database, Jaeger): its checks call its own routes
            check = service.get("healthcheck")
            test = check.get("test") if isinstance(check, dict) else None
            text = " ".join(map(str, test)) if isinstance(test, list) else str(test or "")
            for path in _paths_in(text):
                line = check.line_of("test") if isinstance(check, LMap) else 1
                yield (
                    Location(rel, line, f"{name} healthcheck {path}"),
                    f"The compose healthcheck of `{name}`",
                    path,
                )


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    checks = list(_checks(project))
    if not checks:
        raise NotApplicable("no health check names an HTTP path")
    project.require_sources()
    served = _served(project)
    if not served:
        raise NotApplicable("no GET route found in the code to compare with")
    for where, what, path in checks:
        if not _is_served(path, served):
            yield Hit(
                where,
                f"{what} calls `{path}`, which no route serves: call the liveness route the app declares",
            )


RULE = Rule(
    id="REL-009",
    name="reliability-health-checks-served",
    category=Category.RELIABILITY,
    severity=Severity.WARNING,
    title="Health checks call routes the app serves",
    rationale="""The Dockerfile `HEALTHCHECK`, the Kubernetes probes and the compose `healthcheck` name a
        path written far from the code that serves it. When they disagree, the orchestrator restarts a
        healthy service or never sends it traffic.""",
    fix="""Point every check at the routes the service declares (`/health/live` for liveness,
        `/health/ready` for readiness), and change them together when a route moves.""",
    check=check,
)
