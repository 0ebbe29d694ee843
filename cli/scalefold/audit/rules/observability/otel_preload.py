"""OBS-005: preload OpenTelemetry before the application."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from typing import Any

from scalefold.audit.model import Category, Hit, Location, Severity, Unchecked
from scalefold.audit.packages import NodePackage
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule

_PRELOAD_FLAGS = {"--import", "--require", "-r", "--loader", "--experimental-loader"}
# Matched against the preloaded module's path (text): ./dist/telemetry.js, @opentelemetry/auto-instrumentations-node/register.
_TELEMETRY = re.compile(
    r"otel|opentelemetry|telemetry|tracing|tracer|instrument|dd-trace|newrelic|elastic-apm", re.IGNORECASE
)
_COMPOSE_FILES = {"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"}


def preload_in(command: str) -> bool:
    """True when a node command line preloads a telemetry module (`--import ./telemetry.js`)."""
    try:
        tokens = shlex.split(command)
    except ValueError:
        tokens = command.split()
    for index, token in enumerate(tokens):
        flag, _, inline = token.partition("=")
        if flag in _PRELOAD_FLAGS:
            value = inline or (tokens[index + 1] if index + 1 < len(tokens) else "")
            if _TELEMETRY.search(value):
                return True
    return False


def _compose_node_options(project: Project, rel: str) -> Iterator[str]:
    """NODE_OPTIONS values set on the services of a Compose file (list or mapping form)."""
    for document in project.yaml(rel) or []:
        services = document.get("services") if isinstance(document, dict) else None
        for service in services.values() if isinstance(services, dict) else []:
            environment: Any = service.get("environment") if isinstance(service, dict) else None
            if isinstance(environment, dict) and environment.get("NODE_OPTIONS") is not None:
                yield str(environment["NODE_OPTIONS"])
            elif isinstance(environment, list):
                for item in environment:
                    name, _, value = str(item).partition("=")
                    if name.strip() == "NODE_OPTIONS":
                        yield value


def _dotenv_node_options(project: Project, rel: str) -> Iterator[str]:
    """NODE_OPTIONS in a dotenv file: `NODE_OPTIONS=--import ./dist/telemetry.js` lines."""
    for line in project.lines(rel):
        name, sep, value = line.strip().removeprefix("export ").partition("=")
        if sep and name.strip() == "NODE_OPTIONS":
            yield value.strip().strip("'\"")


def _preloaded(project: Project, pkg: NodePackage) -> bool:
    scripts = pkg.data.get("scripts")
    if isinstance(scripts, dict) and any(preload_in(str(v)) for k, v in scripts.items() if "start" in str(k)):
        return True
    for dockerfile in project.dockerfiles:
        final = dockerfile.final
        if final is None:
            continue
        for ins in final.find("CMD") + final.find("ENTRYPOINT"):
            command = " ".join(shlex.quote(t) for t in ins.exec_form) if ins.exec_form else ins.args
            if preload_in(command):
                return True
        node_options = final.env().get("NODE_OPTIONS")
        if node_options and preload_in(node_options[0] or ""):
            return True
    for rel in sorted(project.files):
        name = rel.rsplit("/", 1)[-1]
        values = (
            _compose_node_options(project, rel)
            if name in _COMPOSE_FILES
            else _dotenv_node_options(project, rel)
            if rel.endswith(".env.example")
            else iter(())
        )
        if any(preload_in(value) for value in values):
            return True
    for workload in project.workloads:
        for container in workload.containers:
            for env in container.data.get("env") or []:
                if (
                    isinstance(env, dict)
                    and env.get("name") == "NODE_OPTIONS"
                    and preload_in(str(env.get("value") or ""))
                ):
                    return True
    return False


def check(project: Project, rule: Rule) -> Iterator[Hit | Unchecked]:
    for pkg in project.require_services():
        if _preloaded(project, pkg):
            continue
        if not pkg.valid:
            yield Unchecked(f"{pkg.path} could not be read, so its start script is unknown")
            continue
        scripts = pkg.data.get("scripts")
        line = (
            scripts.line_of("start")
            if isinstance(scripts, dict) and hasattr(scripts, "line_of") and "start" in scripts
            else pkg.key_line("scripts")
        )
        yield Hit(
            Location(pkg.path, line, "no otel preload"),
            "OpenTelemetry is not preloaded: start with `node --import ./dist/telemetry.js dist/server.js`",
        )


RULE = Rule(
    id="OBS-005",
    name="observability-otel-preload",
    category=Category.OBSERVABILITY,
    severity=Severity.NOTE,
    title="Preload OpenTelemetry before the application",
    rationale="""OpenTelemetry patches `http`, `pg`, `ioredis` and friends when they are first loaded;
        started from inside the application it comes too late and traces miss spans. Preloading it
        with `--import` makes tracing reliable (and it stays off until an endpoint is configured).""",
    fix="""Put the SDK set-up in `src/telemetry.ts` and start with `node --import ./dist/telemetry.js
        dist/server.js` (in the `start` script, the Dockerfile `CMD` or `NODE_OPTIONS`).""",
    check=check,
)
