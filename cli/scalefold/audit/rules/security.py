"""Security rules: HTTP hardening, authentication, secrets and dangerous code."""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.files import glob_match
from scalefold.audit.model import Category, Hit, NotApplicable, Severity
from scalefold.audit.parsers.js import (
    FUNCTION_TYPES,
    Call,
    Import,
    JsFile,
    RouteCall,
    normalise_module,
    on_assignment,
    on_call,
    on_import,
    on_new,
    on_pair,
    on_route,
)
from scalefold.audit.project import Project
from scalefold.audit.registry import rule

SECURITY = Category.SECURITY


def _missing_in_services(project: Project, signal: str, message: str, snippet: str) -> Iterator[Hit]:
    for pkg in project.require_services():
        if project.signal(pkg, signal) is None:
            anchor = project.anchor(pkg)
            yield Hit(anchor.path, anchor.line, message.format(framework=pkg.framework), snippet)


# --------------------------------------------------------------------------- presence signals

_SIGNAL_IMPORTS = {
    "helmet": {"helmet", "@fastify/helmet", "koa-helmet", "hono/secure-headers"},
    "rate-limit": {
        "@fastify/rate-limit",
        "express-rate-limit",
        "rate-limiter-flexible",
        "@nestjs/throttler",
        "koa-ratelimit",
        "hono-rate-limiter",
        "express-slow-down",
        "@hapi/ratelimit",
    },
    "validation": {
        "zod",
        "joi",
        "yup",
        "ajv",
        "celebrate",
        "express-validator",
        "class-validator",
        "@sinclair/typebox",
        "valibot",
        "superstruct",
        "typia",
        "@hapi/joi",
        "@fastify/type-provider-typebox",
    },
}


_SIGNAL_OF_MODULE = {module: signal for signal, modules in _SIGNAL_IMPORTS.items() for module in modules}


@on_import
def _presence_imports(file: JsFile, imp: Import) -> None:
    if imp.spec.startswith("."):
        return
    module = normalise_module(imp.spec) or ""
    parts = module.split("/")
    package = "/".join(parts[:2]) if module.startswith("@") else parts[0]
    signal = _SIGNAL_OF_MODULE.get(module) or _SIGNAL_OF_MODULE.get(package)
    if signal is not None:
        file.facts.signals.setdefault(signal, (imp.line, f"import {module}"))


_FRAMEWORK_FACTORIES = {
    "fastify": "fastify",
    "express": "express",
    "koa": "koa",
    "hono": "hono",
    "@hapi/hapi": "hapi",
}


@on_call("fastify", "Fastify", "express", "createServer", "server", "create")
def _app_created(file: JsFile, call: Call) -> None:
    module, imported = file.call_module(call)
    if module in _FRAMEWORK_FACTORIES and imported in {"default", "fastify", "server", "*", "express"}:
        file.signal("app", call.node)
        options = call.args[0] if call.args else None
        props = file.object_props(options) or {}
        if "bodyLimit" in props:
            file.signal("body-limit", call.node)
        if {"genReqId", "requestIdHeader"} & props.keys():
            file.signal("request-id", call.node)
        if {"logger", "loggerInstance"} & props.keys():
            file.signal("logger", call.node)
    elif module == "@nestjs/core" and call.name == "create":
        file.signal("app", call.node)
        options = file.object_props(call.args[1]) if len(call.args) > 1 else None
        if options and "cors" in options and file.text(options["cors"]) == "true":
            file.report(
                "SEC-002",
                options["cors"],
                "`cors: true` reflects every origin: pass `{ origin: config.corsOrigins }`",
            )


@on_new("Koa", "Hono", "Server")
def _app_constructed(file: JsFile, node: ts.Node, _args: list[ts.Node]) -> None:
    module, _ = file.module_of(node.child_by_field_name("constructor"))
    if module in {"koa", "hono", "@hapi/hapi"}:
        file.signal("app", node)


@rule(
    "SEC-001",
    "security-helmet",
    SECURITY,
    Severity.WARNING,
    "Send security headers (helmet)",
    rationale="""Browsers protect users only when told to: Content-Security-Policy, HSTS,
        X-Content-Type-Options, frame options. Without them an API's error pages and docs are open
        to clickjacking and MIME sniffing.""",
    fix="""Register `@fastify/helmet` (`await app.register(helmet)`) or `app.use(helmet())` in Express,
        before the routes.""",
)
def helmet(project: Project) -> Iterator[Hit]:
    yield from _missing_in_services(
        project,
        "helmet",
        "No security headers: register `@fastify/helmet` (Express: `app.use(helmet())`)",
        "no helmet",
    )


