"""The routes → service → repository layering the architecture rules check (paths are text)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from scalefold.audit.js.facts import Import
from scalefold.audit.js.syntax import JS_EXTENSIONS, bare_module
from scalefold.audit.model import Hit, Location, NotApplicable
from scalefold.audit.project import Project

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
_DB_FILE = re.compile(r"(db|database|pool)\.[cm]?[jt]s$")
_JS_SUFFIX = re.compile(r"\.(?:[cm]?js|jsx)$")
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


@dataclass(frozen=True)
class Target:
    kind: str  # "db" | "http" | "routes" | "service" | "repository" | "file" | "package"
    rel: str | None


def resolve_import(sources: Collection[str], importer: str, spec: str) -> str | None:
    """The source file a relative import points to, if it is one of ``sources``."""
    if not spec.startswith("."):
        return None
    base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
    stem = _JS_SUFFIX.sub("", base)
    candidates = (
        [base] + [stem + ext for ext in JS_EXTENSIONS] + [f"{base}/index{ext}" for ext in JS_EXTENSIONS]
    )
    return next((c for c in candidates if c in sources), None)


def classify(sources: Collection[str], importer: str, imp: Import) -> Target:
    if not imp.spec.startswith("."):
        bare = bare_module(imp.spec)
        if bare in _DB_MODULES:
            return Target("db", None)
        if bare in _HTTP_MODULES or bare.startswith(_HTTP_PREFIXES):
            return Target("http", None)
        return Target("package", None)
    target = resolve_import(sources, importer, imp.spec)
    path = target or posixpath.normpath(posixpath.join(posixpath.dirname(importer), imp.spec))
    layer = layer_of(path)
    if layer is not None:
        return Target(layer, target)
    segments = path.split("/")
    if any(s in {"database", "db"} for s in segments[:-1]) or _DB_FILE.match(segments[-1]):
        return Target("db", target)
    return Target("file", target)


_WHAT = {
    "db": "the database layer",
    "repository": "a repository",
    "http": "the HTTP framework",
    "routes": "the routes layer",
    "service": "a service",
}


def _layered_imports(project: Project) -> dict[str, list[tuple[Import, Target]]]:
    """For each file of a layer: its imports and what they point to (shared by the three layer rules)."""
    sources = project.source_facts()
    return {
        rel: [(imp, classify(sources, rel, imp)) for imp in facts.imports]
        for rel, facts in sources.items()
        if layer_of(rel) is not None
    }


def layer_violations(project: Project, layer: str, forbidden: set[str], advice: str) -> Iterator[Hit]:
    """Imports from files of ``layer`` into the ``forbidden`` kinds of code."""
    project.require_node()
    project.source_facts()  # what the rule reads (the shared value below is built from it once)
    layered = project.shared("architecture:layered-imports", lambda: _layered_imports(project))
    if not layered:
        raise NotApplicable("the project does not follow a routes/service/repository layout")
    for rel, imports in layered.items():
        if layer_of(rel) != layer:
            continue
        for imp, target in imports:
            if target.kind in forbidden:
                yield Hit(
                    Location(rel, imp.line, f"{layer} imports {imp.spec}"),
                    f"A {layer} file imports {_WHAT[target.kind]} (`{imp.spec}`): {advice}",
                )
