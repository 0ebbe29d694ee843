"""Reliability rules: crash handling, graceful shutdown, health routes and the Node.js version."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import tree_sitter as ts

from scalefold.audit.model import Category, Hit, NotApplicable, Severity
from scalefold.audit.parsers.js import (
    FUNCTION_TYPES,
    Call,
    Import,
    JsFile,
    normalise_module,
    on_call,
    on_import,
)
from scalefold.audit.project import NodePackage, Project
from scalefold.audit.registry import rule

RELIABILITY = Category.RELIABILITY

# Node.js LTS lines: (LTS from, end of life). Source: the Node.js release schedule; add a line each October.
NODE_LTS: dict[int, tuple[date, date]] = {
    16: (date(2021, 10, 26), date(2023, 9, 11)),
    18: (date(2022, 10, 25), date(2025, 4, 30)),
    20: (date(2023, 10, 24), date(2026, 4, 30)),
    22: (date(2024, 10, 29), date(2027, 4, 30)),
    24: (date(2025, 10, 28), date(2028, 4, 30)),
    26: (date(2026, 10, 28), date(2029, 4, 30)),
}
_LTS_CODENAMES = {"gallium": 16, "hydrogen": 18, "iron": 20, "jod": 22, "krypton": 24}


def supported_lts(today: date) -> list[int]:
    return [major for major, (start, end) in sorted(NODE_LTS.items()) if start <= today < end]


_PROCESS_EVENTS = {"unhandledRejection", "uncaughtException", "SIGTERM", "SIGINT"}
_CLOSE_CALLS = {
    "close",
    "end",
    "quit",
    "disconnect",
    "destroy",
    "stop",
    "shutdown",
    "terminate",
    "drain",
    "closeGracefully",
    "closeAll",
    "gracefulShutdown",
}
_GRACEFUL_LIBS = {
    "close-with-grace",
    "@godaddy/terminus",
    "http-terminator",
    "fastify-graceful-shutdown",
    "stoppable",
    "lightship",
    "@nestjs/terminus",
}


# close-with-grace also logs and exits on uncaughtException and unhandledRejection.
_CRASH_HANDLING_LIBS = {"close-with-grace"}


@on_import
def _graceful_imports(file: JsFile, imp: Import) -> None:
    module = normalise_module(imp.spec) or ""
    if module in _GRACEFUL_LIBS:
        file.facts.signals.setdefault("process:SIGTERM", (imp.line, f"import {module}"))
    if module in _CRASH_HANDLING_LIBS:
        for event in ("uncaughtException", "unhandledRejection"):
            file.facts.signals.setdefault(f"process:{event}", (imp.line, f"import {module}"))


def _closes_something(file: JsFile, fn: ts.Node, depth: int = 0) -> bool:
    for node in file.walk(fn):
        if node.type != "call_expression":
            continue
        callee = file.unwrap(node.child_by_field_name("function"))
        if callee is None:
            continue
        if callee.type == "member_expression":
            if file.text(callee.child_by_field_name("property")) in _CLOSE_CALLS:
                return True
        elif callee.type == "identifier":
            name = file.text(callee)
            if name in _CLOSE_CALLS or name in file.bindings:
                return True  # an imported shutdown helper: trust it
            target = file.declarations.get(name)
            target = file.unwrap(target) if target is not None else None
            if (
                target is not None
                and target.type in FUNCTION_TYPES
                and depth < 2
                and _closes_something(file, target, depth + 1)
            ):
                return True
    return False


@on_call("on", "once", "addListener", "prependListener", "prependOnceListener")
def _process_listeners(file: JsFile, call: Call) -> None:
    if call.obj is None or file.text(call.obj) != "process" or not call.args:
        return
    event = file.string_value(call.args[0])
    if event not in _PROCESS_EVENTS:
        return
    file.signal(f"process:{event}", call.node)
    if event == "SIGTERM" and len(call.args) > 1:
        handler = file.unwrap(call.args[1])
        if handler is not None and handler.type == "identifier":
            if file.text(handler) in file.bindings:
                return
            target = file.declarations.get(file.text(handler))
            handler = file.unwrap(target) if target is not None else None
        if handler is not None and handler.type in FUNCTION_TYPES and not _closes_something(file, handler):
            file.report(
                "REL-003",
                call.node,
                "The SIGTERM handler exits without closing the "
                "server and pools: call `await app.close()` first",
            )


def _process_handler(project: Project, event: str, advice: str) -> Iterator[Hit]:
    for pkg in project.require_services():
        if project.signal(pkg, f"process:{event}") is None:
            anchor = project.anchor(pkg)
            yield Hit(anchor.path, anchor.line, f"No `{event}` handler: {advice}", f"no {event} handler")


@rule(
    "REL-001",
    "reliability-unhandled-rejection",
    RELIABILITY,
    Severity.WARNING,
    "Handle `unhandledRejection`: log, then exit",
    rationale="""A rejected promise nobody awaited leaves the process in an unknown state. Node 15+ crashes
        without logging through your logger; the right move is to log the reason with context and
        exit so the supervisor starts a clean process.""",
    fix="""`process.on('unhandledRejection', (reason) => { logger.fatal({ err: reason }, 'unhandled
        rejection'); process.exit(1) })` (after closing what you can).""",
)
def unhandled_rejection(project: Project) -> Iterator[Hit]:
    yield from _process_handler(
        project, "unhandledRejection", "add `process.on('unhandledRejection', …)` that logs and exits"
    )


@rule(
    "REL-002",
    "reliability-uncaught-exception",
    RELIABILITY,
    Severity.WARNING,
    "Handle `uncaughtException`: log, then exit",
    rationale="""An exception thrown outside any try/catch kills the process with a bare stack trace on
        stderr, outside the structured logs, so the cause is invisible where you look first.""",
    fix="""`process.on('uncaughtException', (err) => { logger.fatal({ err }, 'uncaught exception');
        process.exit(1) })`; never keep serving after it.""",
)
def uncaught_exception(project: Project) -> Iterator[Hit]:
    yield from _process_handler(
        project, "uncaughtException", "add `process.on('uncaughtException', …)` that logs and exits"
    )


@rule(
    "REL-003",
    "reliability-graceful-shutdown",
    RELIABILITY,
    Severity.WARNING,
    "Shut down gracefully on SIGTERM",
    rationale="""Orchestrators send SIGTERM before every deploy, scale-in and node drain. Without a
        handler, in-flight requests are cut off and database connections dropped; a handler that
        stops accepting, finishes requests and closes the pools makes deploys invisible.""",
    fix="""`process.once('SIGTERM', async () => { await app.close(); await pool.end(); process.exit(0) })`,
        bounded by a timeout (or use close-with-grace).""",
)
def graceful_shutdown(project: Project) -> Iterator[Hit]:
    yield from _process_handler(
        project, "SIGTERM", "add `process.once('SIGTERM', …)` that closes the server and pools"
    )
    yield from project.js_hits("REL-003")


_LIVENESS = re.compile(r"(^|/)(live|liveness|livez|healthz?|ping|alive)$", re.IGNORECASE)
_READINESS = re.compile(r"(^|/)(ready|readiness|readyz)$", re.IGNORECASE)


@rule(
    "REL-004",
    "reliability-health-routes",
    RELIABILITY,
    Severity.WARNING,
    "Serve liveness and readiness routes",
    rationale="""Liveness says "restart me", readiness says "send me traffic"; they are different
        questions. Without readiness, traffic arrives before the database is reachable and during
        shutdown; without liveness, a wedged process is never restarted.""",
    fix="""Add `GET /health/live` (always 200 while the event loop runs) and `GET /health/ready` (checks
        the database and cache, 503 when one is down or during shutdown).""",
)
def health_routes(project: Project) -> Iterator[Hit]:
    for pkg in project.require_services():
        paths = [
            route.path.rstrip("/")
            for facts in project.package_sources(pkg)
            for route in facts.routes
            if route.method in {"GET", "ALL", "HEAD"} or "GET" in route.method
        ]
        missing = []
        if not any(_LIVENESS.search(p) for p in paths):
            missing.append("liveness (`GET /health/live`)")
        if not any(_READINESS.search(p) for p in paths):
            missing.append("readiness (`GET /health/ready`)")
        if (
            missing
            and project.signal(pkg, "process:SIGTERM") is not None
            and pkg.has_dep("@godaddy/terminus", "@nestjs/terminus")
        ):
            continue
        if missing:
            anchor = project.anchor(pkg)
            yield Hit(
                anchor.path,
                anchor.line,
                f"No {' or '.join(missing)} route: add {'them' if len(missing) > 1 else 'it'}",
                f"missing {' '.join(m.split()[0] for m in missing)}",
            )


def min_major(range_text: str) -> int | None:
    """The lowest Node.js major a semver range allows: `>=22.12` → 22, `^24` → 24, `22.x || 24.x` → 22."""
    lows: list[int] = []
    for alternative in range_text.split("||"):
        comparators = re.findall(r"(<=|>=|<|>|\^|~|=)?\s*v?(\d+)", alternative)
        bounds = [int(major) for op, major in comparators if op not in {"<", "<="}]
        if bounds:
            lows.append(bounds[0])
        elif comparators:
            return None  # only an upper bound: any old version is allowed
    return min(lows) if lows else None


def _engines(pkg: NodePackage) -> tuple[str | None, int]:
    engines = pkg.data.get("engines")
    if isinstance(engines, dict) and engines.get("node") is not None:
        line = engines.line_of("node") if hasattr(engines, "line_of") else pkg.key_line("engines")
        return str(engines["node"]), line
    return None, pkg.key_line("engines") if "engines" in pkg.data else 1


def _lts_problem(major: int | None, today: date, what: str) -> str | None:
    supported = supported_lts(today)
    if major is None:
        return f"{what} does not name a Node.js major version"
    if major in supported:
        return None
    listed = " or ".join(str(m) for m in supported)
    if major in NODE_LTS and NODE_LTS[major][1] <= today:
        end = NODE_LTS[major][1].isoformat()
        return f"{what} allows Node.js {major}, which reached end of life on {end}: require {listed}"
    if major % 2 == 1:
        return f"{what} allows Node.js {major}, an odd (non-LTS) line: require {listed}"
    return f"{what} allows Node.js {major}, not an active LTS line: require {listed}"


@rule(
    "REL-005",
    "reliability-engines-node",
    RELIABILITY,
    Severity.WARNING,
    "Declare `engines.node` on a supported LTS line",
    rationale="""`engines.node` tells npm, CI and the platform which runtime the code was tested on. A
        missing or end-of-life range lets the service run on a Node.js without security fixes.""",
    fix="""Add `"engines": { "node": ">=24" }` (or `>=22`) to package.json, on a line that is LTS and
        not past end of life.""",
)
def engines_node(project: Project) -> Iterator[Hit]:
    packages = project.services or ([project.root_package] if project.root_package else [])
    if not packages:
        raise NotApplicable("no package.json")
    for pkg in packages:
        assert pkg is not None
        value, line = _engines(pkg)
        if value is None:
            yield Hit(
                pkg.path, line, 'No `engines.node`: add `"engines": { "node": ">=24" }`', "no engines.node"
            )
            continue
        problem = _lts_problem(min_major(value), project.today, f'`engines.node` "{value}"')
        if problem:
            yield Hit(pkg.path, line, problem, f"engines.node {value}")


_VERSION_FILES = (".nvmrc", ".node-version")


def read_version_file(project: Project) -> tuple[str, str, int | None] | None:
    """(path, content, major) of the repository's .nvmrc/.node-version, if one exists."""
    for rel in _VERSION_FILES:
        if project.has(rel):
            lines = [
                line.strip()
                for line in project.lines(rel)
                if line.strip() and not line.strip().startswith("#")
            ]
            content = lines[0] if lines else ""
            lower = content.lower()
            if lower.startswith("lts/"):
                name = lower[4:]
                major = (
                    max(supported_lts(project.today) or [0])
                    if name in {"*", "latest"}
                    else _LTS_CODENAMES.get(name)
                )
            else:
                match = re.match(r"v?(\d+)", content)
                major = int(match.group(1)) if match else None
            return rel, content, major
    return None