# --------------------------------------------------------------------------- CORS


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


def _check_cors_options(file: JsFile, where: ts.Node, options: ts.Node | None, call_text: str) -> None:
    if options is None:
        file.report(
            "SEC-002",
            where,
            f"`{call_text}` without options allows every origin: pass `{{ origin: config.corsOrigins }}`",
        )
        return
    props = file.object_props(options)
    if props is None:
        return  # built elsewhere: trust it
    if "origin" not in props:
        if "..." not in props:
            file.report(
                "SEC-002",
                where,
                "CORS options without `origin` allow every origin: add `origin: config.corsOrigins`",
            )
        return
    reason = _open_origin(file, props["origin"])
    if reason:
        file.report("SEC-002", props["origin"], f"{reason}: use an allow-list from configuration")


@on_call("cors", "register", "enableCors", "header", "setHeader", "set")
def _cors(file: JsFile, call: Call) -> None:
    if call.name == "register" and call.args:
        module, _ = file.module_of(call.args[0])
        if module == "@fastify/cors":
            _check_cors_options(
                file, call.node, call.args[1] if len(call.args) > 1 else None, "register(cors)"
            )
        return
    if call.name == "enableCors":
        _check_cors_options(file, call.node, call.args[0] if call.args else None, "enableCors()")
        return
    if call.name in {"header", "setHeader", "set"}:
        if (
            len(call.args) >= 2
            and (file.string_value(call.args[0]) or "").lower() == "access-control-allow-origin"
            and file.string_value(call.args[1]) == "*"
        ):
            file.report(
                "SEC-002",
                call.node,
                "`Access-Control-Allow-Origin: *` lets every site call the API: echo only allowed origins",
            )
        return
    module, _ = file.call_module(call)
    if module == "cors":
        _check_cors_options(file, call.node, call.args[0] if call.args else None, "cors()")


@rule(
    "SEC-002",
    "security-cors-allow-list",
    SECURITY,
    Severity.ERROR,
    "Restrict CORS to an allow-list",
    rationale="""`origin: '*'`, `origin: true` or `cors()` with no options let any web page call the API
        from a user's browser; with credentials, `true` even hands them the user's session.""",
    fix="""Pass the allowed origins from configuration: `app.register(cors, { origin:
        config.corsOrigins })`.""",
)
def cors_allow_list(project: Project) -> Iterator[Hit]:
    project.require_node()
    if not project.sources:
        raise NotApplicable("no server source code")
    yield from project.js_hits("SEC-002")


@rule(
    "SEC-003",
    "security-rate-limit",
    SECURITY,
    Severity.WARNING,
    "Rate-limit requests",
    rationale="""Without a limit one client (or a credential-stuffing botnet) can exhaust the database
        pool, brute-force logins and run up the bill. A limit per client keeps the service fair and
        up.""",
    fix="""Register `@fastify/rate-limit` (Redis-backed when you run several instances) or
        `express-rate-limit`; give the login route a stricter limit.""",
)
def rate_limit(project: Project) -> Iterator[Hit]:
    yield from _missing_in_services(
        project,
        "rate-limit",
        "No rate limiting: register `@fastify/rate-limit` (Express: `express-rate-limit`)",
        "no rate limit",
    )


# --------------------------------------------------------------------------- passwords

_BCRYPT = {"bcrypt", "bcryptjs", "@node-rs/bcrypt"}
MIN_BCRYPT_COST = 12


@on_call("hash", "hashSync", "genSalt", "genSaltSync")
def _bcrypt_cost(file: JsFile, call: Call) -> None:
    module, _ = file.call_module(call)
    if module not in _BCRYPT:
        return
    index = 1 if call.name.startswith("hash") else 0
    if len(call.args) <= index:
        if call.name.startswith("genSalt"):
            file.report(
                "SEC-004",
                call.node,
                f"`{call.name}()` uses the default cost 10: pass a cost of at least {MIN_BCRYPT_COST}",
            )
        return
    cost = file.number_value(call.args[index])
    if cost is not None and cost < MIN_BCRYPT_COST:
        file.report(
            "SEC-004",
            call.args[index],
            f"bcrypt cost {int(cost)} is too fast to resist offline cracking: use at least {MIN_BCRYPT_COST}",
        )


