"""REL-003: shut down gracefully on SIGTERM."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.js.syntax import FUNCTION_TYPES, Call, JsFile
from scalefold.audit.js.visitors import on_call
from scalefold.audit.model import Category, Hit, Severity, Unchecked
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import missing
from scalefold.audit.rules.reliability.process_events import (
    LISTENER_METHODS,
    SIGTERM,
    handled,
    process_event,
)

_CLOSE_CALLS = {
    "close",
    "end",
    "quit",
    "disconnect",
    "destroy",
    "stop",
    "shutdown",
    "terminate",
    "drain",
    "closeGracefully",
    "closeAll",
    "gracefulShutdown",
}


def _closes_something(file: JsFile, fn: ts.Node, depth: int = 0) -> bool:
    for node in file.walk(fn):
        if node.type != "call_expression":
            continue
        callee = file.unwrap(node.child_by_field_name("function"))
        if callee is None:
            continue
        if callee.type == "member_expression":
            if file.text(callee.child_by_field_name("property")) in _CLOSE_CALLS:
                return True
        elif callee.type == "identifier":
            name = file.text(callee)
            if name in _CLOSE_CALLS or name in file.bindings:
                return True  # an imported shutdown helper: trust it
            target = file.declaration(name, at=node)
            target = file.unwrap(target) if target is not None else None
            if (
                target is not None
                and target.type in FUNCTION_TYPES
                and depth < 2
                and _closes_something(file, target, depth + 1)
            ):
                return True
    return False


@on_call(*LISTENER_METHODS)
def _sigterm_handler(file: JsFile, call: Call) -> Iterator[Hit]:
    if process_event(file, call) != SIGTERM or len(call.args) < 2:
        return
    handler = file.unwrap(call.args[1])
    if handler is not None and handler.type == "identifier":
        if file.text(handler) in file.bindings:
            return  # an imported handler: trust it
        target = file.declaration(file.text(handler), at=handler)
        handler = file.unwrap(target) if target is not None else None
    if handler is not None and handler.type in FUNCTION_TYPES and not _closes_something(file, handler):
        yield file.hit(
            call.node,
            "The SIGTERM handler exits without closing the server and pools: call `await app.close()` first",
        )


def check(project: Project, rule: Rule) -> Iterator[Hit | Unchecked]:
    for pkg in project.require_services():
        if handled(project, pkg, SIGTERM) is None:
            yield missing(
                project,
                pkg,
                "No `SIGTERM` handler: add `process.once('SIGTERM', …)` that closes the server and pools",
                "no SIGTERM handler",
            )
    yield from project.source_hits(rule)


RULE = Rule(
    id="REL-003",
    name="reliability-graceful-shutdown",
    category=Category.RELIABILITY,
    severity=Severity.WARNING,
    title="Shut down gracefully on SIGTERM",
    rationale="""Orchestrators send SIGTERM before every deploy, scale-in and node drain. Without a
        handler, in-flight requests are cut off and database connections dropped; a handler that
        stops accepting, finishes requests and closes the pools makes deploys invisible.""",
    fix="""`process.once('SIGTERM', async () => { await app.close(); await pool.end(); process.exit(0) })`,
        bounded by a timeout (or use close-with-grace).""",
    check=check,
    visitors=(_sigterm_handler,),
)
