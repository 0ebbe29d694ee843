"""SEC-006: pin the JWT verification algorithm."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.js.syntax import FUNCTION_TYPES, Call, JsFile
from scalefold.audit.js.visitors import on_call, on_new
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.security.jwt_support import is_fastify_jwt, lacks, option, require_jwt

# (module, verifying call) -> the finding when its options name no algorithm
_UNPINNED = {
    ("jsonwebtoken", "verify"): "`jwt.verify` without `algorithms`: pass `{ algorithms: ['HS256'] }` "
    "(the one you sign with)",
    ("jose", "jwtVerify"): "`jwtVerify` without `algorithms`: pass `{ algorithms: ['HS256'] }`",
    ("fast-jwt", "createVerifier"): "`createVerifier` without `algorithms`: pin the algorithm",
    ("express-jwt", "expressjwt"): "`expressjwt` without `algorithms`: pin the algorithm",
}


# Middleware factories exported by default, called under whatever name the import gave them.
_MIDDLEWARE = {
    "express-jwt": "`expressJwt` without `algorithms`: pin the algorithm (`algorithms: ['HS256']`)",
    "koa-jwt": "koa-jwt without `algorithms`: pin the algorithm (`algorithms: ['HS256']`)",
}
_STRATEGY = "passport-jwt strategy without `algorithms`: pin the algorithm (`algorithms: ['HS256']`)"


def _options(file: JsFile, node: ts.Node | None) -> ts.Node | None:
    """The options argument, followed to the object a same-file constant holds; a callback is none."""
    resolved = file.resolve(node)
    if resolved is not None and resolved.type in FUNCTION_TYPES:
        return None  # `jwt.verify(token, secret, (err, payload) => …)`: no options at all
    return resolved


@on_new("Strategy", "JwtStrategy")
def _passport_strategy(file: JsFile, node: ts.Node, args: list[ts.Node]) -> Iterator[Hit]:
    constructor = node.child_by_field_name("constructor")
    # `const JwtStrategy = require('passport-jwt').Strategy` binds no import: follow the constant
    module = file.module_of(constructor)[0] or file.module_of(file.resolve(constructor))[0]
    options = _options(file, args[0] if args else None)
    if module == "passport-jwt" and lacks(file, options, "algorithms"):
        # point at the options (often a constant declared above) where `algorithms` belongs
        yield file.hit(options if options is not None and options.type == "object" else node, _STRATEGY)


@on_call(
    "register", "verify", "jwtVerify", "createVerifier", "expressjwt", "expressJwt", "jwt", "koaJwt", "koajwt"
)
def _unpinned_algorithm(file: JsFile, call: Call) -> Iterator[Hit]:
    module, imported = file.call_module(call)
    if module in _MIDDLEWARE and imported in {"default", "*", call.name} and call.obj is None:
        if lacks(file, _options(file, option(call.args, 0)), "algorithms"):
            yield file.hit(call.node, _MIDDLEWARE[module])
        return
    if call.name == "register":
        if is_fastify_jwt(file, call.args) and lacks(file, option(call.args, 1), "verify", "algorithms"):
            yield file.hit(
                call.node,
                "@fastify/jwt without `verify: { algorithms: [...] }`: pin the algorithm you sign with",
            )
        return
    module, _ = file.call_module(call)
    message = _UNPINNED.get((module or "", call.name))
    if message is None or (module == "jsonwebtoken" and len(call.args) < 2):
        return
    options_at = 2 if module in {"jsonwebtoken", "jose"} else 0
    if lacks(file, _options(file, option(call.args, options_at)), "algorithms"):
        yield file.hit(call.node, message)


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    require_jwt(project)
    yield from project.source_hits(rule)


RULE = Rule(
    id="SEC-006",
    name="security-jwt-algorithms",
    category=Category.SECURITY,
    severity=Severity.WARNING,
    title="Pin the JWT verification algorithm",
    rationale="""A verifier that accepts the algorithm named in the token's own header can be tricked
        into `none` or into checking an RS256 token with the public key as an HMAC secret
        (algorithm confusion).""",
    fix="""Pass the algorithm you sign with: `verify: { algorithms: ['HS256'] }` for @fastify/jwt,
        `{ algorithms: ['HS256'] }` for jsonwebtoken and jose.""",
    check=check,
    visitors=(_unpinned_algorithm, _passport_strategy),
)