@rule(
    "SEC-004",
    "security-bcrypt-cost",
    SECURITY,
    Severity.ERROR,
    "Hash passwords with bcrypt cost 12 or more",
    rationale="""Each step of the cost doubles the work of an attacker who stole the hashes. Cost 10
        (the library default) is cracked an order of magnitude faster than the OWASP
        recommendation.""",
    fix="""Use `bcrypt.hash(password, 12)` or higher (read the cost from configuration, with a minimum
        of 12).""",
)
def bcrypt_cost(project: Project) -> Iterator[Hit]:
    project.require_node()
    if not project.sources:
        raise NotApplicable("no server source code")
    yield from project.js_hits("SEC-004")


_PASSWORDISH = re.compile(r"pass(word|wd)?|pwd", re.IGNORECASE)
_FAST_HASH_MODULES = {
    "md5",
    "sha1",
    "js-sha256",
    "js-sha1",
    "js-md5",
    "crypto-js/md5",
    "crypto-js/sha1",
    "crypto-js/sha256",
    "object-hash",
}


@on_call("createHash", "md5", "sha1", "sha256", "MD5", "SHA1", "SHA256")
def _fast_password_hash(file: JsFile, call: Call) -> None:
    module, _ = file.call_module(call)
    if call.name == "createHash":
        if module != "crypto":
            return
        parent = call.node.parent
        if (
            parent is not None
            and parent.type == "member_expression"
            and file.text(parent.child_by_field_name("property")) == "update"
        ):
            update = parent.parent
            args = update.child_by_field_name("arguments") if update is not None else None
            if args is not None and _PASSWORDISH.search(file.text(args)):
                algorithm = file.string_value(call.args[0]) if call.args else "?"
                file.report(
                    "SEC-005",
                    call.node,
                    f"`createHash('{algorithm}')` is far too fast "
                    "for passwords: use bcrypt (cost ≥ 12) or argon2",
                )
        return
    if module in _FAST_HASH_MODULES and call.args and _PASSWORDISH.search(file.text(call.args[0])):
        file.report(
            "SEC-005",
            call.node,
            f"`{call.name}()` is far too fast for passwords: use bcrypt (cost ≥ 12) or argon2",
        )


@rule(
    "SEC-005",
    "security-no-fast-password-hash",
    SECURITY,
    Severity.ERROR,
    "Never hash passwords with MD5 or SHA",
    rationale="""General-purpose hashes run billions of times a second on a GPU: a leaked table of
        SHA-256 password hashes is mostly cracked within days.""",
    fix="""Hash passwords with `bcrypt.hash(password, 12)` or `argon2.hash(password)`, and compare with
        the library's `compare`/`verify`.""",
)
def fast_password_hash(project: Project) -> Iterator[Hit]:
    project.require_node()
    if not project.sources:
        raise NotApplicable("no server source code")
    yield from project.js_hits("SEC-005")


# --------------------------------------------------------------------------- JWT


def _lacks(file: JsFile, options: ts.Node | None, *path: str) -> bool:
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


def _literal_secret(file: JsFile, node: ts.Node | None) -> ts.Node | None:
    """The string literal used as a secret (directly or as a `??`/`||` fallback), if any."""
    node = file.unwrap(node)
    if node is None:
        return None
    if file.string_value(node):
        return node
    if node.type == "binary_expression":
        right = node.child_by_field_name("right")
        if file.string_value(right):
            return right
    return None


def _check_jwt_secret(file: JsFile, node: ts.Node | None) -> None:
    literal = _literal_secret(file, node)
    if literal is not None:
        file.report(
            "SEC-008",
            literal,
            "JWT secret written in the code: read it from the environment (validated at start-up)",
        )


