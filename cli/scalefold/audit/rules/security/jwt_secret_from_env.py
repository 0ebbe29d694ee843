"""SEC-008: never write JWT secrets in the code."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call, on_pair
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.security.jwt_support import is_fastify_jwt, option, require_jwt


def _literal_secret(file: JsFile, node: ts.Node | None) -> ts.Node | None:
    """The string literal used as a secret (directly or as a `??`/`||` fallback), if any."""
    node = file.resolve(node)  # `const secret = '…'` declared above the call
    if node is None:
        return None
    if file.string_value(node):
        return node
    if node.type == "binary_expression":
        right = node.child_by_field_name("right")
        if file.string_value(right):
            return right
    return None


def _secret_in(file: JsFile, node: ts.Node | None) -> Iterator[Hit]:
    literal = _literal_secret(file, node)
    if literal is not None:
        yield file.hit(
            literal, "JWT secret written in the code: read it from the environment (validated at start-up)"
        )


@on_call("register", "sign", "verify", "createVerifier", "createSigner", "expressjwt")
def _written_secret(file: JsFile, call: Call) -> Iterator[Hit]:
    if call.name == "register":
        if is_fastify_jwt(file, call.args):
            props = file.object_props(option(call.args, 1))
            if props is not None:
                yield from _secret_in(file, props.get("secret"))
        return
    module, _ = file.call_module(call)
    if module == "jsonwebtoken" and call.name in {"sign", "verify"} and len(call.args) >= 2:
        yield from _secret_in(file, call.args[1])
    elif module == "fast-jwt":
        yield from _secret_in(file, (file.object_props(option(call.args, 0)) or {}).get("key"))
    elif module == "express-jwt" and call.name == "expressjwt":
        yield from _secret_in(file, (file.object_props(option(call.args, 0)) or {}).get("secret"))


# Configuration keys that hold the token secret (`jwtSecret: process.env.JWT_SECRET || 'dev-secret'`).
_SECRET_KEYS = (
    "jwtSecret",
    "jwtTokenSecret",
    "JWT_SECRET",
    "jwt_secret",
    "tokenSecret",
    "accessTokenSecret",
    "refreshTokenSecret",
    "secretOrKey",
    "secretOrPrivateKey",
    "jwtPrivateKey",
)


@on_pair(*_SECRET_KEYS)
def _configured_secret(file: JsFile, pair: ts.Node) -> Iterator[Hit]:
    """A configuration entry that falls back to (or defaults to, convict-style) a written secret."""
    value = file.unwrap(pair.child_by_field_name("value"))
    props = file.object_props(value) if value is not None and value.type == "object" else None
    yield from _secret_in(file, props.get("default") if props is not None else value)


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    require_jwt(project)
    yield from project.source_hits(rule)


RULE = Rule(
    id="SEC-008",
    name="security-jwt-secret-from-env",
    category=Category.SECURITY,
    severity=Severity.ERROR,
    title="Never write JWT secrets in the code",
    rationale="""A secret in the source is in every clone, fork, image and log of the repository, and
        cannot be rotated without a release. Anyone who has it can mint tokens for any user.""",
    fix="""Read the secret from the environment through the validated configuration (`config.jwtSecret`)
        and refuse to start without it in production.""",
    check=check,
    visitors=(_written_secret, _configured_secret),
)
