"""Performance rules: keep the event loop free and the database connections few."""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.model import Category, Hit, NotApplicable, Severity
from scalefold.audit.parsers.js import (
    FUNCTION_TYPES,
    Call,
    JsFile,
    RouteCall,
    on_call,
    on_new,
    on_regex,
    on_route,
)
from scalefold.audit.project import Project
from scalefold.audit.redos import catastrophic_backtracking
from scalefold.audit.registry import rule

PERFORMANCE = Category.PERFORMANCE

_BLOCKING_MODULES = {"fs", "crypto", "zlib", "child_process", "bcrypt", "bcryptjs"}


def _require_sources(project: Project) -> None:
    project.require_node()
    if not project.sources:
        raise NotApplicable("no server source code")


@on_call("*Sync")
def _sync_in_handler(file: JsFile, call: Call) -> None:
    module, _ = file.call_module(call)
    if module is None and call.obj is not None and file.text(call.obj) in {"fs", "crypto", "zlib"}:
        module = file.text(call.obj)
    if module not in _BLOCKING_MODULES:
        return
    if file.in_request_handler(call.node):
        file.report(
            "PERF-001",
            call.node,
            f"`{call.name}` blocks the event loop for every request: use "
            f"the async/promise version (`await {call.name[:-4]}(...)`)",
        )


@rule(
    "PERF-001",
    "performance-no-sync-in-handlers",
    PERFORMANCE,
    Severity.WARNING,
    "No synchronous file, crypto, zlib or child-process calls in request handlers",
    rationale="""A `*Sync` call stops the whole process, every other request included, until the disk,
        the CPU-heavy hash or the child process finishes. At module top level (start-up) that is
        fine; inside a handler it caps throughput at one request at a time.""",
    fix="""Use the promise API (`await readFile(…)`, `await bcrypt.hash(…)`, `await promisify(gzip)(…)`)
        or move CPU-heavy work to a worker thread.""",
)
def no_sync_in_handlers(project: Project) -> Iterator[Hit]:
    _require_sources(project)
    yield from project.js_hits("PERF-001", server_only=True)


def _check_pattern(file: JsFile, node: ts.Node, pattern: str) -> None:
    reason = catastrophic_backtracking(pattern)
    if reason:
        file.report(
            "PERF-002",
            node,
            f"Regular expression /{pattern}/ can backtrack "
            f"catastrophically ({reason}): make the repeats unambiguous",
        )


@on_regex
def _regex_literal(file: JsFile, node: ts.Node) -> None:
    pattern = node.child_by_field_name("pattern")
    if pattern is not None:
        _check_pattern(file, node, file.text(pattern))


@on_new("RegExp")
def _regex_constructor(file: JsFile, node: ts.Node, args: list[ts.Node]) -> None:
    pattern = file.string_value(args[0]) if args else None
    if pattern is not None:
        _check_pattern(file, node, pattern.replace("\\\\", "\\"))


@on_call("RegExp")
def _regex_call(file: JsFile, call: Call) -> None:
    if call.obj is None and call.args:
        pattern = file.string_value(call.args[0])
        if pattern is not None:
            _check_pattern(file, call.node, pattern.replace("\\\\", "\\"))


@rule(
    "PERF-002",
    "performance-redos",
    PERFORMANCE,
    Severity.WARNING,
    "No regular expressions with catastrophic backtracking",
    rationale="""Nested or ambiguous repeats such as `(a+)+` or `(\\w+\\s?)*` take exponential time on a
        crafted input: one request of a few dozen characters pins a CPU for minutes (ReDoS).""",
    fix="""Remove the nesting (`\\w+(\\s\\w+)*` instead of `(\\w+\\s?)*`), bound the input length before
        matching, or use a linear-time engine such as re2.""",
)
def redos(project: Project) -> Iterator[Hit]:
    _require_sources(project)
    yield from project.js_hits("PERF-002")


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


@on_new("Client", "Pool", "MongoClient", "Redis", "PrismaClient", "Sequelize")
def _client_per_request(file: JsFile, node: ts.Node, _args: list[ts.Node]) -> None:
    constructor = node.child_by_field_name("constructor")
    module, imported = file.module_of(constructor)
    name = file.text(constructor).rsplit(".", 1)[-1]
    is_client = (module, imported) in _CLIENT_CLASSES or (module, name) in _CLIENT_CLASSES
    if is_client and file.in_request_handler(node):
        file.report(
            "PERF-003",
            node,
            f"`new {name}()` per request opens a new connection "
            "each time: create one pool at start-up and reuse it",
        )


