"""Detectors: visitors whose marks several rules read, kept apart from any one rule.

``SERVER`` marks where each HTTP server is created (``Fastify()``, ``express()``, ``new Koa()``,
``NestFactory.create``): rules that report something missing from a service point there.
"""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.js.facts import Mark
from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call, on_new
from scalefold.audit.rule import Detector

APP = "app"

# Modules whose default export (or named factory) creates an HTTP server.
FRAMEWORK_FACTORIES = frozenset({"fastify", "express", "koa", "hono", "@hapi/hapi"})
FACTORY_NAMES = ("fastify", "Fastify", "express", "createServer", "server", "create")


def creates_server(file: JsFile, call: Call) -> bool:
    """Whether ``call`` creates a Fastify, Express, Hono or hapi server."""
    module, imported = file.call_module(call)
    return module in FRAMEWORK_FACTORIES and imported in {"default", "fastify", "server", "*", "express"}


def server_options(file: JsFile, call: Call) -> dict[str, ts.Node]:
    """The options object of a call that creates a server (`Fastify({ logger, bodyLimit })`), else {}."""
    if not creates_server(file, call):
        return {}
    return file.object_props(call.args[0] if call.args else None) or {}


@on_call(*FACTORY_NAMES)
def _app_created(file: JsFile, call: Call) -> Iterator[Mark]:
    if creates_server(file, call) or call.name == "create" and file.call_module(call)[0] == "@nestjs/core":
        yield file.mark(APP, call.node)


@on_new("Koa", "Hono", "Server")
def _app_constructed(file: JsFile, node: ts.Node, _args: list[ts.Node]) -> Iterator[Mark]:
    module, _ = file.module_of(node.child_by_field_name("constructor"))
    if module in {"koa", "hono", "@hapi/hapi"}:
        yield file.mark(APP, node)


SERVER = Detector("server", (_app_created, _app_constructed))
