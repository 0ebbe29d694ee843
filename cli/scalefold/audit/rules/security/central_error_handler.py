"""SEC-010: handle errors in one central error handler."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scalefold.audit.js.facts import Mark
from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call
from scalefold.audit.model import Category, Hit, Severity, Unchecked
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import missing
from scalefold.audit.rules.security.error_support import express_error_middleware

HANDLER = "error-handler"
# Frameworks whose built-in handler already is central: it logs each error (Fastify with the request
# id) and answers it consistently. What it sends is SEC-011's business.
_CENTRAL_BY_DEFAULT = frozenset({"fastify", "nestjs", "hapi"})
_ERROR_NAME = re.compile(r"(?i)err(or)?s?(handler|middleware|converter)?$|^(handle|catch)errors?$|^errorhandler")


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


def check(project: Project, rule: Rule) -> Iterator[Hit | Unchecked]:
    for pkg in project.require_services():
        if pkg.framework in _CENTRAL_BY_DEFAULT:
            continue
        if project.mark(rule, pkg, HANDLER, follow=True) is None:
            yield missing(
                project,
                pkg,
                "No central error handler: add `app.setErrorHandler(...)` that logs and returns a generic body",
                "no error handler",
            )


RULE = Rule(
    id="SEC-010",
    name="security-central-error-handler",
    category=Category.SECURITY,
    severity=Severity.WARNING,
    title="Handle errors in one central error handler",
    rationale="""Errors caught route by route are logged (or not) and answered differently each time. One
        handler logs every failure with the request id and turns it into a consistent, generic
        response.""",
    fix="""Register `app.setErrorHandler((error, request, reply) => { request.log.error({ err: error });
        … })` (Express: a final `app.use((err, req, res, next) => …)`).""",
    check=check,
    visitors=(error_handler_mark,),
)
