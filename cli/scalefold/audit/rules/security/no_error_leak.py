"""SEC-011: never send stack traces or raw errors to clients."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_assignment, on_call
from scalefold.audit.model import Category, Hit, Severity, Unchecked
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import missing
from scalefold.audit.rules.docker.node_env import node_env
from scalefold.audit.rules.security.central_error_handler import HANDLER, error_handler_mark
from scalefold.audit.rules.security.error_support import (
    ERROR_PARAMS,
    error_param,
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
                shown = file.unwrap(value)
                if shown is not None and shown.type in _GUARDS:
                    continue  # `stack: env === 'development' ? err.stack : {}`: chosen, not raw
                if key == "stack" or _is_error(file, value, err):
                    yield file.hit(
                        node,
                        "Sends the error or its stack to the client: log it and send a generic body with the request id",
                    )
                    break


_GUARDS = frozenset({"if_statement", "ternary_expression", "switch_case", "conditional_expression"})


def _guarded(node: ts.Node, stop: ts.Node) -> bool:
    """Inside a condition (`err.isPublic ? err.message : …`, `if (err.status < 500)`): chosen, not raw."""
    parent = node.parent
    while parent is not None and parent != stop:
        if parent.type in _GUARDS:
            return True
        parent = parent.parent
    return False


def _raw_messages(file: JsFile, scope: ts.Node, err: str) -> Iterator[Hit]:
    """Every unconditional `err.message` in ``scope``: the raw text of any error, 500s included."""
    for node in file.walk(scope):
        if node.type != "member_expression" or file.text(node.child_by_field_name("property")) != "message":
            continue
        obj = file.unwrap(node.child_by_field_name("object"))
        if obj is not None and obj.type == "identifier" and file.text(obj) == err and not _guarded(node, scope):
            yield file.hit(
                node,
                f"Sends `{err}.message` of every error, 500s included: send it only for client errors "
                "you raised, a generic message otherwise",
            )


def _express_error_middleware_around(file: JsFile, call: Call) -> ts.Node | None:
    """The `(err, req, res, next)` function this response call is the first one of, wherever the
    function is registered (often `app.use(error.handler)` in another file)."""
    fn = next(iter(file.enclosing_functions(call.node)), None)
    if fn is None or len(file.params(fn)) != 4 or (error_param(file, fn) or "").lower() not in ERROR_PARAMS:
        return None
    first = next(
        (
            node
            for node in file.walk(fn)
            if node.type == "call_expression"
            and (callee := node.child_by_field_name("function")) is not None
            and callee.type == "member_expression"
            and file.text(callee.child_by_field_name("property")) in _SEND
        ),
        None,
    )
    return fn if first == call.node else None


@on_call("setErrorHandler", *sorted(_SEND))
def _error_leak(file: JsFile, call: Call) -> Iterator[Hit]:
    if call.name == "setErrorHandler":
        fns = [fn] if (fn := handler_function(file, call.args[0] if call.args else None)) is not None else []
    else:
        fns = [fn] if (fn := _express_error_middleware_around(file, call)) is not None else []
    for fn in fns:
        found = list(_leaks(file, fn))
        yield from found
        err = error_param(file, fn)
        if not found and err:
            yield from _raw_messages(file, fn, err)


@on_assignment
def _koa_body(file: JsFile, node: ts.Node) -> Iterator[Hit]:
    """`ctx.body = err.message` in the `catch (err)` of a Koa middleware."""
    left = file.text(node.child_by_field_name("left"))
    if not left.endswith(".body") or not file.imports_module("koa"):
        return
    clause = node.parent
    while clause is not None and clause.type != "catch_clause":
        clause = clause.parent
    param = clause.child_by_field_name("parameter") if clause is not None else None
    if param is None or param.type != "identifier":
        return
    right = node.child_by_field_name("right")
    if right is not None:
        yield from _raw_messages(file, right, file.text(param))


# Where no handler of the project's own is registered, the framework's default answers errors.
_FASTIFY_DEFAULT = (
    "No error handler: Fastify's default replies with `error.message` of every error, 500s included: "
    "set one that sends a generic body"
)
_EXPRESS_DEFAULT = (
    "No error handler and NODE_ENV is not production: Express's default handler sends the stack trace: "
    "add an error middleware"
)


def _production_image(project: Project) -> bool:
    dockerfiles = project.dockerfiles
    return any(
        (final := d.final) is not None and node_env(d, final)[0] == "production" for d in dockerfiles
    )


def check(project: Project, rule: Rule) -> Iterator[Hit | Unchecked]:
    project.require_sources()
    yield from project.source_hits(rule)
    for pkg in project.services:
        if project.mark(rule, pkg, HANDLER, follow=True) is not None:
            continue
        if pkg.framework == "fastify":
            yield missing(project, pkg, _FASTIFY_DEFAULT, "no error handler")
        elif pkg.framework == "express" and not _production_image(project):
            yield missing(project, pkg, _EXPRESS_DEFAULT, "no error handler")


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
    check=check,
    visitors=(_error_leak, _koa_body, error_handler_mark),
)
