"""Architecture rules: layers point one way, and modules do not import each other in circles."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from scalefold.audit.model import Category, Hit, NotApplicable, Severity
from scalefold.audit.parsers.js import JS_EXTENSIONS, Import
from scalefold.audit.project import Project
from scalefold.audit.registry import rule

ARCHITECTURE = Category.ARCHITECTURE

_DB_MODULES = {
    "pg",
    "pg-promise",
    "postgres",
    "mysql",
    "mysql2",
    "mongodb",
    "mongoose",
    "knex",
    "kysely",
    "drizzle-orm",
    "@prisma/client",
    "typeorm",
    "sequelize",
    "better-sqlite3",
    "@electric-sql/pglite",
    "slonik",
    "ioredis",
    "redis",
}
_HTTP_MODULES = {
    "fastify",
    "fastify-plugin",
    "express",
    "koa",
    "hono",
    "restify",
    "@hapi/hapi",
    "@hapi/boom",
    "http-errors",
}
_HTTP_PREFIXES = ("@fastify/", "@koa/", "@nestjs/platform-", "@hono/")
_LAYER_FILE = re.compile(r"\.(?P<layer>routes?|controller|handlers?|service|repository|repo)\.[cm]?[jt]sx?$")
_LAYER_DIRS = {
    "routes": "routes",
    "controllers": "routes",
    "handlers": "routes",
    "services": "service",
    "repositories": "repository",
    "repository": "repository",
    "repos": "repository",
}


def layer_of(rel: str) -> str | None:
    """'routes', 'service' or 'repository' for a file that follows a layered layout."""
    name = rel.rsplit("/", 1)[-1]
    match = _LAYER_FILE.search(name)
    if match:
        layer = match.group("layer")
        if layer in {"route", "routes", "controller", "handler", "handlers"}:
            return "routes"
        return "repository" if layer in {"repository", "repo"} else "service"
    parts = rel.split("/")
    return _LAYER_DIRS.get(parts[-2]) if len(parts) >= 2 else None


def _bare(spec: str) -> str:
    spec = spec.removeprefix("node:")
    if spec.startswith("@"):
        return "/".join(spec.split("/")[:2])
    return spec.split("/")[0]


@dataclass(frozen=True)
class _Target:
    kind: str  # "db" | "http" | "routes" | "service" | "repository" | "file" | "package"
    rel: str | None


def resolve_import(sources: set[str], importer: str, spec: str) -> str | None:
    """The source file a relative import points to, if it is one of ``sources``."""
    if not spec.startswith("."):
        return None
    base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
    stem = re.sub(r"\.(?:[cm]?js|jsx)$", "", base)
    candidates = (
        [base] + [stem + ext for ext in JS_EXTENSIONS] + [f"{base}/index{ext}" for ext in JS_EXTENSIONS]
    )
    return next((c for c in candidates if c in sources), None)


def _classify(sources: set[str], importer: str, imp: Import) -> _Target:
    if not imp.spec.startswith("."):
        bare = _bare(imp.spec)
        if bare in _DB_MODULES:
            return _Target("db", None)
        if bare in _HTTP_MODULES or bare.startswith(_HTTP_PREFIXES):
            return _Target("http", None)
        return _Target("package", None)
    target = resolve_import(sources, importer, imp.spec)
    path = target or posixpath.normpath(posixpath.join(posixpath.dirname(importer), imp.spec))
    layer = layer_of(path)
    if layer is not None:
        return _Target(layer, target)
    segments = path.split("/")
    if any(s in {"database", "db"} for s in segments[:-1]) or re.match(
        r"(db|database|pool)\.[cm]?[jt]s$", segments[-1]
    ):
        return _Target("db", target)
    return _Target("file", target)


_FORBIDDEN = {
    "ARCH-001": ("routes", {"db", "repository"}),
    "ARCH-002": ("service", {"http", "routes"}),
    "ARCH-003": ("repository", {"http", "routes", "service"}),
}
_WHAT = {
    "db": "the database layer",
    "repository": "a repository",
    "http": "the HTTP framework",
    "routes": "the routes layer",
    "service": "a service",
}


def _layer_violations(project: Project, rule_id: str) -> Iterator[Hit]:
    project.require_node()
    layered = {rel: layer_of(rel) for rel in project.js}
    if not any(layered.values()):
        raise NotApplicable("the project does not follow a routes/service/repository layout")
    layer, forbidden = _FORBIDDEN[rule_id]
    sources = set(project.js)
    for rel, facts in project.js.items():
        if layered[rel] != layer:
            continue
        for imp in facts.imports:
            target = _classify(sources, rel, imp)
            if target.kind in forbidden:
                yield Hit(
                    rel,
                    imp.line,
                    f"A {layer} file imports {_WHAT[target.kind]} (`{imp.spec}`): {_ADVICE[rule_id]}",
                    f"{layer} imports {imp.spec}",
                )


_ADVICE = {
    "ARCH-001": "call a service instead and keep SQL in the repository",
    "ARCH-002": "take plain values and throw domain errors; map them to HTTP in the routes",
    "ARCH-003": "keep the repository to data access; let the service call it",
}


@rule(
    "ARCH-001",
    "architecture-routes-no-database",
    ARCHITECTURE,
    Severity.WARNING,
    "Routes do not touch the database",
    rationale="""When handlers run SQL, business rules end up duplicated across routes and cannot be
        tested without HTTP. Routes should only translate HTTP to a service call and back. (Checked
        when the project follows the routes/service/repository layout.)""",
    fix="""Move the query into the module's repository, call it from the service, and have the route call
        the service.""",
)
def routes_no_database(project: Project) -> Iterator[Hit]:
    yield from _layer_violations(project, "ARCH-001")


@rule(
    "ARCH-002",
    "architecture-services-no-http",
    ARCHITECTURE,
    Severity.WARNING,
    "Services do not depend on the HTTP framework",
    rationale="""Business logic that takes a `FastifyRequest` or throws `httpErrors.NotFound` can only be
        reused from HTTP: not from the worker, a queue consumer or a CLI, and not when the module is
        extracted into its own service.""",
    fix="""Pass plain values into services and throw domain errors (`OrderNotFound`); map them to status
        codes in the routes or the central error handler.""",
)
def services_no_http(project: Project) -> Iterator[Hit]:
    yield from _layer_violations(project, "ARCH-002")


@rule(
    "ARCH-003",
    "architecture-repositories-data-only",
    ARCHITECTURE,
    Severity.WARNING,
    "Repositories depend on nothing above them",
    rationale="""A repository that imports a service or the HTTP layer creates a cycle between layers:
        changes ripple both ways and the data access can no longer be tested or reused alone.""",
    fix="""Have the service call the repository, never the reverse; share types through a module's
        `*.types.ts` file.""",
)
def repositories_data_only(project: Project) -> Iterator[Hit]:
    yield from _layer_violations(project, "ARCH-003")


_FEATURE_MODULE = re.compile(r"(?:^|/)modules/([^/]+)/")


def _unit(rel: str) -> str:
    match = _FEATURE_MODULE.search(rel)
    return rel[: match.end() - 1] if match else rel


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (a large tree must not hit the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    result.append(sorted(component))
    return result


def _cycle_path(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    members = set(component)
    start = component[0]
    path = [start]
    seen = {start}
    while True:
        nxt = sorted(n for n in graph.get(path[-1], ()) if n in members)
        back = [n for n in nxt if n == start]
        if back and len(path) > 1:
            return path + [start]
        fresh = [n for n in nxt if n not in seen]
        if not fresh:
            return path + [start]
        path.append(fresh[0])
        seen.add(fresh[0])


@rule(
    "ARCH-004",
    "architecture-no-import-cycles",
    ARCHITECTURE,
    Severity.WARNING,
    "No import cycles between modules",
    rationale="""Modules that import each other cannot be understood, tested or extracted alone, and with
        ES modules a cycle can hand one side an uninitialised binding at start-up. Feature modules
        (`src/modules/<name>/`) are compared as wholes; elsewhere files are. Type-only imports do not
        count.""",
    fix="""Break the cycle: move the shared piece into a third module (or `shared/`), or have one side
        publish an event the other consumes.""",
)
def no_import_cycles(project: Project) -> Iterator[Hit]:
    project.require_node()
    if not project.js:
        raise NotApplicable("no server source code")
    sources = set(project.js)
    graph: dict[str, set[str]] = {}
    first_edge: dict[tuple[str, str], tuple[str, int, str]] = {}
    for rel in sorted(project.js):
        source_unit = _unit(rel)
        for imp in project.js[rel].imports:
            if imp.type_only or imp.dynamic:
                continue
            target = resolve_import(sources, rel, imp.spec)
            if target is None:
                continue
            target_unit = _unit(target)
            if target_unit == source_unit:
                continue
            graph.setdefault(source_unit, set()).add(target_unit)
            first_edge.setdefault((source_unit, target_unit), (rel, imp.line, imp.spec))
    for component in _strongly_connected(graph):
        cycle = _cycle_path(graph, component)
        rel, line, _spec = first_edge[(cycle[0], cycle[1])]
        shown = " → ".join(
            c.rsplit("/", 1)[-1] if c.startswith("src/") and "/modules/" not in c else c for c in cycle
        )
        yield Hit(
            rel,
            line,
            f"Import cycle: {shown}: move the shared code into its own module or use an event",
            f"cycle {' '.join(cycle)}",
        )
