"""OBS-001: log through a structured logger."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.detectors import FACTORY_NAMES, server_options
from scalefold.audit.js.facts import Import, Mark
from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call, on_import
from scalefold.audit.model import Category, Hit, Severity, Unchecked
from scalefold.audit.packages import NodePackage
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import missing
from scalefold.audit.rules.observability.secrets_in_logs import SECRET_LOG_VISITORS
from scalefold.audit.rules.security.common import PRESENT, import_mark

_LOGGERS = frozenset(
    {
        "pino",
        "winston",
        "bunyan",
        "log4js",
        "pino-http",
        "express-pino-logger",
        "@logtape/logtape",
        "roarr",
        "nestjs-pino",  # Nest's own logger writes plain text; these two replace it
        "nest-winston",
    }
)


@on_import(*sorted(_LOGGERS))
def _logger_imported(file: JsFile, imp: Import) -> Iterator[Mark]:
    if imp.spec.removeprefix("node:") in _LOGGERS:  # the module itself, not one of its files
        yield import_mark(file, imp)


@on_call(*FACTORY_NAMES)
def _server_logger(file: JsFile, call: Call) -> Iterator[Mark]:
    """`Fastify({ logger: … })` or `Fastify({ loggerInstance })`: pino, built in."""
    if {"logger", "loggerInstance"} & server_options(file, call).keys():
        yield file.mark(PRESENT, call.node)


def started_by_fastify_cli(pkg: NodePackage) -> bool:
    """`fastify start app.js`: fastify-cli creates the server with its pino logger."""
    scripts = pkg.data.get("scripts")
    return (
        pkg.has_dep("fastify-cli") is not None
        and isinstance(scripts, dict)
        and any("fastify start" in str(command) for command in scripts.values())
    )


def check(project: Project, rule: Rule) -> Iterator[Hit | Unchecked]:
    project.require_node()
    yield from project.source_hits(rule, server_only=True)  # secrets written into log messages
    for pkg in project.require_services():
        if started_by_fastify_cli(pkg):
            continue
        if project.mark(rule, pkg, PRESENT, follow=True) is not None:
            continue
        hint = {"fastify": "`Fastify({ logger: … })`", "nestjs": "nestjs-pino"}.get(
            pkg.framework or "", "pino or winston"
        )
        yield missing(project, pkg, f"No structured logger: use {hint}", "no logger")


RULE = Rule(
    id="OBS-001",
    name="observability-structured-logger",
    category=Category.OBSERVABILITY,
    severity=Severity.WARNING,
    title="Log through a structured logger",
    rationale="""JSON logs with levels, timestamps and request ids can be searched, filtered and alerted
        on; `console` output is unstructured text, synchronous on pipes, and cannot be turned down
        in production. A secret written into a log message (a password, a token, the JWT secret,
        a configuration object that holds them) is a finding too: logs are read by many and kept
        long.""",
    fix="""Use pino (Fastify's built-in logger: `Fastify({ logger: { level: config.logLevel } })`) or
        winston, and log through `request.log` inside handlers.""",
    check=check,
    visitors=(_logger_imported, _server_logger, *SECRET_LOG_VISITORS),
)
