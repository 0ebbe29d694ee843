"""SEC-007: give every JWT an expiry."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.js.facts import Mark
from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call, on_new
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.security.jwt_support import is_fastify_jwt, lacks, option, require_jwt

REGISTERED_WITHOUT_EXPIRY = "register-no-expiry"  # @fastify/jwt registered without sign.expiresIn
SIGNS_WITH_EXPIRY = "sign-expires"  # a reply.jwtSign / app.jwt.sign call passes expiresIn
SIGNS_WITHOUT_EXPIRY = "sign-forever"  # app.jwt.sign(payload) with no expiresIn of its own


def _is_fastify_jwt_object(file: JsFile, obj: ts.Node | None) -> bool:
    """`jwt`, `app.jwt`, `request.server.jwt`: the namespace @fastify/jwt decorates."""
    obj = file.unwrap(obj)
    if obj is None:
        return False
    if obj.type == "identifier":
        return file.text(obj) == "jwt"
    return obj.type == "member_expression" and file.text(obj.child_by_field_name("property")) == "jwt"


@on_call("register", "sign", "jwtSign", "createSigner")
def _expiry(file: JsFile, call: Call) -> Iterator[Hit | Mark]:
    if call.name == "register":
        if is_fastify_jwt(file, call.args) and lacks(file, option(call.args, 1), "sign", "expiresIn"):
            yield file.mark(REGISTERED_WITHOUT_EXPIRY, call.node)
        return
    signs_through_fastify = call.obj is not None and (
        call.name == "jwtSign" or (call.name == "sign" and _is_fastify_jwt_object(file, call.obj))
    )
    if signs_through_fastify and any("expiresIn" in (file.object_props(arg) or {}) for arg in call.args[1:]):
        yield file.mark(SIGNS_WITH_EXPIRY, call.node)
    elif signs_through_fastify:
        yield file.mark(SIGNS_WITHOUT_EXPIRY, call.node)
    module, _ = file.call_module(call)
    if module == "jsonwebtoken" and call.name == "sign" and call.args:
        payload = file.object_props(call.args[0]) or {}
        if "exp" not in payload and lacks(file, option(call.args, 2), "expiresIn"):
            yield file.hit(
                call.node, "`jwt.sign` without `expiresIn`: tokens must expire, e.g. `{ expiresIn: '15m' }`"
            )
    elif (
        module == "fast-jwt"
        and call.name == "createSigner"
        and lacks(file, option(call.args, 0), "expiresIn")
    ):
        yield file.hit(call.node, "`createSigner` without `expiresIn`: tokens must expire")


@on_new("SignJWT")
def _jose_sign(file: JsFile, node: ts.Node, _args: list[ts.Node]) -> Iterator[Hit]:
    """`new SignJWT(claims).setProtectedHeader(…).sign(key)` must call `.setExpirationTime(…)` on the way."""
    if file.module_of(node.child_by_field_name("constructor"))[0] != "jose":
        return
    chain = node
    while chain.parent is not None and chain.parent.type in {
        "member_expression",
        "call_expression",
        "await_expression",
    }:
        chain = chain.parent
        if (
            chain.type == "member_expression"
            and file.text(chain.child_by_field_name("property")) == "setExpirationTime"
        ):
            return
    yield file.hit(node, "`new SignJWT()` without `.setExpirationTime(...)`: tokens must expire")


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    require_jwt(project)
    yield from project.source_hits(rule)
    for pkg in project.packages:
        register = project.mark(rule, pkg, REGISTERED_WITHOUT_EXPIRY)
        if register is not None and project.mark(rule, pkg, SIGNS_WITH_EXPIRY) is None:
            # point at the call that signs the token forever, where one is seen; else at the registration
            signs = next(
                (
                    found
                    for other in project.packages
                    if (found := project.mark(rule, other, SIGNS_WITHOUT_EXPIRY))
                ),
                None,
            )
            yield Hit(
                signs or register, "@fastify/jwt signs without `expiresIn`: add `sign: { expiresIn: '15m' }`"
            )


RULE = Rule(
    id="SEC-007",
    name="security-jwt-expiry",
    category=Category.SECURITY,
    severity=Severity.WARNING,
    title="Give every JWT an expiry",
    rationale="""A token without `exp` is valid forever: one leaked from a log, a browser or a proxy
        keeps working after logout and password changes.""",
    fix="""Sign with an expiry: `sign: { expiresIn: '15m' }` in the @fastify/jwt options (or per call),
        `{ expiresIn: '15m' }` for jsonwebtoken, `.setExpirationTime('15m')` for jose.""",
    check=check,
    visitors=(_expiry, _jose_sign),
)