@rule(
    "REL-006",
    "reliability-nvmrc",
    RELIABILITY,
    Severity.WARNING,
    "Pin the development Node.js version in `.nvmrc`",
    rationale="""`.nvmrc` (or `.node-version`) makes nvm, fnm, Volta, `actions/setup-node` and
        colleagues use the same Node.js as production, so "works on my machine" means something.""",
    fix="""Add `.nvmrc` containing the major you deploy, e.g. `24`, and use `node-version-file: .nvmrc`
        in CI.""",
)
def nvmrc(project: Project) -> Iterator[Hit]:
    pkg = project.root_package
    if pkg is None:
        raise NotApplicable("no package.json")
    found = read_version_file(project)
    if found is None:
        yield Hit(
            pkg.path,
            1,
            "No `.nvmrc`: add one naming the Node.js major you deploy (e.g. `24`)",
            "no nvmrc",
            Severity.NOTE,
        )
        return
    rel, content, major = found
    problem = _lts_problem(major, project.today, f'`{rel}` "{content}"')
    if problem:
        yield Hit(rel, 1, problem, f"{rel} {content}")


@rule(
    "REL-007",
    "reliability-node-version-matches-image",
    RELIABILITY,
    Severity.WARNING,
    "Run the same Node.js major in the image as in development",
    rationale="""Code tested on one major and shipped on another meets different defaults, removed APIs
        and native-module ABIs in production first.""",
    fix="""Use the `.nvmrc` / `engines.node` major in the Dockerfile's `FROM node:<major>-…` (all stages).""",
)
def node_version_matches_image(project: Project) -> Iterator[Hit]:
    dockerfiles = project.require_dockerfiles()
    found = read_version_file(project)
    pkg = project.root_package
    engines_value = _engines(pkg)[0] if pkg is not None else None
    wanted = found[2] if found else None
    source = f"`{found[0]}`" if found else None
    if wanted is None and engines_value is not None:
        wanted, source = min_major(engines_value), "`engines.node`"
    if wanted is None:
        raise NotApplicable("no .nvmrc or engines.node to compare with")
    checked = False
    for dockerfile in dockerfiles:
        for stage in dockerfile.stages:
            image = stage.image
            major = image.node_major() if image is not None else None
            if major is None:
                continue
            checked = True
            if major != wanted:
                yield Hit(
                    dockerfile.path,
                    stage.line,
                    f"`FROM {image.ref}` runs Node.js {major} but {source} says {wanted}: use the same major",
                    f"FROM {image.ref}",
                )  # type: ignore[union-attr]
    if not checked:
        raise NotApplicable("no Node.js base image with a version tag")