@on_call("createConnection", "createClient", "createPool", "connect")
def _connect_per_request(file: JsFile, call: Call) -> None:
    module, _ = file.call_module(call)
    per_request_client = module in {"mysql", "mysql2", "mysql2/promise", "redis"} and call.name != "connect"
    if (per_request_client or module == "mongoose") and file.in_request_handler(call.node):
        file.report(
            "PERF-003",
            call.node,
            f"`{call.name}()` per request opens a new connection "
            "each time: create one pool at start-up and reuse it",
        )


@rule(
    "PERF-003",
    "performance-connection-pool",
    PERFORMANCE,
    Severity.WARNING,
    "Reuse a connection pool; never connect per request",
    rationale="""A new database or Redis connection per request costs a TCP and TLS handshake and an
        authentication round trip, and under load exhausts the server's connection limit.""",
    fix="""Create one `new Pool({ max: config.dbPoolSize })` at start-up, share it (through the
        repository layer), and close it on shutdown.""",
)
def connection_pool(project: Project) -> Iterator[Hit]:
    _require_sources(project)
    drivers = (
        "pg",
        "mysql",
        "mysql2",
        "mongodb",
        "mongoose",
        "ioredis",
        "redis",
        "@prisma/client",
        "sequelize",
    )
    if not any(pkg.has_dep(*drivers) for pkg in project.packages):
        raise NotApplicable("no database or Redis driver among the dependencies")
    yield from project.js_hits("PERF-003")


_BOUNDS = re.compile(
    r"\b(limit|cursor|page|pageSize|page_size|perPage|per_page|take|first|after|before|offset|top)\b"
)
_LISTING_CALL = re.compile(r"\.(list\w*|findAll|findMany|getAll\w*|search\w*)\s*\(")
_NOT_LISTS = re.compile(
    r"(^|/)(health|healthz|livez|readyz|ready|live|metrics|docs|openapi|swagger|me|status|version|ping)(/|$|\.json)"
)


def _identifiers_text(file: JsFile, node: ts.Node | None, depth: int = 0) -> str:
    """The text of ``node`` plus that of same-file declarations it names (one level deep)."""
    if node is None:
        return ""
    text = file.text(node)
    if depth > 1:
        return text
    for name in set(re.findall(r"[A-Za-z_$][\w$]*", text)):
        target = file.declarations.get(name)
        if target is not None and target is not node:
            text += "\n" + _identifiers_text(file, target, depth + 1)
    return text


@on_route
def _unbounded_list(file: JsFile, route: RouteCall) -> None:
    if route.method not in {"GET", "ALL"} or route.handler is None:
        return
    path = route.path.rstrip("/")
    if (
        path.rsplit("/", 1)[-1].startswith(":")
        or "{" in path.rsplit("/", 1)[-1]
        or _NOT_LISTS.search(path or "/")
    ):
        return
    handler = file.resolve(route.handler)
    if handler is None or handler.type not in FUNCTION_TYPES or not _LISTING_CALL.search(file.text(handler)):
        return
    if _BOUNDS.search(_identifiers_text(file, route.call.node)):
        return
    file.report(
        "PERF-004",
        route.call.node,
        f"GET {route.path} returns a list without a `limit`/`cursor`: paginate it",
    )


@rule(
    "PERF-004",
    "performance-bounded-lists",
    PERFORMANCE,
    Severity.WARNING,
    "Bound list endpoints with a limit or cursor",
    rationale="""A list route that returns every row is fast in development and a timeout in production:
        memory, serialisation time and response size grow with the table.""",
    fix="""Accept `limit` (with a maximum, e.g. 100) and a `cursor` in the query-string schema and pass
        them to the repository (`WHERE id > $cursor ORDER BY id LIMIT $limit`).""",
)
def bounded_lists(project: Project) -> Iterator[Hit]:
    project.require_services()
    yield from project.js_hits("PERF-004")


@rule(
    "PERF-005",
    "performance-cache-layer",
    PERFORMANCE,
    Severity.NOTE,
    "Have a cache layer for hot reads",
    rationale="""Most read traffic asks for the same few things. A cache (Redis, or in-memory for one
        instance) in front of the database takes that load off it and cuts latency. Not every
        service needs one, hence a note.""",
    fix="""Add cache-aside reads with a TTL through ioredis (falling back to an in-memory LRU when Redis is
        not configured) and invalidate on writes.""",
)
def cache_layer(project: Project) -> Iterator[Hit]:
    for pkg in project.require_services():
        if project.signal(pkg, "cache") is None and not pkg.has_dep(
            "ioredis", "redis", "lru-cache", "keyv", "cache-manager"
        ):
            anchor = project.anchor(pkg)
            yield Hit(
                anchor.path,
                anchor.line,
                "No cache layer found: consider Redis (ioredis) cache-aside for hot reads",
                "no cache",
            )
