"""The error handlers a service registers, read by SEC-010 (is there one?) and SEC-011 (what does the
framework's default send when there is none?): a detector, so both rules see the same marks.

`app.setErrorHandler(…)`, Nest's `useGlobalFilters`, Koa's `app.on('error')`, Hono's `onError`, an
Express middleware with the `(err, req, res, next)` signature, and `app.use(errorHandler())` /
`app.use(error.handler)` with the handler imported from another file of the project.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from scalefold.audit.js.facts import Mark
from scalefold.audit.js.syntax import FUNCTION_TYPES, Call, JsFile
from scalefold.audit.js.visitors import on_call
from scalefold.audit.rule import Detector
from scalefold.audit.rules.security.error_support import express_error_middleware

HANDLER = "error-handler"
# Frameworks whose built-in handler already is central: it logs each error (Fastify with the request
# id) and answers it consistently. What it sends is SEC-011's business.
CENTRAL_BY_DEFAULT = frozenset({"fastify", "nestjs", "hapi"})
_ERROR_NAME = re.compile(
    r"(?i)err(or)?s?(handler|middleware|converter)?$|^(handle|catch)errors?$|^errorhandler"
)


def _imported_error_middleware(file: JsFile, call: Call) -> bool:
    """`app.use(errorHandler())` or `app.use(error.handler)` with the handler imported from another
    file of the project: registered here, written there."""
    for arg in call.args:
        node = file.unwrap(arg)
        if node is not None and node.type == "call_expression":
            node = file.unwrap(node.child_by_field_name("function"))
        if node is None or node.type not in {"identifier", "member_expression"}:
            continue
        module, imported = file.module_of(node)
        if module is None or not module.startswith("."):
            continue
        names = [imported, file.text(node).split(".")[0]]
        if any(_ERROR_NAME.search(name) for name in names if name):
            return True
    return False


def _is_koa_app_error_listener(file: JsFile, call: Call) -> bool:
    """`app.on('error', …)` in a Koa application."""
    return (
        bool(call.args)
        and file.string_value(call.args[0]) == "error"
        and call.obj is not None
        and call.obj.type == "identifier"
        and file.text(call.obj) in {"app", "server"}
        and file.imports_module("koa")
    )


@on_call("setErrorHandler", "use", "useGlobalFilters", "onError", "on")
def error_handler_mark(file: JsFile, call: Call) -> Iterator[Mark]:
    if (
        call.name in {"setErrorHandler", "useGlobalFilters", "onError"}
        or call.name == "on"
        and _is_koa_app_error_listener(file, call)
        or call.name == "use"
        and (express_error_middleware(file, call) or _imported_error_middleware(file, call))
    ):
        yield file.mark(HANDLER, call.node)


@on_call("next")
def koa_catch_all(file: JsFile, call: Call) -> Iterator[Mark]:
    """`try { await next() } catch (err) { … }` in a Koa middleware: every later failure lands there."""
    if call.obj is not None or not file.imports_module("koa", "koa-router", "@koa/router"):
        return
    node = call.node.parent
    while node is not None and node.type not in FUNCTION_TYPES:
        if node.type == "try_statement" and node.child_by_field_name("handler") is not None:
            yield file.mark(HANDLER, call.node)
            return
        node = node.parent


ERROR_HANDLERS = Detector("error-handlers", (error_handler_mark, koa_catch_all))