@on_call("sign", "verify", "jwtVerify", "createVerifier", "createSigner", "expressjwt", "jwtSign", "register")
def _jwt(file: JsFile, call: Call) -> None:
    if call.name == "register":
        if not call.args or file.module_of(call.args[0])[0] != "@fastify/jwt":
            return
        options = call.args[1] if len(call.args) > 1 else None
        props = file.object_props(options)
        if props is not None:
            _check_jwt_secret(file, props.get("secret"))
        if _lacks(file, options, "verify", "algorithms"):
            file.report(
                "SEC-006",
                call.node,
                "@fastify/jwt without `verify: { algorithms: [...] }`: pin the algorithm you sign with",
            )
        if _lacks(file, options, "sign", "expiresIn"):
            file.signal("jwt-register-no-expiry", call.node)
        return
    if call.name in {"jwtSign", "sign"} and call.obj is not None:
        obj_text = file.text(call.obj)
        if call.name == "jwtSign" or obj_text.endswith(".jwt") or obj_text == "jwt":
            for arg in call.args[1:]:
                props = file.object_props(arg) or {}
                if "expiresIn" in props:
                    file.signal("jwt-sign-expires", call.node)
    module, _ = file.call_module(call)
    if module == "jsonwebtoken":
        if call.name in {"sign", "verify"} and len(call.args) >= 2:
            _check_jwt_secret(file, call.args[1])
        if (
            call.name == "verify"
            and len(call.args) >= 2
            and _lacks(file, call.args[2] if len(call.args) > 2 else None, "algorithms")
        ):
            file.report(
                "SEC-006",
                call.node,
                "`jwt.verify` without `algorithms`: pass `{ algorithms: ['HS256'] }` (the one you sign with)",
            )
        if call.name == "sign" and call.args:
            payload = file.object_props(call.args[0]) or {}
            if "exp" not in payload and _lacks(
                file, call.args[2] if len(call.args) > 2 else None, "expiresIn"
            ):
                file.report(
                    "SEC-007",
                    call.node,
                    "`jwt.sign` without `expiresIn`: tokens must expire, e.g. `{ expiresIn: '15m' }`",
                )
    elif module == "jose" and call.name == "jwtVerify":
        if _lacks(file, call.args[2] if len(call.args) > 2 else None, "algorithms"):
            file.report(
                "SEC-006", call.node, "`jwtVerify` without `algorithms`: pass `{ algorithms: ['HS256'] }`"
            )
    elif module == "fast-jwt":
        options = call.args[0] if call.args else None
        props = file.object_props(options) or {}
        _check_jwt_secret(file, props.get("key"))
        if call.name == "createVerifier" and _lacks(file, options, "algorithms"):
            file.report("SEC-006", call.node, "`createVerifier` without `algorithms`: pin the algorithm")
        if call.name == "createSigner" and _lacks(file, options, "expiresIn"):
            file.report("SEC-007", call.node, "`createSigner` without `expiresIn`: tokens must expire")
    elif module == "express-jwt" and call.name == "expressjwt":
        options = call.args[0] if call.args else None
        _check_jwt_secret(file, (file.object_props(options) or {}).get("secret"))
        if _lacks(file, options, "algorithms"):
            file.report("SEC-006", call.node, "`expressjwt` without `algorithms`: pin the algorithm")


@on_new("SignJWT")
def _jose_sign(file: JsFile, node: ts.Node, _args: list[ts.Node]) -> None:
    if file.module_of(node.child_by_field_name("constructor"))[0] != "jose":
        return
    chain = node
    while chain.parent is not None and chain.parent.type in {
        "member_expression",
        "call_expression",
        "await_expression",
    }:
        chain = chain.parent
    if "setExpirationTime" not in file.text(chain):
        file.report("SEC-007", node, "`new SignJWT()` without `.setExpirationTime(...)`: tokens must expire")


def _require_sources(project: Project) -> None:
    project.require_node()
    if not project.sources:
        raise NotApplicable("no server source code")


def _jwt_used(project: Project) -> None:
    _require_sources(project)
    jwt_libs = ("jsonwebtoken", "jose", "@fastify/jwt", "fast-jwt", "express-jwt", "@nestjs/jwt")
    if not any(pkg.has_dep(*jwt_libs) for pkg in project.packages):
        raise NotApplicable("no JWT library among the dependencies")


@rule(
    "SEC-006",
    "security-jwt-algorithms",
    SECURITY,
    Severity.WARNING,
    "Pin the JWT verification algorithm",
    rationale="""A verifier that accepts the algorithm named in the token's own header can be tricked
        into `none` or into checking an RS256 token with the public key as an HMAC secret
        (algorithm confusion).""",
    fix="""Pass the algorithm you sign with: `verify: { algorithms: ['HS256'] }` for @fastify/jwt,
        `{ algorithms: ['HS256'] }` for jsonwebtoken and jose.""",
)
def jwt_algorithms(project: Project) -> Iterator[Hit]:
    _jwt_used(project)
    yield from project.js_hits("SEC-006")


