"""OBS-002: no `console.log` in server code."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import server_source_findings

_CONSOLE_OUTPUT = ("log", "info", "debug", "trace", "dir", "table")
_LEVEL = {"log": "info", "dir": "debug", "table": "debug"}


_CONSOLE_PROBLEMS = ("error", "warn")
_NAMED_FUNCTIONS = frozenset({"function_declaration", "method_definition", "generator_function_declaration"})


def _exits(file: JsFile, fn: ts.Node) -> bool:
    """Whether the function ends the process (`process.exit(1)`): a fatal start-up path."""
    return any(
        node.type == "call_expression" and file.text(node.child_by_field_name("function")) == "process.exit"
        for node in file.walk(fn)
    )


def _listener(file: JsFile, fn: ts.Node) -> bool:
    """A function passed to `.on(…)` / `.once(…)`: it runs whenever the event fires, for the process's life."""
    parent = fn.parent
    call = parent.parent if parent is not None and parent.type == "arguments" else None
    callee = call.child_by_field_name("function") if call is not None else None
    return (
        callee is not None
        and callee.type == "member_expression"
        and file.text(callee.child_by_field_name("property")) in {"on", "once"}
    )


def _at_run_time(file: JsFile, node: ts.Node) -> bool:
    """In code that runs while the server serves: a request handler, a named function or method (called
    from anywhere), an event listener; not module-level start-up code and its anonymous callbacks, nor a
    function that then calls `process.exit` (the fatal start-up path, before the logger exists)."""
    functions = list(file.enclosing_functions(node))
    if not functions or any(_exits(file, fn) for fn in functions):
        return False
    if file.in_request_handler(node):
        return True
    return any(fn.type in _NAMED_FUNCTIONS for fn in functions) or _listener(file, functions[-1])


@on_call(*_CONSOLE_OUTPUT, *_CONSOLE_PROBLEMS)
def _console(file: JsFile, call: Call) -> Iterator[Hit]:
    if call.obj is not None and call.obj.type == "identifier" and file.text(call.obj) == "console":
        if call.name in _CONSOLE_PROBLEMS and not _at_run_time(file, call.node):
            return
        level = _LEVEL.get(call.name, call.name)
        yield file.hit(
            call.node,
            f"`console.{call.name}` in server code: log through the logger (`request.log` / `logger.{level}`)",
        )


RULE = Rule(
    id="OBS-002",
    name="observability-no-console",
    category=Category.OBSERVABILITY,
    severity=Severity.WARNING,
    title="No `console.log` in server code (nor `console.error` at run time)",
    rationale="""`console.log` bypasses the logger: no level, no request id, no redaction of secrets,
        and it blocks the event loop when stdout is a pipe. Tests, scripts and configuration files
        are not server code and are not checked. `console.error` and `console.warn` are allowed
        for fatal start-up errors before the logger exists (at module level, or in a function that
        then calls `process.exit`); at run time, in handlers and callbacks, they are findings.""",
    fix="""Replace it with `request.log.info(...)` in handlers or the shared `logger` elsewhere.""",
    check=server_source_findings,
    visitors=(_console,),
)
