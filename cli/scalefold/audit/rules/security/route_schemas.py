"""SEC-009: validate every request body with a schema."""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.js.analysis import parse
from scalefold.audit.js.facts import Mark
from scalefold.audit.js.syntax import FUNCTION_TYPES, JsFile, RouteCall
from scalefold.audit.js.visitors import on_route
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.architecture.layers import resolve_import

_BODY_METHODS = {"POST", "PUT", "PATCH"}
_MIDDLEWARE_STYLE = ("express", "koa", "@koa/router", "koa-router", "restify")
# Validation middleware is recognised by its name (text): `validate(...)`, `celebrate(...)`, `checkSchema`.
_VALIDATOR_NAME = re.compile(r"valid|schema|celebrate|check", re.IGNORECASE)
_NAMES = frozenset({"identifier", "property_identifier", "shorthand_property_identifier"})
# Methods that validate a value: zod's parse/safeParse, joi's validate, TypeBox's Check/Decode.
_VALIDATING_METHODS = frozenset(
    {"parse", "safeParse", "parseAsync", "validate", "validateAsync", "Check", "Decode"}
)


def _callee_name(file: JsFile, call: ts.Node) -> tuple[str, bool]:
    """(last name of the callee, whether it is a method call)."""
    callee = file.unwrap(call.child_by_field_name("function"))
    if callee is None:
        return "", False
    if callee.type == "member_expression":
        return file.text(callee.child_by_field_name("property")), True
    return (file.text(callee), False) if callee.type == "identifier" else ("", False)


def _names_a_validator(file: JsFile, node: ts.Node, *, body_call: bool) -> bool:
    """Whether middleware names a validator, or (``body_call``) calls express-validator's `body()`."""
    for child in file.walk(node):
        if child.type in _NAMES and _VALIDATOR_NAME.search(file.text(child)):
            return True
        if body_call and child.type == "call_expression" and _callee_name(file, child)[0] == "body":
            return True
    return False


def _is_validating_call(file: JsFile, node: ts.Node) -> bool:
    name, method = _callee_name(file, node)
    return (method and name in _VALIDATING_METHODS) or name == "validationResult" or name.startswith("assert")


def _validates_in_handler(file: JsFile, handler: ts.Node) -> bool:
    return any(
        node.type == "call_expression" and _is_validating_call(file, node) for node in file.walk(handler)
    )


# A mark `delegate <line> <module> <export>`: the route at <line> hands the body to <export> of a
# relative <module>, where the check looks for the validation (`addOrder(req.body)` in a use case).
_DELEGATE = "delegate"


def _delegates(file: JsFile, route: RouteCall, handler: ts.Node) -> Iterator[Mark]:
    """Calls of a function imported from the project's own modules that take the request body."""
    for node in file.walk(handler):
        if node.type != "call_expression":
            continue
        if not any(_is_body(file, arg) for arg in file.callcall_arguments(node)):
            continue
        module, name = file.module_of(node.child_by_field_name("function"))
        if module is not None and module.startswith(".") and name not in {"", "*", "default"}:
            yield file.mark(f"{_DELEGATE} {file.line(route.call.node)} {module} {name}", node)


def _is_body(file: JsFile, node: ts.Node) -> bool:
    node = file.unwrap(node)
    return (
        node is not None
        and node.type == "member_expression"
        and file.text(node.child_by_field_name("property")) == "body"
    )


def _validates_a_parameter(file: JsFile, fn: ts.Node) -> bool:
    """Whether exported ``fn`` passes one of its parameters to a validating call."""
    params = set(file.params(fn))
    for node in file.walk(fn):
        if node.type != "call_expression" or not _is_validating_call(file, node):
            continue
        args = file.callcall_arguments(node)
        if any(file.text(file.unwrap(arg)) in params for arg in args):
            return True
    return False


def _reads_body(file: JsFile, route: RouteCall) -> bool:
    """Whether the handler uses the request body (an unseen handler is assumed to)."""
    handler = file.resolve(route.handler)
    if handler is None or handler.type not in FUNCTION_TYPES:
        return True
    return any(
        node.type == "member_expression"
        and file.text(node.child_by_field_name("property")) == "body"
        and not _only_logged(file, node, handler)
        for node in file.walk(handler)
    )


_LOG_CALL = re.compile(r"(^|\.)(log|logger|console)\.(debug|info|log|warn|error|trace|silly|verbose)$")


def _only_logged(file: JsFile, node: ts.Node, stop: ts.Node) -> bool:
    """`logger.debug('… %o', req.body)`: the body is printed, not used."""
    parent = node.parent
    while parent is not None and parent != stop:
        if parent.type == "call_expression" and _LOG_CALL.search(
            file.text(parent.child_by_field_name("function"))
        ):
            return True
        parent = parent.parent
    return False


@on_route
def _route_schema(file: JsFile, route: RouteCall) -> Iterator[Hit]:
    methods = set(route.method.split(","))
    if not methods & _BODY_METHODS or route.call.obj is None or not _reads_body(file, route):
        return  # a command route that takes no body (`POST /orders/:id/cancel`) has nothing to validate
    if route.options is not None:
        props = file.object_props(route.options)
        if props is None:
            if not file.imports_module(*_MIDDLEWARE_STYLE):
                return  # Fastify route options built elsewhere: cannot see them, so trust them
            if _names_a_validator(file, route.options, body_call=True):
                return
        elif "schema" in props or "..." in props:
            schema = file.object_props(props.get("schema")) if "schema" in props else None
            if schema is not None and "body" not in schema and "..." not in schema:
                yield file.hit(
                    props["schema"],
                    f"{route.method} {route.path} has a schema without `body`: describe the request body",
                )
            return
    if any(_names_a_validator(file, middle, body_call=False) for middle in route.call.args[1:-1]):
        return
    handler = file.resolve(route.handler)
    if handler is not None and handler.type in FUNCTION_TYPES:
        if _validates_in_handler(file, handler):
            return
        yield from _delegates(file, route, handler)
    yield file.hit(
        route.call.node,
        f"{route.method} {route.path} accepts a body without a schema: add `schema: {{ body: … }}`",
    )


def _validated_where_delegated(project: Project, rule: Rule, hit: Hit) -> bool:
    """The body goes to a function of another module of the project that validates its parameter."""
    facts = project.js.get(hit.location.path)
    if facts is None:
        return False
    prefix = f"{_DELEGATE} {hit.location.line} "
    for name in facts.marks.get(rule.id, {}):
        if not name.startswith(prefix):
            continue
        _, _, module, export = name.split(" ", 3)
        target = resolve_import(project.js.keys(), hit.location.path, module)
        text = project.read(target) if target is not None else None
        if text is None:
            continue
        other = parse(target, text.encode())
        fn = other.resolve(other.declaration(export))
        if fn is not None and fn.type in FUNCTION_TYPES and _validates_a_parameter(other, fn):
            return True
    return False


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    project.require_services()
    for hit in project.source_hits(rule):
        if not _validated_where_delegated(project, rule, hit):
            yield hit


RULE = Rule(
    id="SEC-009",
    name="security-route-schemas",
    category=Category.SECURITY,
    severity=Severity.WARNING,
    title="Validate every request body with a schema",
    rationale="""Unvalidated input reaches business logic and SQL as whatever the client sent: wrong
        types, huge strings, extra properties (mass assignment). A schema rejects it with a clear
        400 before any code runs, and documents the API.""",
    fix="""Give each route `schema: { body, params, querystring, response }` (TypeBox with Fastify), or
        validate with zod/joi middleware in Express.""",
    check=check,
    visitors=(_route_schema,),
)