@rule(
    "SEC-007",
    "security-jwt-expiry",
    SECURITY,
    Severity.WARNING,
    "Give every JWT an expiry",
    rationale="""A token without `exp` is valid forever: one leaked from a log, a browser or a proxy
        keeps working after logout and password changes.""",
    fix="""Sign with an expiry: `sign: { expiresIn: '15m' }` in the @fastify/jwt options (or per call),
        `{ expiresIn: '15m' }` for jsonwebtoken, `.setExpirationTime('15m')` for jose.""",
)
def jwt_expiry(project: Project) -> Iterator[Hit]:
    _jwt_used(project)
    yield from project.js_hits("SEC-007")
    for pkg in project.packages:
        register = project.signal(pkg, "jwt-register-no-expiry")
        if register is not None and project.signal(pkg, "jwt-sign-expires") is None:
            yield Hit(
                register.path,
                register.line,
                "@fastify/jwt signs without `expiresIn`: add `sign: { expiresIn: '15m' }`",
                register.snippet,
            )


@rule(
    "SEC-008",
    "security-jwt-secret-from-env",
    SECURITY,
    Severity.ERROR,
    "Never write JWT secrets in the code",
    rationale="""A secret in the source is in every clone, fork, image and log of the repository, and
        cannot be rotated without a release. Anyone who has it can mint tokens for any user.""",
    fix="""Read the secret from the environment through the validated configuration (`config.jwtSecret`)
        and refuse to start without it in production.""",
)
def jwt_secret(project: Project) -> Iterator[Hit]:
    _jwt_used(project)
    yield from project.js_hits("SEC-008")


# --------------------------------------------------------------------------- validation

_VALIDATING_CALL = re.compile(
    r"\.(?:parse|safeParse|parseAsync|validate|validateAsync|Check|Decode)\(|validationResult\(|\bassert\w*\("
)
_BODY_METHODS = {"POST", "PUT", "PATCH"}


def _reads_body(file: JsFile, route: RouteCall) -> bool:
    """Whether the handler uses the request body (an unseen handler is assumed to)."""
    handler = file.resolve(route.handler)
    if handler is None or handler.type not in FUNCTION_TYPES:
        return True
    return any(
        node.type == "member_expression" and file.text(node.child_by_field_name("property")) == "body"
        for node in file.walk(handler)
    )


@on_route
def _route_schema(file: JsFile, route: RouteCall) -> None:
    methods = set(route.method.split(","))
    if not methods & _BODY_METHODS or route.call.obj is None or not _reads_body(file, route):
        return  # a command route that takes no body (`POST /orders/:id/cancel`) has nothing to validate
    middleware_style = file.imports_module("express", "koa", "@koa/router", "koa-router", "restify")
    if route.options is not None:
        props = file.object_props(route.options)
        if props is None:
            if not middleware_style:
                return  # Fastify route options built elsewhere: cannot see them, so trust them
            middleware = file.text(route.options)
            if re.search(r"valid|schema|celebrate|check|body\(", middleware, re.IGNORECASE):
                return
        elif "schema" in props or "..." in props:
            schema = file.object_props(props.get("schema")) if "schema" in props else None
            if schema is not None and "body" not in schema and "..." not in schema:
                file.report(
                    "SEC-009",
                    props["schema"],
                    f"{route.method} {route.path} has a schema without `body`: describe the request body",
                )
            return
    for middle in route.call.args[1:-1]:
        if re.search(r"valid|schema|celebrate|check", file.text(middle), re.IGNORECASE):
            return
    handler = file.resolve(route.handler)
    if handler is not None and handler.type in FUNCTION_TYPES and _VALIDATING_CALL.search(file.text(handler)):
        return
    file.report(
        "SEC-009",
        route.call.node,
        f"{route.method} {route.path} accepts a body without a schema: add `schema: {{ body: … }}`",
    )


@rule(
    "SEC-009",
    "security-route-schemas",
    SECURITY,
    Severity.WARNING,
    "Validate every request body with a schema",
    rationale="""Unvalidated input reaches business logic and SQL as whatever the client sent: wrong
        types, huge strings, extra properties (mass assignment). A schema rejects it with a clear
        400 before any code runs, and documents the API.""",
    fix="""Give each route `schema: { body, params, querystring, response }` (TypeBox with Fastify), or
        validate with zod/joi middleware in Express.""",
)
def route_schemas(project: Project) -> Iterator[Hit]:
    project.require_services()
    yield from project.js_hits("SEC-009")


# --------------------------------------------------------------------------- errors

_ERROR_PARAM = re.compile(r"^(err|error|e|ex|exc|exception)$", re.IGNORECASE)
_SEND = {"send", "json", "end", "write", "jsonp", "body"}


def _error_handler_fn(file: JsFile, node: ts.Node | None) -> ts.Node | None:
    node = file.unwrap(node)
    if node is not None and node.type == "identifier":
        target = file.declarations.get(file.text(node))
        node = file.unwrap(target) if target is not None else None
    return node if node is not None and node.type in FUNCTION_TYPES else None


