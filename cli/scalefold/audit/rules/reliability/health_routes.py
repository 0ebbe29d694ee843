"""REL-004: serve liveness and readiness routes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity, Unchecked
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import missing
from scalefold.audit.rules.reliability.process_events import PROCESS_EVENTS, SIGTERM
from scalefold.audit.workspace import workspace_dependencies

# Route paths are text.
_LIVENESS = re.compile(r"(^|/)(live|liveness|livez|healthz?|ping|alive)$", re.IGNORECASE)
_STATUS = re.compile(r"(^|/)(status|health\w*|ping|live\w*|alive)$", re.IGNORECASE)
_READINESS = re.compile(r"(^|/)(ready|readiness|readyz)$", re.IGNORECASE)
_TERMINUS = ("@godaddy/terminus", "@nestjs/terminus")
# What a readiness check would wait for: a database, a cache, a broker. Without any of them the
# process is ready as soon as it is alive, and one health route answers both questions.
_DEPENDENCIES = (
    "pg",
    "postgres",
    "mysql",
    "mysql2",
    "mongodb",
    "mongoose",
    "typeorm",
    "sequelize",
    "prisma",
    "@prisma/client",
    "knex",
    "drizzle-orm",
    "@mikro-orm/core",
    "redis",
    "ioredis",
    "amqplib",
    "kafkajs",
    "@temporalio/client",
    "@grpc/grpc-js",
    "cassandra-driver",
    "neo4j-driver",
    "@aws-sdk/client-dynamodb",
    "nats",
    "bullmq",
    "bull",
    "@elastic/elasticsearch",
    "better-sqlite3",
    "sqlite3",
)


def _needs_readiness(project: Project, pkg) -> bool:
    """Whether the service (or the workspace packages it builds on) talks to a datastore or broker."""
    if pkg.has_dep(*_DEPENDENCIES) or any(
        dep.has_dep(*_DEPENDENCIES) for dep in workspace_dependencies(pkg, project.packages)
    ):
        return True
    root = project.root_package
    return root is not None and root is not pkg and root.has_dep(*_DEPENDENCIES) is not None


def check(project: Project, rule: Rule) -> Iterator[Hit | Unchecked]:
    for pkg in project.require_services():
        paths = [
            route.path.rstrip("/")
            for facts in project.sources_built_on(pkg)
            for route in facts.routes
            if route.method in {"GET", "ALL", "HEAD"} or "GET" in route.method
        ]
        absent = []
        if not any(_LIVENESS.search(p) for p in paths):
            absent.append("liveness (`GET /health/live`)")
        if not any(_READINESS.search(p) for p in paths):
            absent.append("readiness (`GET /health/ready`)")
        if not absent:
            continue
        if not _needs_readiness(project, pkg) and any(_STATUS.search(p) for p in paths):
            continue  # stateless: one constant health route answers liveness and readiness
        if project.mark(PROCESS_EVENTS, pkg, SIGTERM) is not None and pkg.has_dep(*_TERMINUS):
            continue  # terminus serves the health routes itself
        yield missing(
            project,
            pkg,
            f"No {' or '.join(absent)} route: add {'them' if len(absent) > 1 else 'it'}",
            f"missing {' '.join(m.split()[0] for m in absent)}",
        )


RULE = Rule(
    id="REL-004",
    name="reliability-health-routes",
    category=Category.RELIABILITY,
    severity=Severity.WARNING,
    title="Serve liveness and readiness routes",
    rationale="""Liveness says "restart me", readiness says "send me traffic"; they are different
        questions. Without readiness, traffic arrives before the database is reachable and during
        shutdown; without liveness, a wedged process is never restarted.""",
    fix="""Add `GET /health/live` (always 200 while the event loop runs) and `GET /health/ready` (checks
        the database and cache, 503 when one is down or during shutdown).""",
    check=check,
)
