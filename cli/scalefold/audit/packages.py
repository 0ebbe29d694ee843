"""Node packages: each package.json and the code beside it, the unit most rules judge."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from scalefold.audit.js.syntax import JS_EXTENSIONS
from scalefold.audit.parsers.yamlloc import LMap

# Nest first: a Nest application also depends on the Express (or Fastify) platform it runs on.
FRAMEWORKS = {
    "@nestjs/core": "nestjs",
    "fastify": "fastify",
    "express": "express",
    "koa": "koa",
    "hono": "hono",
    "@hapi/hapi": "hapi",
    "restify": "restify",
}

FRONTEND_FRAMEWORKS = (
    "react",
    "react-dom",
    "vue",
    "svelte",
    "next",
    "nuxt",
    "@angular/core",
    "solid-js",
    "preact",
)

_DEPENDENCY_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")

_NOT_SERVER_DIRS = frozenset(
    {
        "test",
        "tests",
        "__tests__",
        "__mocks__",
        "spec",
        "e2e",
        "fixtures",
        "__fixtures__",
        "scripts",
        "bench",
        "benchmark",
        "benchmarks",
        "examples",
        "example",
        "docs",
        "tools",
        "stories",
        ".storybook",
        "cypress",
        "playwright",
        "seeds",
        # command-line tools and scaffolding beside the server: run by a person, not per request
        "bin",
        "commands",
        "cli",
        "code-generator",
        "generators",
    }
)
# File names (text, not code) of tests, benchmarks, stories, declarations, bundles and tool configuration.
_NOT_SERVER_FILE = re.compile(
    r"(\.(test|spec|e2e|bench|config|stories|test-d|tst)\.[cm]?[jt]sx?$)|(\.d\.[cm]?ts$)|(\.min\.js$)"
    r"|(^(eslint|prettier|vitest|jest|vite|webpack|rollup|tsup|babel)\.config\.)|((^|[-_.])setup\.[cm]?js$)|(^\.eslintrc)|(^gulpfile|^gruntfile)",
    re.IGNORECASE,
)


def is_server_source(rel: str) -> bool:
    """Application code that runs in production, as opposed to tests, scripts and configuration."""
    if not rel.endswith(JS_EXTENSIONS):
        return False
    parts = rel.split("/")
    if any(part in _NOT_SERVER_DIRS for part in parts[:-1]):
        return False
    return not _NOT_SERVER_FILE.search(parts[-1])


@dataclass
class NodePackage:
    """One package.json and the code beside it.

    A package.json that cannot be read still makes a package (its folder is known): its
    dependencies are then taken from what its code imports, and ``manifest_error`` says why.
    """

    dir: str  # "" for the root, else "services/api"
    path: str  # its package.json
    data: LMap
    manifest_error: str | None = None
    manifest_error_line: int = 1
    imported: Callable[[], set[str]] | None = field(default=None, repr=False, compare=False)

    @property
    def valid(self) -> bool:
        return self.manifest_error is None

    @property
    def deps(self) -> dict[str, str]:
        if not self.valid and self.imported is not None:
            return {name: "*" for name in sorted(self.imported())}
        merged: dict[str, str] = {}
        for key in _DEPENDENCY_SECTIONS:
            section = self.data.get(key)
            if isinstance(section, dict):
                merged.update({str(k): str(v) for k, v in section.items()})
        return merged

    @property
    def runtime_deps(self) -> dict[str, str]:
        section = self.data.get("dependencies")
        return {str(k): str(v) for k, v in section.items()} if isinstance(section, dict) else {}

    def has_dep(self, *names: str) -> str | None:
        deps = self.deps
        return next((n for n in names if n in deps), None)

    @property
    def framework(self) -> str | None:
        """The web framework among the dependencies: the package runs an HTTP server."""
        deps = self.deps
        return next((FRAMEWORKS[name] for name in FRAMEWORKS if name in deps), None)

    def dep_line(self, name: str) -> int:
        for key in _DEPENDENCY_SECTIONS:
            section = self.data.get(key)
            if isinstance(section, LMap) and name in section:
                return section.line_of(name)
        return 1

    def key_line(self, key: str) -> int:
        return self.data.line_of(key)

    @property
    def frontend(self) -> bool:
        """A browser application (React, Vue, …) with no server framework: not server code."""
        return self.framework is None and self.has_dep(*FRONTEND_FRAMEWORKS) is not None

    def contains(self, rel: str) -> bool:
        return not self.dir or rel.startswith(self.dir + "/")

    @property
    def label(self) -> str:
        return str(self.data.get("name") or self.dir or "the root package")