def _check_leaks(file: JsFile, fn: ts.Node) -> None:
    params = file.params(fn)
    if not params:
        return
    err = params[0].split(":")[0].strip()
    leaky = {err, f"{err}.stack"}
    for node in file.walk(fn):
        if node.type != "call_expression":
            continue
        callee = node.child_by_field_name("function")
        if (
            callee is None
            or callee.type != "member_expression"
            or file.text(callee.child_by_field_name("property")) not in _SEND
        ):
            continue
        args = node.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        first = file.unwrap(first)
        if first is None:
            continue
        if file.text(first) in leaky:
            file.report(
                "SEC-011",
                node,
                f"Sends `{file.text(first)}` to the client: log "
                "it and send a generic body with the request id",
            )
        elif first.type == "object":
            for prop in first.named_children:
                value = prop.child_by_field_name("value") if prop.type == "pair" else prop
                key = file.text(prop.child_by_field_name("key")) if prop.type == "pair" else file.text(prop)
                if key == "stack" or (value is not None and file.text(value) in leaky):
                    file.report(
                        "SEC-011",
                        node,
                        "Sends the error or its stack to the client: log "
                        "it and send a generic body with the request id",
                    )
                    break


@on_call("setErrorHandler", "use", "useGlobalFilters", "onError", "on")
def _error_handlers(file: JsFile, call: Call) -> None:
    if call.name == "setErrorHandler":
        file.signal("error-handler", call.node)
        fn = _error_handler_fn(file, call.args[0] if call.args else None)
        if fn is not None:
            _check_leaks(file, fn)
    elif call.name in {"useGlobalFilters", "onError"} or (
        call.name == "on"
        and call.args
        and file.string_value(call.args[0]) == "error"
        and call.obj is not None
        and file.text(call.obj) in {"app", "server"}
        and file.imports_module("koa")
    ):
        file.signal("error-handler", call.node)
    elif call.name == "use":
        for arg in call.args:
            fn = _error_handler_fn(file, arg)
            if (
                fn is not None
                and len(file.params(fn)) == 4
                and _ERROR_PARAM.match(file.params(fn)[0].split(":")[0].strip())
            ):
                file.signal("error-handler", call.node)
                _check_leaks(file, fn)


@rule(
    "SEC-010",
    "security-central-error-handler",
    SECURITY,
    Severity.WARNING,
    "Handle errors in one central error handler",
    rationale="""Errors caught route by route are logged (or not) and answered differently each time. One
        handler logs every failure with the request id and turns it into a consistent, generic
        response.""",
    fix="""Register `app.setErrorHandler((error, request, reply) => { request.log.error({ err: error });
        … })` (Express: a final `app.use((err, req, res, next) => …)`).""",
)
def central_error_handler(project: Project) -> Iterator[Hit]:
    for pkg in project.require_services():
        if pkg.framework == "nestjs":
            continue  # Nest ships a global exception filter
        if project.signal(pkg, "error-handler") is None:
            anchor = project.anchor(pkg)
            yield Hit(
                anchor.path,
                anchor.line,
                "No central error handler: add `app.setErrorHandler(...)` "
                "that logs and returns a generic body",
                "no error handler",
            )


@rule(
    "SEC-011",
    "security-no-error-leak",
    SECURITY,
    Severity.ERROR,
    "Never send stack traces or raw errors to clients",
    rationale="""Stack traces and raw error objects reveal file paths, library versions, SQL and
        sometimes secrets, which is a map for an attacker.""",
    fix="""Log the error (`request.log.error({ err })`) and reply with a generic message and the request
        id; send `error.message` only for client errors (4xx) you raised yourself.""",
)
def no_error_leak(project: Project) -> Iterator[Hit]:
    _require_sources(project)
    yield from project.js_hits("SEC-011")


# --------------------------------------------------------------------------- files

_LOCKFILES = (
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "bun.lock",
)


def _gitignore_patterns(project: Project, folder: str) -> list[str]:
    patterns: list[str] = []
    parts = folder.split("/") if folder else []
    for depth in range(len(parts) + 1):
        base = "/".join(parts[:depth])
        path = f"{base}/.gitignore" if base else ".gitignore"
        for line in project.lines(path):
            line = line.strip()
            if line and not line.startswith("#"):
                patterns.append(line)
    return patterns


