"""REL-009: health checks call routes the app really serves.

Three layers ask the service whether it is healthy: the Dockerfile's `HEALTHCHECK`, the Kubernetes
probes and the compose file's `healthcheck`. Each names a path, written by hand, far from the code
that serves it; after a route is renamed (`/healthz` → `/health/live`) the check fails forever and
the orchestrator restarts a healthy service, or never routes traffic to it. This rule compares the
paths the checks call with the GET routes the code declares, and the ports they call with the ports
the container declares (EXPOSE or `ENV PORT` in the image, `containerPort` or a `PORT` variable in
Kubernetes, the container side of `ports`/`expose` or `PORT` in compose). Where the container
declares none, or only variables (`EXPOSE $PORT`), the default port in the code stands in
(`port: Number(env.PORT ?? 3000)`, `app.listen(3000)`); without either only the path is compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from urllib.parse import urlparse

import tree_sitter as ts

from scalefold.audit.js.facts import Mark
from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call, on_pair
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
            for facts in project.sources_built_on(pkg)
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


@dataclass(frozen=True)
class _Check:
    where: Location
    what: str  # "The HEALTHCHECK", "The livenessProbe of `api`"
    path: str
    port: int | str | None  # a number, a Kubernetes port name, or None when the check names none
    ports: frozenset[int] | None  # what the container listens on; None when unknown
    names: frozenset[str] = frozenset()  # named container ports (Kubernetes)


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _number(value: object) -> int | None:
    text = str(value).strip().split("/")[0]  # `3000/tcp`
    return int(text) if text.isdigit() else None


def _known(values: list[object]) -> frozenset[int] | None:
    """The ports among ``values``; None when one of them is not a literal number (`$PORT`)."""
    ports = [_number(v) for v in values]
    if not ports or any(p is None for p in ports):
        return None
    return frozenset(p for p in ports if p is not None)


def _urls_in(text: str) -> list[tuple[str, int | None]]:
    """(path, port) of every URL; the port is None when it is written with a variable."""
    found = []
    for url in _URL.findall(text):
        parsed = urlparse(url)
        host = parsed.netloc.rsplit("@", 1)[-1]
        if "$" in host or "{" in host:
            port = None
        else:
            try:
                port = parsed.port or _DEFAULT_PORTS.get(parsed.scheme)
            except ValueError:
                port = None
        found.append((parsed.path or "/", port))
    return found


def _dockerfile_checks(project: Project) -> Iterator[_Check]:
    for dockerfile in project.dockerfiles:
        final = dockerfile.final
        if final is None:
            continue
        exposed: list[object] = [word for ins in final.find("EXPOSE") for word in ins.args.split()]
        port_env = final.env().get("PORT")
        if port_env is not None:
            exposed.append(port_env[0])
        ports = _known(exposed)
        for ins in final.find("HEALTHCHECK"):
            for path, port in _urls_in(ins.args):
                where = Location(dockerfile.path, ins.line, f"HEALTHCHECK {path}")
                yield _Check(where, "The HEALTHCHECK", path, port, ports)


def _container_ports(container_data: LMap) -> tuple[frozenset[int] | None, frozenset[str]]:
    declared = container_data.get("ports")
    entries = [p for p in declared if isinstance(p, dict)] if isinstance(declared, list) else []
    values: list[object] = [p.get("containerPort") for p in entries]
    env = container_data.get("env")
    for var in env if isinstance(env, list) else []:
        if isinstance(var, dict) and var.get("name") == "PORT" and "value" in var:
            values.append(var.get("value"))
    names = frozenset(str(p["name"]) for p in entries if p.get("name") is not None)
    return _known(values), names


def _kubernetes_checks(project: Project) -> Iterator[_Check]:
    for workload in project.workloads:
        for container in workload.containers:
            ports, names = _container_ports(container.data)
            for probe in _PROBES:
                spec = container.data.get(probe)
                http = spec.get("httpGet") if isinstance(spec, dict) else None
                if not isinstance(http, dict) or not isinstance(http.get("path"), str):
                    continue
                line = http.line_of("path") if isinstance(http, LMap) else container.line
                where = Location(workload.path, line, f"{container.name} {probe} {http['path']}")
                raw = http.get("port")
                port: int | str | None = _number(raw) if _number(raw) is not None else raw
                if port is not None and not isinstance(port, int | str):
                    port = None
                yield _Check(where, f"The {probe} of `{container.name}`", http["path"], port, ports, names)


def _compose_ports(service: dict) -> frozenset[int] | None:
    values: list[object] = []
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            values.append(entry.get("target"))
        else:
            values.append(str(entry).rsplit(":", 1)[-1])  # `8080:3000`, `127.0.0.1:8080:3000`
    values.extend(service.get("expose") or [])
    env = service.get("environment")
    if isinstance(env, dict) and "PORT" in env:
        values.append(env["PORT"])
    elif isinstance(env, list):
        values.extend(str(e).split("=", 1)[1] for e in env if str(e).startswith("PORT="))
    return _known(values)


def _compose_checks(project: Project) -> Iterator[_Check]:
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
            line = check.line_of("test") if isinstance(check, LMap) else 1
            ports = _compose_ports(service)
            for path, port in _urls_in(text):
                where = Location(rel, line, f"{name} healthcheck {path}")
                yield _Check(where, f"The compose healthcheck of `{name}`", path, port, ports)


def _checks(project: Project) -> Iterator[_Check]:
    """Every health check that names an HTTP path."""
    yield from _dockerfile_checks(project)
    yield from _kubernetes_checks(project)
    yield from _compose_checks(project)


def _wrong_port(check: _Check) -> str | None:
    """Why the check calls a port the container does not listen on, or None."""
    if isinstance(check.port, str):
        if check.names and check.port not in check.names:
            return f"names port `{check.port}`, which the container does not declare ({', '.join(sorted(check.names))})"
        return None
    if check.port is None or check.ports is None or check.port in check.ports:
        return None
    listening = ", ".join(str(p) for p in sorted(check.ports))
    return f"calls port {check.port}, but the container listens on {listening}"


_LISTENS = "listens"  # mark `listens <port>`: a port the code listens on by default


def _default_port(file: JsFile, node: ts.Node | None) -> int | None:
    """3000 from `3000`, `env.PORT ?? 3000`, `process.env.PORT || '3000'`, `Number(…)`/`parseInt(…)`."""
    node = file.resolve(node)
    if node is None:
        return None
    if node.type == "number":
        value = file.number_value(node)
        return int(value) if value is not None and value.is_integer() else None
    if node.type == "string":
        return _number(file.string_value(node))
    if node.type == "binary_expression" and file.text(node.child_by_field_name("operator")) in {"??", "||"}:
        return _default_port(file, node.child_by_field_name("right"))
    if node.type == "call_expression" and file.text(node.child_by_field_name("function")) in {
        "Number",
        "parseInt",
        "Number.parseInt",
    }:
        args = file.callcall_arguments(node)
        return _default_port(file, args[0]) if args else None
    return None


@on_pair("port", "PORT")
def _port_setting(file: JsFile, pair: ts.Node) -> Iterator[Mark]:
    """`port: Number(env.PORT ?? 3000)` in a config module or in `listen({ port })`."""
    port = _default_port(file, pair.child_by_field_name("value"))
    if port is not None:
        yield file.mark(f"{_LISTENS} {port}", pair)


@on_call("listen")
def _listen(file: JsFile, call: Call) -> Iterator[Mark]:
    """`app.listen(3000)`, `server.listen(process.env.PORT || 3000)`."""
    port = _default_port(file, call.args[0]) if call.obj is not None and call.args else None
    if port is not None:
        yield file.mark(f"{_LISTENS} {port}", call.node)


def _code_ports(project: Project, rule: Rule) -> frozenset[int] | None:
    """The default ports of the services' code, or None when the code names none."""
    ports = {
        int(name.split(" ", 1)[1])
        for pkg in project.services
        for facts in project.package_sources(pkg)
        for name in facts.marks.get(rule.id, {})
        if name.startswith(f"{_LISTENS} ")
    }
    return frozenset(ports) or None


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    checks = list(_checks(project))
    if not checks:
        raise NotApplicable("no health check names an HTTP path")
    if any(item.ports is None and isinstance(item.port, int) for item in checks) and project.sources:
        code_ports = _code_ports(project, rule)
        checks = [
            replace(item, ports=code_ports) if item.ports is None and isinstance(item.port, int) else item
            for item in checks
        ]
    hits = [
        Hit(item.where, f"{item.what} {wrong}: call the port the service listens on")
        for item in checks
        if (wrong := _wrong_port(item)) is not None
    ]
    try:
        project.require_sources()
        served = _served(project)
        if not served:
            raise NotApplicable("no GET route found in the code to compare with")
    except NotApplicable:
        if not hits:
            raise
        served = []  # the ports are still compared when there is no code to compare the paths with
    yield from hits
    for item in checks:
        if served and not _is_served(item.path, served):
            yield Hit(
                item.where,
                f"{item.what} calls `{item.path}`, which no route serves: call the liveness route the app declares",
            )


RULE = Rule(
    id="REL-009",
    name="reliability-health-checks-served",
    category=Category.RELIABILITY,
    severity=Severity.WARNING,
    title="Health checks call routes and ports the app serves",
    rationale="""The Dockerfile `HEALTHCHECK`, the Kubernetes probes and the compose `healthcheck` name a
        path and a port written far from the code that serves them. When they disagree, the orchestrator restarts a
        healthy service or never sends it traffic.""",
    fix="""Point every check at the routes the service declares (`/health/live` for liveness,
        `/health/ready` for readiness) on the port the container declares (a named `containerPort` in
        Kubernetes), and change them together when a route or the port moves.""",
    check=check,
    visitors=(_port_setting, _listen),
)
