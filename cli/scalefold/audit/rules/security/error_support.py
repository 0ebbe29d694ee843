"""What the error-handling rules share: recognising error handlers and their error parameter."""

from __future__ import annotations

import tree_sitter as ts

from scalefold.audit.js.syntax import FUNCTION_TYPES, Call, JsFile

ERROR_PARAMS = frozenset({"err", "error", "e", "ex", "exc", "exception"})


def handler_function(file: JsFile, node: ts.Node | None) -> ts.Node | None:
    """The function passed as a handler, directly or through a same-file declaration."""
    node = file.unwrap(node)
    if node is not None and node.type == "identifier":
        target = file.declaration(file.text(node), at=node)
        node = file.unwrap(target) if target is not None else None
    return node if node is not None and node.type in FUNCTION_TYPES else None


def error_param(file: JsFile, fn: ts.Node) -> str | None:
    """The name of the function's first parameter (the error, in an error handler)."""
    params = file.params(fn)
    return params[0].split(":")[0].strip() if params else None


def express_error_middleware(file: JsFile, call: Call) -> list[ts.Node]:
    """Functions passed to `app.use` with Express's four-argument error-handler signature."""
    found = []
    for arg in call.args:
        fn = handler_function(file, arg)
        if (
            fn is not None
            and len(file.params(fn)) == 4
            and (error_param(file, fn) or "").lower() in ERROR_PARAMS
        ):
            found.append(fn)
    return found