def gitignored(patterns: list[str], rel: str) -> bool:
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        body = pattern[1:] if negate else pattern
        if glob_match(body, rel):
            ignored = not negate
    return ignored


@rule(
    "SEC-012",
    "security-lockfile",
    SECURITY,
    Severity.WARNING,
    "Commit the lockfile",
    rationale="""Without a lockfile every install resolves the newest matching versions, so CI, the
        image and a colleague's laptop run different code, and a compromised patch release slips in
        unreviewed.""",
    fix="""Run `npm install` once, commit `package-lock.json`, remove it from `.gitignore`, and install
        with `npm ci` everywhere else.""",
)
def lockfile(project: Project) -> Iterator[Hit]:
    packages = project.require_node()
    tops = [
        p
        for p in packages
        if not any(o is not p and o.contains(p.path) and len(o.dir) < len(p.dir) for o in packages)
    ]
    for pkg in tops:
        prefix = f"{pkg.dir}/" if pkg.dir else ""
        present = [name for name in _LOCKFILES if project.has(prefix + name)]
        if not present:
            yield Hit(
                pkg.path, 1, "No lockfile: run `npm install` and commit `package-lock.json`", "no lockfile"
            )
            continue
        patterns = _gitignore_patterns(project, pkg.dir)
        for name in present:
            if gitignored(patterns, prefix + name):
                yield Hit(
                    pkg.path,
                    1,
                    f"`{name}` is listed in .gitignore: remove it there and commit the lockfile",
                    f"lockfile ignored {name}",
                )


_ENV_FILE = re.compile(r"(?:^|/)\.env(?:\.(?!example$|sample$|template$|dist$|defaults$|schema$)[\w.-]+)?$")


@rule(
    "SEC-013",
    "security-no-committed-env",
    SECURITY,
    Severity.ERROR,
    "Do not commit `.env` files",
    rationale="""A `.env` file holds the real secrets of some environment. Committed, it is in every
        clone and fork forever, even after deletion, and the secrets must be rotated.""",
    fix="""Add `.env` and `.env.*` (with `!.env.example`) to `.gitignore`, commit only `.env.example` with
        placeholder values, and rotate anything that was committed.""",
)
def no_committed_env(project: Project) -> Iterator[Hit]:
    env_files = [rel for rel in project.files if _ENV_FILE.search(rel)]
    if not env_files and not project.packages:
        raise NotApplicable("no package.json")
    for rel in sorted(env_files):
        folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
        if not gitignored(_gitignore_patterns(project, folder), rel):
            yield Hit(
                rel,
                1,
                f"`{rel}` is not ignored by git: add it to .gitignore, "
                "commit `.env.example` instead and rotate its secrets",
                f"env file {rel}",
            )


# --------------------------------------------------------------------------- dangerous code


@on_call("eval")
def _eval(file: JsFile, call: Call) -> None:
    if call.obj is None:
        file.report(
            "SEC-014",
            call.node,
            "`eval` runs arbitrary code: parse the data (JSON.parse) or use a lookup table",
        )


@on_new("Function")
def _new_function(file: JsFile, node: ts.Node, _args: list[ts.Node]) -> None:
    file.report("SEC-014", node, "`new Function` compiles arbitrary code: replace it with a plain function")


@rule(
    "SEC-014",
    "security-no-eval",
    SECURITY,
    Severity.ERROR,
    "No `eval` or `new Function`",
    rationale="""Evaluating strings as code turns any injection into remote code execution, and defeats
        the V8 optimiser for the whole enclosing function.""",
    fix="""Use `JSON.parse` for data, a map of functions for dispatch, or a real expression parser.""",
)
def no_eval(project: Project) -> Iterator[Hit]:
    _require_sources(project)
    yield from project.js_hits("SEC-014")


_CHILD_PROCESS_FNS = {"exec", "execSync", "spawn", "spawnSync", "execFile", "execFileSync", "fork"}


@on_call(*_CHILD_PROCESS_FNS)
def _child_process(file: JsFile, call: Call) -> None:
    module, imported = file.call_module(call)
    if module != "child_process" or imported not in _CHILD_PROCESS_FNS or not call.args:
        return
    command = call.args[0]
    if file.string_value(command) is not None:
        return
    resolved = file.resolve(command)
    if resolved is not None and file.string_value(resolved) is not None:
        return
    file.report(
        "SEC-015",
        call.node,
        f"`{call.name}` runs a command built at run time: use "
        "`execFile`/`spawn` with a literal command and an argument array",
    )


