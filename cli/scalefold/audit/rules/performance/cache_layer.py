"""PERF-005: have a cache layer for hot reads."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.js.facts import Import, Mark
from scalefold.audit.js.syntax import JsFile
from scalefold.audit.js.visitors import on_import
from scalefold.audit.model import Category, Hit, Severity, Unchecked
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import missing
from scalefold.audit.rules.security.common import PRESENT, import_mark

_CACHES = frozenset(
    {
        "ioredis",
        "redis",
        "lru-cache",
        "node-cache",
        "cache-manager",
        "@fastify/caching",
        "keyv",
        "memcached",
        "@isaacs/ttlcache",
        "lru.min",
        "@nestjs/cache-manager",
        "catbox",
        "@keyv/redis",
        "quick-lru",
        "mnemonist",
    }
)


@on_import()  # every import: any `@keyv/*` adapter counts
def _cache_imported(file: JsFile, imp: Import) -> Iterator[Mark]:
    module = imp.spec.removeprefix("node:")
    if module in _CACHES or module.startswith("@keyv/"):
        yield import_mark(file, imp)


def check(project: Project, rule: Rule) -> Iterator[Hit | Unchecked]:
    for pkg in project.require_services():
        if project.mark(rule, pkg, PRESENT) is None and not pkg.has_dep(
            "ioredis", "redis", "lru-cache", "keyv", "cache-manager"
        ):
            yield missing(
                project,
                pkg,
                "No cache layer found: consider Redis (ioredis) cache-aside for hot reads",
                "no cache",
            )


RULE = Rule(
    id="PERF-005",
    name="performance-cache-layer",
    category=Category.PERFORMANCE,
    severity=Severity.NOTE,
    advice=True,
    title="Have a cache layer for hot reads",
    rationale="""Most read traffic asks for the same few things. A cache (Redis, or in-memory for one
        instance) in front of the database takes that load off it and cuts latency. Not every
        service needs one, hence a note.""",
    fix="""Add cache-aside reads with a TTL through ioredis (falling back to an in-memory LRU when Redis is
        not configured) and invalidate on writes.""",
    check=check,
    visitors=(_cache_imported,),
)
