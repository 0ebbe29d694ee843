"""PERF-003: reuse a connection pool; never connect per request."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call, on_new
from scalefold.audit.model import Category, Hit, NotApplicable, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule

_CLIENT_CLASSES = {
    ("pg", "Client"),
    ("pg", "Pool"),
    ("mongodb", "MongoClient"),
    ("ioredis", "Redis"),
    ("ioredis", "default"),
    ("@prisma/client", "PrismaClient"),
    ("sequelize", "Sequelize"),
    ("mysql2", "Connection"),
}
_DRIVERS = ("pg", "mysql", "mysql2", "mongodb", "mongoose", "ioredis", "redis", "@prisma/client", "sequelize")


@on_new("Client", "Pool", "MongoClient", "Redis", "PrismaClient", "Sequelize")
def _client_per_request(file: JsFile, node: ts.Node, _args: list[ts.Node]) -> Iterator[Hit]:
    constructor = file.unwrap(node.child_by_field_name("constructor"))
    module, imported = file.module_of(constructor)
    name_node = (
        constructor.child_by_field_name("property")
        if constructor is not None and constructor.type == "member_expression"
        else constructor
    )
    name = file.text(name_node)
    is_client = (module, imported) in _CLIENT_CLASSES or (module, name) in _CLIENT_CLASSES
    if is_client and file.in_request_handler(node):
        yield file.hit(
            node,
            f"`new {name}()` per request opens a new connection each time: create one pool at start-up and reuse it",
        )


@on_call("createConnection", "createClient", "createPool", "connect")
def _connect_per_request(file: JsFile, call: Call) -> Iterator[Hit]:
    module, _ = file.call_module(call)
    per_request_client = module in {"mysql", "mysql2", "mysql2/promise", "redis"} and call.name != "connect"
    if (per_request_client or module == "mongoose") and file.in_request_handler(call.node):
        yield file.hit(
            call.node,
            f"`{call.name}()` per request opens a new connection each time: create one pool at start-up and reuse it",
        )


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    project.require_sources()
    if not any(pkg.has_dep(*_DRIVERS) for pkg in project.packages):
        raise NotApplicable("no database or Redis driver among the dependencies")
    yield from project.source_hits(rule)


RULE = Rule(
    id="PERF-003",
    name="performance-connection-pool",
    category=Category.PERFORMANCE,
    severity=Severity.WARNING,
    title="Reuse a connection pool; never connect per request",
    rationale="""A new database or Redis connection per request costs a TCP and TLS handshake and an
        authentication round trip, and under load exhausts the server's connection limit.""",
    fix="""Create one `new Pool({ max: config.dbPoolSize })` at start-up, share it (through the
        repository layer), and close it on shutdown.""",
    check=check,
    visitors=(_client_per_request, _connect_per_request),
)
