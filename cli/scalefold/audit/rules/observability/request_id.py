"""OBS-006: give every request a correlation id."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.detectors import FACTORY_NAMES, server_options
from scalefold.audit.js.facts import Import, Mark
from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call, on_import, on_pair
from scalefold.audit.model import Category, Hit, Severity, Unchecked
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import missing
from scalefold.audit.rules.observability.structured_logger import started_by_fastify_cli
from scalefold.audit.rules.security.common import PRESENT, import_mark

_REQUEST_ID_LIBRARIES = frozenset(
    {
        "cls-rtracer",
        "express-request-id",
        "correlation-id",
        "express-correlation-id",
        "@fastify/request-context",
        "nestjs-cls",
        "request-ip",
    }
)
FASTIFY_LOGGER = "fastify-logger"
_REQUEST_ID_HEADERS = {"x-request-id", "x-correlation-id", "request-id", "x-amzn-trace-id", "traceparent"}


@on_import(*sorted(_REQUEST_ID_LIBRARIES))
def _library_imported(file: JsFile, imp: Import) -> Iterator[Mark]:
    if imp.spec.removeprefix("node:") in _REQUEST_ID_LIBRARIES:  # the module itself, not one of its files
        yield import_mark(file, imp)


@on_call(*FACTORY_NAMES)
def _server_options(file: JsFile, call: Call) -> Iterator[Mark]:
    """`Fastify({ genReqId, requestIdHeader })`."""
    if {"genReqId", "requestIdHeader"} & server_options(file, call).keys():
        yield file.mark(PRESENT, call.node)


@on_call("get", "header", "set", "setHeader", "getHeader")
def _header(file: JsFile, call: Call) -> Iterator[Mark]:
    """`req.get('x-request-id')`, `reply.header('x-request-id', id)`."""
    if call.args and (file.string_value(call.args[0]) or "").lower() in _REQUEST_ID_HEADERS:
        yield file.mark(PRESENT, call.node)


@on_call(*FACTORY_NAMES)
def _fastify_logger(file: JsFile, call: Call) -> Iterator[Mark]:
    """`Fastify({ logger: … })`: its pino logger writes the request id on every line."""
    if {"logger", "loggerInstance"} & server_options(file, call).keys():
        yield file.mark(FASTIFY_LOGGER, call.node)


@on_pair("genReqId", "requestIdHeader")
def _option(file: JsFile, pair: ts.Node) -> Iterator[Mark]:
    yield file.mark(PRESENT, pair)


def check(project: Project, rule: Rule) -> Iterator[Hit | Unchecked]:
    for pkg in project.require_services():
        if project.mark(rule, pkg, PRESENT, follow=True) is not None:
            continue
        if pkg.framework == "fastify" and (
            started_by_fastify_cli(pkg) or project.mark(rule, pkg, FASTIFY_LOGGER, follow=True) is not None
        ):
            continue  # Fastify's default: every request gets an id, on every log line (`reqId`)
        hint = (
            "set `requestIdHeader` and `genReqId` in Fastify()"
            if pkg.framework == "fastify"
            else "add request-id middleware"
        )
        yield missing(project, pkg, f"No request correlation id: {hint}", "no request id")


RULE = Rule(
    id="OBS-006",
    name="observability-request-id",
    category=Category.OBSERVABILITY,
    severity=Severity.WARNING,
    title="Give every request a correlation id",
    rationale="""Without an id carried from the edge (`x-request-id`) through every log line and
        downstream call, one user's failing request cannot be followed across services or told
        apart from a thousand others.""",
    fix="""Fastify: `Fastify({ requestIdHeader: 'x-request-id', genReqId: () => randomUUID() })` and
        return the id in a response header; Express: a request-id middleware such as cls-rtracer.""",
    check=check,
    visitors=(_library_imported, _server_options, _header, _option, _fastify_logger),
)
