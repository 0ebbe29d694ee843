"""SEC-021: keep Fastify's `bodyLimit` within a bound."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.detectors import creates_server
from scalefold.audit.js.syntax import Call, JsFile, call_arguments
from scalefold.audit.js.visitors import on_pair
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule

MIB = 1024 * 1024
BOUND = 10 * MIB  # Fastify's default is 1 MiB; a JSON API rarely needs ten times that
# Calls whose options take a `bodyLimit`: a route, or a content-type parser.
_ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "options", "head", "all", "route", "addContentTypeParser"}
)


def _bytes(file: JsFile, node: ts.Node | None) -> float | None:
    """A literal byte count: `52428800`, `50 * 1024 * 1024`, or a same-file constant holding one."""
    node = file.resolve(node)
    if node is None:
        return None
    if node.type == "number":
        return file.number_value(node)
    if node.type == "parenthesized_expression" and node.named_children:
        return _bytes(file, node.named_children[0])
    if node.type == "binary_expression" and file.text(node.child_by_field_name("operator")) == "*":
        left = _bytes(file, node.child_by_field_name("left"))
        right = _bytes(file, node.child_by_field_name("right"))
        return left * right if left is not None and right is not None else None
    return None


def _options_call(file: JsFile, pair: ts.Node) -> ts.Node | None:
    """The call whose options object holds ``pair``, when the object is written in its arguments."""
    obj = pair.parent
    args = obj.parent if obj is not None else None
    call = args.parent if args is not None and args.type == "arguments" else None
    return call if call is not None and call.type == "call_expression" else None


def _takes_body_limit(file: JsFile, call: ts.Node) -> bool:
    callee = file.unwrap(call.child_by_field_name("function"))
    if callee is None:
        return False
    if callee.type == "member_expression":
        return file.text(callee.child_by_field_name("property")) in _ROUTE_METHODS
    name = file.text(callee)
    return creates_server(file, Call(call, name, None, call_arguments(call)))


@on_pair("bodyLimit")
def _body_limit(file: JsFile, pair: ts.Node) -> Iterator[Hit]:
    call = _options_call(file, pair)
    if call is None or not _takes_body_limit(file, call):
        return
    size = _bytes(file, pair.child_by_field_name("value"))
    if size is not None and size > BOUND:
        yield file.hit(
            pair,
            f"`bodyLimit` of {size / MIB:g} MiB: every request may make the service buffer that much; "
            f"keep JSON bodies within {BOUND // MIB} MiB and stream uploads",
        )


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    """Findings in deployed Fastify services (not in libraries of a monorepo nor scaffolding templates)."""
    services = {pkg.dir for pkg in project.require_services() if pkg.has_dep("fastify")}
    for hit in project.source_hits(rule, server_only=True):
        pkg = project.package_of(hit.location.path)
        if pkg is not None and pkg.dir in services:
            yield hit


RULE = Rule(
    id="SEC-021",
    name="security-body-limit-bound",
    category=Category.SECURITY,
    severity=Severity.WARNING,
    title="Keep Fastify's bodyLimit within 10 MiB",
    rationale="""Fastify buffers and parses a whole request body before the handler runs. A `bodyLimit`
        raised to tens or hundreds of MiB lets a handful of concurrent requests exhaust the heap and
        block the event loop while the JSON is parsed. Fastify's default (1 MiB) is fine; leaving it
        out is not a finding.""",
    fix="""Keep `bodyLimit` at 10 MiB or less on `Fastify()` and on routes; accept large uploads as a
        stream (`@fastify/multipart`, or a presigned upload straight to object storage).""",
    check=check,
    visitors=(_body_limit,),
)