@rule(
    "SEC-015",
    "security-child-process-literal",
    SECURITY,
    Severity.ERROR,
    "Run child processes with literal commands",
    rationale="""A command string assembled from variables is one unescaped character away from shell
        injection, with the service's privileges.""",
    fix="""Call `execFile('git', ['log', ref])` or `spawn` with a literal program and the variable parts
        as separate arguments (no shell).""",
)
def child_process_literal(project: Project) -> Iterator[Hit]:
    _require_sources(project)
    yield from project.js_hits("SEC-015")


@on_call("require")
def _dynamic_require(file: JsFile, call: Call) -> None:
    if call.obj is not None or not call.args:
        return
    if file.string_value(call.args[0]) is None:
        file.report(
            "SEC-016",
            call.node,
            "`require` of a computed path can load attacker-chosen code: require literal module names",
        )


@rule(
    "SEC-016",
    "security-literal-require",
    SECURITY,
    Severity.WARNING,
    "Require modules by literal name",
    rationale="""`require(variable)` loads whatever path the variable holds at run time: with user input
        in it, that is arbitrary code execution, and bundlers and auditors cannot see the
        dependency.""",
    fix="""Require each module by its literal name, and pick between them with a map:
        `const handlers = { csv: require('./csv'), json: require('./json') }`.""",
)
def literal_require(project: Project) -> Iterator[Hit]:
    _require_sources(project)
    yield from project.js_hits("SEC-016")


@on_call("json", "urlencoded", "raw", "text")
def _body_limit(file: JsFile, call: Call) -> None:
    module, _ = file.call_module(call)
    if module in {"express", "body-parser"} and call.args:
        props = file.object_props(call.args[0]) or {}
        if "limit" in props:
            file.signal("body-limit", call.node)


@rule(
    "SEC-017",
    "security-body-limit",
    SECURITY,
    Severity.NOTE,
    "Set an explicit request body limit",
    rationale="""Every byte of a request body is buffered and parsed on the event loop. The framework
        default (1 MiB in Fastify, 100 KiB in Express) is rarely what an API needs: an explicit
        limit documents the decision and keeps large uploads on a dedicated route.""",
    fix="""Pass `bodyLimit` to `Fastify({ bodyLimit: config.bodyLimitBytes })` (Express:
        `express.json({ limit: '100kb' })`).""",
)
def body_limit(project: Project) -> Iterator[Hit]:
    for pkg in project.require_services():
        if pkg.framework not in {"fastify", "express"}:
            continue
        if project.signal(pkg, "body-limit") is None:
            anchor = project.anchor(pkg)
            hint = (
                "`bodyLimit` to Fastify()" if pkg.framework == "fastify" else "`{ limit }` to express.json()"
            )
            yield Hit(anchor.path, anchor.line, f"No explicit body limit: pass {hint}", "no body limit")


@on_pair("rejectUnauthorized")
def _reject_unauthorized(file: JsFile, pair: ts.Node) -> None:
    value = file.unwrap(pair.child_by_field_name("value"))
    if value is not None and value.type == "false":
        file.report(
            "SEC-018",
            pair,
            "`rejectUnauthorized: false` accepts any certificate: remove it (pass the CA with `ca:` instead)",
        )


@on_assignment
def _tls_env(file: JsFile, node: ts.Node) -> None:
    left = file.text(node.child_by_field_name("left"))
    if left.replace("'", '"') in {
        "process.env.NODE_TLS_REJECT_UNAUTHORIZED",
        'process.env["NODE_TLS_REJECT_UNAUTHORIZED"]',
    }:
        right = node.child_by_field_name("right")
        if file.string_value(right) == "0" or file.text(right) == "0":
            file.report(
                "SEC-018",
                node,
                "Setting NODE_TLS_REJECT_UNAUTHORIZED to 0 turns "
                "off TLS verification process-wide: remove it",
            )


@rule(
    "SEC-018",
    "security-tls-verification",
    SECURITY,
    Severity.ERROR,
    "Never turn off TLS certificate verification in code",
    rationale="""`rejectUnauthorized: false` or `NODE_TLS_REJECT_UNAUTHORIZED = '0'` accept any
        certificate, so anyone on the network path can read and change the traffic (database
        credentials included).""",
    fix="""Remove it; trust a private CA explicitly with `ca: fs.readFileSync(caPath)` or
        `NODE_EXTRA_CA_CERTS`.""",
)
def tls_verification(project: Project) -> Iterator[Hit]:
    _require_sources(project)
    yield from project.js_hits("SEC-018")
