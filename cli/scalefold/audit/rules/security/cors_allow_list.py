"""SEC-002: restrict CORS to an allow-list."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call, on_pair
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import source_findings


def _open_origin(file: JsFile, value: ts.Node | None) -> str | None:
    """Why a CORS `origin` value lets every site in, or None when it is an allow-list."""
    node = file.resolve(value)
    if node is None:
        return None
    if file.string_value(node) == "*":
        return "`origin: '*'` lets every site call the API"
    if node.type == "true":
        return "`origin: true` reflects every origin"
    if node.type == "array" and any(file.string_value(n) == "*" for n in node.named_children):
        return "the origin list contains `'*'`"
    if node.type == "binary_expression":
        right = node.child_by_field_name("right")
        if file.string_value(right) == "*" or (right is not None and right.type == "true"):
            return "the origin falls back to every origin"
    if node.type == "ternary_expression":
        for branch in ("consequence", "alternative"):
            reason = _open_origin(file, node.child_by_field_name(branch))
            if reason:
                return reason + " in one branch"
    return None


def _check_options(file: JsFile, where: ts.Node, options: ts.Node | None, call_text: str) -> Iterator[Hit]:
    if options is None:
        yield file.hit(
            where,
            f"`{call_text}` without options allows every origin: pass `{{ origin: config.corsOrigins }}`",
        )
        return
    props = file.object_props(options)
    if props is None:
        return  # built elsewhere: trust it
    if "origin" not in props:
        if "..." not in props:
            yield file.hit(
                where, "CORS options without `origin` allow every origin: add `origin: config.corsOrigins`"
            )
        return
    reason = _open_origin(file, props["origin"])
    if reason:
        yield file.hit(props["origin"], f"{reason}: use an allow-list from configuration")


@on_call("cors", "register", "enableCors", "header", "setHeader", "set")
def _cors(file: JsFile, call: Call) -> Iterator[Hit]:
    if call.name == "register":
        if call.args and file.module_of(call.args[0])[0] == "@fastify/cors":
            yield from _check_options(
                file, call.node, call.args[1] if len(call.args) > 1 else None, "register(cors)"
            )
    elif call.name == "enableCors":
        yield from _check_options(file, call.node, call.args[0] if call.args else None, "enableCors()")
    elif call.name in {"header", "setHeader", "set"}:
        if (
            len(call.args) >= 2
            and (file.string_value(call.args[0]) or "").lower() == "access-control-allow-origin"
            and file.string_value(call.args[1]) == "*"
        ):
            yield file.hit(
                call.node,
                "`Access-Control-Allow-Origin: *` lets every site call the API: echo only allowed origins",
            )
    elif file.call_module(call)[0] in _CORS_MIDDLEWARE:
        yield from _check_options(file, call.node, call.args[0] if call.args else None, "cors()")


_CORS_MIDDLEWARE = frozenset({"cors", "@koa/cors", "kcors", "koa2-cors", "@hono/cors"})


def _split_fallback(file: JsFile, node: ts.Node | None) -> str | None:
    """`(process.env.CORS_ORIGINS || '*').split(',')`: the list falls back to every origin."""
    node = file.unwrap(node)
    if node is None or node.type != "call_expression":
        return None
    callee = node.child_by_field_name("function")
    if callee is None or callee.type != "member_expression":
        return None
    return _open_origin(file, callee.child_by_field_name("object"))


@on_pair("origin", "origins", "corsOrigin", "corsOrigins", "allowedOrigins")
def _configured_origin(file: JsFile, pair: ts.Node) -> Iterator[Hit]:
    """CORS opened through a configuration object kept apart from the call that applies it."""
    holder = pair.parent
    if holder is not None and holder.parent is not None and holder.parent.type == "arguments":
        return  # the options of a cors()/register() call: checked with the call
    value = pair.child_by_field_name("value")
    reason = _open_origin(file, value) or _split_fallback(file, value)
    if reason:
        yield file.hit(pair, f"{reason} (in the CORS configuration): use an allow-list from configuration")


@on_call("create")
def _nest_cors_option(file: JsFile, call: Call) -> Iterator[Hit]:
    """`NestFactory.create(AppModule, { cors: true })`."""
    if file.call_module(call)[0] != "@nestjs/core" or len(call.args) < 2:
        return
    options = file.object_props(call.args[1])
    if options and "cors" in options and options["cors"].type == "true":
        yield file.hit(
            options["cors"], "`cors: true` reflects every origin: pass `{ origin: config.corsOrigins }`"
        )


RULE = Rule(
    id="SEC-002",
    name="security-cors-allow-list",
    category=Category.SECURITY,
    severity=Severity.ERROR,
    title="Restrict CORS to an allow-list",
    rationale="""`origin: '*'`, `origin: true` or `cors()` with no options let any web page call the API
        from a user's browser; with credentials, `true` even hands them the user's session.""",
    fix="""Pass the allowed origins from configuration: `app.register(cors, { origin:
        config.corsOrigins })`.""",
    check=source_findings,
    visitors=(_cors, _nest_cors_option, _configured_origin),
)
