"""SEC-011: never send stack traces or raw errors to clients."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import source_findings
from scalefold.audit.rules.security.error_support import (
    error_param,
    express_error_middleware,
    handler_function,
)

_SEND = {"send", "json", "end", "write", "jsonp", "body"}


def _is_error(file: JsFile, node: ts.Node | None, err: str) -> bool:
    """`err` itself or `err.stack`."""
    node = file.unwrap(node)
    if node is None:
        return False
    if node.type == "identifier":
        return file.text(node) == err
    if node.type == "member_expression":
        obj = file.unwrap(node.child_by_field_name("object"))
        return (
            obj is not None
            and obj.type == "identifier"
            and file.text(obj) == err
            and file.text(node.child_by_field_name("property")) == "stack"
        )
    return False


def _leaks(file: JsFile, fn: ts.Node) -> Iterator[Hit]:
    err = error_param(file, fn)
    if not err:
        return
    for node in file.walk(fn):
        if node.type != "call_expression":
            continue
        callee = node.child_by_field_name("function")
        if (
            callee is None
            or callee.type != "member_expression"
            or file.text(callee.child_by_field_name("property")) not in _SEND
        ):
            continue
        args = node.child_by_field_name("arguments")
        first = file.unwrap(args.named_children[0] if args is not None and args.named_children else None)
        if first is None:
            continue
        if _is_error(file, first, err):
            yield file.hit(
                node,
                f"Sends `{file.text(first)}` to the client: log it and send a generic body with the request id",
            )
        elif first.type == "object":
            for prop in first.named_children:
                value = prop.child_by_field_name("value") if prop.type == "pair" else prop
                key = file.text(prop.child_by_field_name("key")) if prop.type == "pair" else file.text(prop)
                if key == "stack" or _is_error(file, value, err):
                    yield file.hit(
                        node,
                        "Sends the error or its stack to the client: log it and send a generic body with the request id",
                    )
                    break


@on_call("setErrorHandler", "use")
def _error_leak(file: JsFile, call: Call) -> Iterator[Hit]:
    if call.name == "setErrorHandler":
        fn = handler_function(file, call.args[0] if call.args else None)
        if fn is not None:
            yield from _leaks(file, fn)
    else:
        for fn in express_error_middleware(file, call):
            yield from _leaks(file, fn)


RULE = Rule(
    id="SEC-011",
    name="security-no-error-leak",
    category=Category.SECURITY,
    severity=Severity.ERROR,
    title="Never send stack traces or raw errors to clients",
    rationale="""Stack traces and raw error objects reveal file paths, library versions, SQL and
        sometimes secrets, which is a map for an attacker.""",
    fix="""Log the error (`request.log.error({ err })`) and reply with a generic message and the request
        id; send `error.message` only for client errors (4xx) you raised yourself.""",
    check=source_findings,
    visitors=(_error_leak,),
)
