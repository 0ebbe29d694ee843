"""Secrets written into log messages (part of OBS-001: what goes through the logger matters too).

A log call leaks a secret when one of its arguments is a value named like one (``password``,
``ADMIN_SECRET``, ``accessToken``), interpolated into a template string or passed whole; when it
logs a whole configuration object read from the configuration service (which holds the JWT secret
and the database password); or when an authentication route logs the request body, password
included. Names are the only evidence a static reader has; string literals never count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import Visitor, on_call

_LOG_METHODS = ("log", "info", "debug", "warn", "error", "trace", "fatal", "verbose", "silly")
_LOGGER_OBJECT = re.compile(r"(^|\.)(console|logger|log|_logger|Logger)$")
_SECRET_NAME = re.compile(
    r"(password|passwd|passphrase|secret|token|api_?key|apikey|private_?key|credentials?)s?$", re.IGNORECASE
)
_AUTH_FILE = re.compile(r"auth|log-?in|sign-?in|sign-?up|register|password", re.IGNORECASE)
_BODY = re.compile(r"^(req|request|ctx\.request|ctx)\.body$")
_CONFIG_READ = re.compile(r"(^|\.)(config|configService|configuration)\.get$")


def _last_name(file: JsFile, node: ts.Node) -> str | None:
    node = file.unwrap(node) or node
    if node.type == "identifier":
        return file.text(node)
    if node.type == "member_expression":
        return file.text(node.child_by_field_name("property"))
    return None


def _names_a_secret(file: JsFile, node: ts.Node) -> str | None:
    name = _last_name(file, node)
    return name if name is not None and _SECRET_NAME.search(name) else None


def _configuration_object(file: JsFile, node: ts.Node) -> str | None:
    """An identifier holding `config.get('…')` (a whole settings object), declared in this file."""
    node = file.unwrap(node) or node
    if node.type != "identifier":
        return None
    value = file.unwrap(file.declaration(file.text(node), at=node))
    if value is not None and value.type == "call_expression":
        callee = file.text(value.child_by_field_name("function"))
        if _CONFIG_READ.search(callee):
            return file.text(node)
    return None


def _route_path(file: JsFile, node: ts.Node) -> str | None:
    """The path of the route whose handler holds ``node`` (`router.post('/signin', …)`), if any."""
    parent = node.parent
    while parent is not None:
        if parent.type == "call_expression":
            args = parent.child_by_field_name("arguments")
            first = args.named_children[0] if args is not None and args.named_children else None
            path = file.string_value(first)
            callee = parent.child_by_field_name("function")
            if path is not None and callee is not None and callee.type == "member_expression":
                return path
        parent = parent.parent
    return None


def _carries_a_password(file: JsFile, node: ts.Node) -> bool:
    """A request body on an authentication route (sign-in, sign-up, password change)."""
    route = _route_path(file, node)
    return bool(_AUTH_FILE.search(route if route is not None else file.rel))


def _leaked(file: JsFile, arg: ts.Node) -> str | None:
    """What secret ``arg`` writes into the log, or None."""
    arg = file.unwrap(arg) or arg
    if arg.type == "template_string":
        for part in arg.named_children:
            if part.type == "template_substitution" and part.named_children:
                found = _names_a_secret(file, part.named_children[0])
                if found:
                    return found
        return None
    if arg.type in {"identifier", "member_expression"}:
        if _BODY.match(file.text(arg)) and _carries_a_password(file, arg):
            return file.text(arg)
        return _names_a_secret(file, arg) or _configuration_object(file, arg)
    return None


@on_call(*_LOG_METHODS)
def _secret_logged(file: JsFile, call: Call) -> Iterator:
    if call.obj is None or not _LOGGER_OBJECT.search(file.text(call.obj)):
        return
    for arg in call.args:
        found = _leaked(file, arg)
        if found:
            yield file.hit(
                call.node,
                f"`{found}` is written into a log message: log that it happened, never the secret itself",
            )
            return


SECRET_LOG_VISITORS: tuple[Visitor, ...] = (_secret_logged,)
