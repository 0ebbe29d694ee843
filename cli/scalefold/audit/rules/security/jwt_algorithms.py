"""SEC-006: pin the JWT verification algorithm."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call
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


@on_call("register", "verify", "jwtVerify", "createVerifier", "expressjwt")
def _unpinned_algorithm(file: JsFile, call: Call) -> Iterator[Hit]:
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
    if lacks(file, option(call.args, options_at), "algorithms"):
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
    visitors=(_unpinned_algorithm,),
)
