"""Observability rules: logs, metrics, traces and request ids."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.model import Category, Hit, NotApplicable, Severity
from scalefold.audit.parsers.js import Call, Import, JsFile, normalise_module, on_call, on_import, on_pair
from scalefold.audit.project import NodePackage, Project
from scalefold.audit.registry import rule

OBSERVABILITY = Category.OBSERVABILITY

_LOGGERS = {
    "pino",
    "winston",
    "bunyan",
    "log4js",
    "pino-http",
    "express-pino-logger",
    "@logtape/logtape",
    "roarr",
}
_METRICS = {
    "prom-client",
    "@opentelemetry/sdk-metrics",
    "@opentelemetry/api",
    "hot-shots",
    "@siimon/prom-client",
}
_METRICS_WITH_LAG = {
    "fastify-metrics",
    "express-prom-bundle",
    "@opentelemetry/instrumentation-runtime-node",
    "@opentelemetry/host-metrics",
    "@willsoto/nestjs-prometheus",
}
_REQUEST_ID = {
    "cls-rtracer",
    "express-request-id",
    "correlation-id",
    "express-correlation-id",
    "@fastify/request-context",
    "nestjs-cls",
    "request-ip",
}
_CACHES = {
    "ioredis",
    "redis",
    "lru-cache",
    "node-cache",
    "cache-manager",
    "@fastify/caching",
    "keyv",
    "memcached",
    "@isaacs/ttlcache",
    "lru.min",
    "@nestjs/cache-manager",
    "catbox",
    "@keyv/redis",
    "quick-lru",
    "mnemonist",
}


@on_import
def _observability_imports(file: JsFile, imp: Import) -> None:
    module = normalise_module(imp.spec) or ""
    if module in _LOGGERS:
        file.facts.signals.setdefault("logger", (imp.line, f"import {module}"))
    if module in _METRICS or module in _METRICS_WITH_LAG:
        file.facts.signals.setdefault("metrics", (imp.line, f"import {module}"))
    if module in _METRICS_WITH_LAG:
        file.facts.signals.setdefault("eventloop-lag", (imp.line, f"import {module}"))
    if module in _REQUEST_ID:
        file.facts.signals.setdefault("request-id", (imp.line, f"import {module}"))
    if module in _CACHES or module.startswith("@keyv/"):
        file.facts.signals.setdefault("cache", (imp.line, f"import {module}"))


@rule(
    "OBS-001",
    "observability-structured-logger",
    OBSERVABILITY,
    Severity.WARNING,
    "Log through a structured logger",
    rationale="""JSON logs with levels, timestamps and request ids can be searched, filtered and alerted
        on; `console` output is unstructured text, synchronous on pipes, and cannot be turned down
        in production.""",
    fix="""Use pino (Fastify's built-in logger: `Fastify({ logger: { level: config.logLevel } })`) or
        winston, and log through `request.log` inside handlers.""",
)
def structured_logger(project: Project) -> Iterator[Hit]:
    for pkg in project.require_services():
        if pkg.framework == "nestjs" or project.signal(pkg, "logger") is not None:
            continue
        anchor = project.anchor(pkg)
        hint = "`Fastify({ logger: … })`" if pkg.framework == "fastify" else "pino or winston"
        yield Hit(anchor.path, anchor.line, f"No structured logger: use {hint}", "no logger")


_CONSOLE_OUTPUT = {"log", "info", "debug", "trace", "dir", "table"}


@on_call(*_CONSOLE_OUTPUT)
def _console(file: JsFile, call: Call) -> None:
    if call.obj is not None and file.text(call.obj) == "console":
        file.report(
            "OBS-002",
            call.node,
            f"`console.{call.name}` in server code: log through the "
            f"logger (`request.log` / `logger.{_level(call.name)}`)",
        )


def _level(name: str) -> str:
    return {"log": "info", "dir": "debug", "table": "debug"}.get(name, name)


@rule(
    "OBS-002",
    "observability-no-console",
    OBSERVABILITY,
    Severity.WARNING,
    "No `console.log` in server code",
    rationale="""`console.log` bypasses the logger: no level, no request id, no redaction of secrets,
        and it blocks the event loop when stdout is a pipe. Tests, scripts and configuration files
        are not server code and are not checked. (`console.error` and `console.warn` are allowed
        for fatal start-up errors before the logger exists.)""",
    fix="""Replace it with `request.log.info(...)` in handlers or the shared `logger` elsewhere.""",
)
def no_console(project: Project) -> Iterator[Hit]:
    project.require_node()
    if not project.sources:
        raise NotApplicable("no server source code")
    yield from project.js_hits("OBS-002", server_only=True)


def _literal_level(file: JsFile, options: ts.Node | None) -> None:
    props = file.object_props(options) or {}
    level = props.get("level")
    value = file.string_value(level) if level is not None else None
    if level is not None and value is not None:
        file.report(
            "OBS-003",
            level,
            f"Log level fixed at '{value}': read it from configuration (`level: config.logLevel`)",
        )


@on_call("pino", "createLogger", "fastify", "Fastify")
def _logger_level(file: JsFile, call: Call) -> None:
    module, _ = file.call_module(call)
    options = call.args[0] if call.args else None
    if module == "pino" or (module == "winston" and call.name == "createLogger"):
        _literal_level(file, options)
    elif module == "fastify":
        logger = (file.object_props(options) or {}).get("logger")
        if logger is not None:
            _literal_level(file, logger)


@rule(
    "OBS-003",
    "observability-log-level-from-config",
    OBSERVABILITY,
    Severity.WARNING,
    "Read the log level from configuration",
    rationale="""During an incident you need `debug` logs now, without a release; in normal operation
        you want `info`. A level written in the code forces a deploy to change it.""",
    fix="""Pass `level: config.logLevel` (from `LOG_LEVEL`, validated at start-up with a default of
        `info`).""",
)
def log_level(project: Project) -> Iterator[Hit]:
    project.require_node()
    if not project.sources:
        raise NotApplicable("no server source code")
    yield from project.js_hits("OBS-003")


@on_call("collectDefaultMetrics", "monitorEventLoopDelay")
def _event_loop_lag(file: JsFile, call: Call) -> None:
    module, _ = file.call_module(call)
    if module in {"prom-client", "perf_hooks", "@siimon/prom-client"} or call.name == "collectDefaultMetrics":
        file.signal("eventloop-lag", call.node)


@rule(
    "OBS-004",
    "observability-metrics",
    OBSERVABILITY,
    Severity.WARNING,
    "Expose metrics, including event-loop lag",
    rationale="""Event-loop lag is the first sign a Node service is saturated (before latency and errors
        climb); request rates, latencies and pool usage tell you where. Without metrics,
        autoscaling and alerts have nothing to act on.""",
    fix="""Use prom-client: `collectDefaultMetrics()` (event-loop lag, heap, GC) plus a request-duration
        histogram, served at `/metrics`.""",
)
def metrics(project: Project) -> Iterator[Hit]:
    for pkg in project.require_services():
        if project.signal(pkg, "eventloop-lag") is not None:
            continue
        found = project.signal(pkg, "metrics")
        if found is not None:
            yield Hit(
                found.path,
                found.line,
                "Metrics without event-loop lag: call `collectDefaultMetrics()` (or `monitorEventLoopDelay`)",
                found.snippet,
            )
        else:
            anchor = project.anchor(pkg)
            yield Hit(
                anchor.path,
                anchor.line,
                "No metrics: add prom-client with `collectDefaultMetrics()` and serve `/metrics`",
                "no metrics",
            )


_PRELOAD_FLAGS = {"--import", "--require", "-r", "--loader", "--experimental-loader"}
_TELEMETRY = re.compile(
    r"otel|opentelemetry|telemetry|tracing|tracer|instrument|dd-trace|newrelic|elastic-apm", re.IGNORECASE
)


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


def _otel_preloaded(project: Project, pkg: NodePackage) -> bool:
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
    for rel in project.files:
        name = rel.rsplit("/", 1)[-1]
        if name in {
            "compose.yaml",
            "compose.yml",
            "docker-compose.yml",
            "docker-compose.yaml",
        } or rel.endswith(".env.example"):
            text = project.read(rel) or ""
            if "NODE_OPTIONS" in text:
                for line in text.splitlines():
                    if "NODE_OPTIONS" in line and preload_in(
                        line.split("NODE_OPTIONS", 1)[1].lstrip(":= \"'")
                    ):
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


@rule(
    "OBS-005",
    "observability-otel-preload",
    OBSERVABILITY,
    Severity.NOTE,
    "Preload OpenTelemetry before the application",
    rationale="""OpenTelemetry patches `http`, `pg`, `ioredis` and friends when they are first loaded;
        started from inside the application it comes too late and traces miss spans. Preloading it
        with `--import` makes tracing reliable (and it stays off until an endpoint is configured).""",
    fix="""Put the SDK set-up in `src/telemetry.ts` and start with `node --import ./dist/telemetry.js
        dist/server.js` (in the `start` script, the Dockerfile `CMD` or `NODE_OPTIONS`).""",
)
def otel_preload(project: Project) -> Iterator[Hit]:
    for pkg in project.require_services():
        if _otel_preloaded(project, pkg):
            continue
        scripts = pkg.data.get("scripts")
        line = (
            scripts.line_of("start")
            if isinstance(scripts, dict) and hasattr(scripts, "line_of") and "start" in scripts
            else pkg.key_line("scripts")
        )
        yield Hit(
            pkg.path,
            line,
            "OpenTelemetry is not preloaded: start with `node --import ./dist/telemetry.js dist/server.js`",
            "no otel preload",
        )


_REQUEST_ID_HEADERS = {"x-request-id", "x-correlation-id", "request-id", "x-amzn-trace-id", "traceparent"}


@on_call("get", "header", "set", "setHeader", "getHeader")
def _request_id_header(file: JsFile, call: Call) -> None:
    if call.args and (file.string_value(call.args[0]) or "").lower() in _REQUEST_ID_HEADERS:
        file.signal("request-id", call.node)


@on_pair("genReqId", "requestIdHeader")
def _request_id_option(file: JsFile, pair: ts.Node) -> None:
    file.signal("request-id", pair)


@rule(
    "OBS-006",
    "observability-request-id",
    OBSERVABILITY,
    Severity.WARNING,
    "Give every request a correlation id",
    rationale="""Without an id carried from the edge (`x-request-id`) through every log line and
        downstream call, one user's failing request cannot be followed across services or told
        apart from a thousand others.""",
    fix="""Fastify: `Fastify({ requestIdHeader: 'x-request-id', genReqId: () => randomUUID() })` and
        return the id in a response header; Express: a request-id middleware such as cls-rtracer.""",
)
def request_id(project: Project) -> Iterator[Hit]:
    for pkg in project.require_services():
        if pkg.framework == "nestjs" or project.signal(pkg, "request-id") is not None:
            continue
        anchor = project.anchor(pkg)
        hint = (
            "set `requestIdHeader` and `genReqId` in Fastify()"
            if pkg.framework == "fastify"
            else "add request-id middleware"
        )
        yield Hit(anchor.path, anchor.line, f"No request correlation id: {hint}", "no request id")
