"""What the three JWT rules share: reading option objects and knowing a JWT library is used."""

from __future__ import annotations

import tree_sitter as ts

from scalefold.audit.js.syntax import JsFile
from scalefold.audit.model import NotApplicable
from scalefold.audit.project import Project

JWT_LIBRARIES = (
    "jsonwebtoken",
    "jose",
    "@fastify/jwt",
    "fastify-jwt",
    "fast-jwt",
    "express-jwt",
    "koa-jwt",
    "passport-jwt",
    "@nestjs/jwt",
)


def require_jwt(project: Project) -> None:
    project.require_sources()
    if not any(pkg.has_dep(*JWT_LIBRARIES) for pkg in project.packages):
        raise NotApplicable("no JWT library among the dependencies")


def lacks(file: JsFile, options: ts.Node | None, *path: str) -> bool:
    """True when ``options`` is missing or an object literal known not to hold ``path``."""
    if options is None:
        return True
    props = file.object_props(options)
    if props is None or "..." in props:
        return False  # built elsewhere: cannot tell
    node = options
    for key in path:
        props = file.object_props(node)
        if props is None or "..." in props:
            return False
        if key not in props:
            return True
        node = props[key]
    return False


def is_fastify_jwt(file: JsFile, register_args: list[ts.Node]) -> bool:
    """`app.register(jwt, …)` with jwt imported from @fastify/jwt."""
    if not register_args:
        return False
    plugin = file.unwrap(register_args[0])
    if (
        plugin is not None
        and plugin.type == "call_expression"
        and file.text(plugin.child_by_field_name("function")) == "require"
    ):
        arguments = plugin.child_by_field_name("arguments")
        module = (
            file.string_value(arguments.named_children[0]) if arguments and arguments.named_children else None
        )
    else:
        module = file.module_of(plugin)[0]
    return module in {"@fastify/jwt", "fastify-jwt"}


def option(register_args: list[ts.Node], index: int) -> ts.Node | None:
    return register_args[index] if len(register_args) > index else None
