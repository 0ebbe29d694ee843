"""SEC-020: describe what each Fastify route answers with a response schema."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.js.syntax import FUNCTION_TYPES, JsFile, RouteCall
from scalefold.audit.js.visitors import on_route
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule

# Files that register routes of another framework (practica keeps an Express and a Fastify entry point
# in one package): their routes have no Fastify schema to describe.
_OTHER_FRAMEWORKS = ("express", "koa", "@koa/router", "koa-router", "restify", "@hapi/hapi", "hono")
# Handlers that answer with something other than a serialised payload: a redirect, a file, a stream
# written to the raw socket.
_NOT_SERIALISED = frozenset({"redirect", "sendFile", "hijack", "download"})


def _function(file: JsFile, handler: ts.Node | None) -> ts.Node | None:
    """The handler's function, following a name declared in this file (`.get('/me', meHandler)`)."""
    node = file.unwrap(handler)
    if node is not None and node.type == "identifier":
        node = file.unwrap(file.declaration(file.text(node), at=node))
    return node if node is not None and node.type in FUNCTION_TYPES else None


def _answers_without_payload(file: JsFile, handler: ts.Node | None) -> bool:
    handler = _function(file, handler)
    if handler is None:
        return False
    for node in file.walk(handler):
        if node.type == "member_expression":
            prop = file.text(node.child_by_field_name("property"))
            if prop in _NOT_SERIALISED or prop == "raw":
                return True
    return False


def _answers_text_only(file: JsFile, handler: ts.Node | None) -> bool:
    """Every `return x` and `reply.send(x)` of the handler answers a string (`reply.send('OK')`)."""
    handler = _function(file, handler)
    if handler is None:
        return False
    answers: list[ts.Node | None] = []
    body = handler.child_by_field_name("body")
    if body is not None and body.type != "statement_block":
        answers.append(body)  # `async () => 'OK'`
    for node in file.walk(handler):
        if node.type == "return_statement":
            answers.append(node.named_children[0] if node.named_children else None)
        elif node.type == "call_expression":
            callee = file.unwrap(node.child_by_field_name("function"))
            if (
                callee is not None
                and callee.type == "member_expression"
                and file.text(callee.child_by_field_name("property")) == "send"
            ):
                args = file.callcall_arguments(node)
                answers.append(args[0] if args else None)
    values = [file.unwrap(a) for a in answers if a is not None]
    return bool(values) and all(v is not None and v.type in {"string", "template_string"} for v in values)


def _true(file: JsFile, node: ts.Node | None) -> bool:
    value = file.resolve(node)
    return value is not None and value.type == "true"


@on_route
def _response_schema(file: JsFile, route: RouteCall) -> Iterator[Hit]:
    if route.call.obj is None or file.imports_module(*_OTHER_FRAMEWORKS):
        return  # a decorator route (NestJS) or another framework's router
    if _answers_without_payload(file, route.handler) or _answers_text_only(file, route.handler):
        return  # nothing serialised from an object: a redirect, a raw stream, plain text
    where = f"{route.method} {route.path}"
    # `.get(` itself, so that each route of a chain (`app.get(…).post(…)`) has its own line
    callee = route.call.node.child_by_field_name("function")
    at = callee.child_by_field_name("property") if callee is not None else None
    at = at if at is not None else route.call.node
    no_schema = f"{where} has no schema: add `schema: {{ response: … }}`"
    if route.options is None:
        yield file.hit(at, no_schema, snippet=where)
        return
    props = file.object_props(route.options)
    if props is None or "..." in props or _true(file, props.get("websocket")):
        return  # options built elsewhere, or a WebSocket route: nothing is serialised by schema
    schema_node = props.get("schema")
    if schema_node is None:
        yield file.hit(at, no_schema, snippet=where)
        return
    schema = file.object_props(schema_node)
    if schema is None or "response" in schema or "..." in schema or _true(file, schema.get("hide")):
        return  # a schema built elsewhere, or a route hidden from the API documentation
    yield file.hit(schema_node, f"{where} has a schema without `response`: describe what it answers")


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    """Findings in deployed Fastify services (not in libraries of a monorepo nor scaffolding templates)."""
    services = {pkg.dir for pkg in project.require_services() if pkg.has_dep("fastify")}
    for hit in project.source_hits(rule, server_only=True):
        pkg = project.package_of(hit.location.path)
        if pkg is not None and pkg.dir in services:
            yield hit


RULE = Rule(
    id="SEC-020",
    name="security-response-schemas",
    category=Category.SECURITY,
    severity=Severity.NOTE,
    title="Describe what each Fastify route answers with a response schema",
    rationale="""Fastify serialises a reply through its response schema: only the properties the schema
        names leave the service, and the serialiser is several times faster than `JSON.stringify`.
        Without one every property of the returned object is sent (a password hash, an internal id
        added to a model later), and the API has no output contract to document or test against.""",
    fix="""Give each route `schema: { response: { 200: Reply } }` (TypeBox or JSON Schema), one entry per
        status code it answers with.""",
    check=check,
    visitors=(_response_schema,),
)
