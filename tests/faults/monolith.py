"""The monolith's API (and worker), or another preset's HTTP service, started with PostgreSQL and Redis
behind proxies of the test's own."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.faults.system import ProcessGroup
from tests.support.http import free_port, wait_until_ok
from tests.support.processes import LogTail, start
from tests.support.project import delete_redis_keys, run
from tests.support.services import REDIS_URL, fresh_database
from tests.support.tcp_proxy import TcpProxy

#: The client deadline of every request in the fault suite: a request unanswered after it is "hung".
CLIENT_DEADLINE_S = 15.0


@dataclass
class Monolith(ProcessGroup):
    project: Path
    env: dict[str, str]
    database_url: str
    database: TcpProxy
    redis: TcpProxy | None
    processes: dict[str, LogTail] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.env['PORT']}"

    def start_api(self, **extra_env: str) -> LogTail:
        api = start(self.project, {**self.env, **extra_env}, "node", "dist/server.js")
        self.processes["api"] = api
        wait_until_ok(f"{self.base}/health/live", process=api.process)
        return api

    def start_worker(self) -> LogTail:
        worker = start(self.project, self.env, "node", "dist/worker.js")
        self.processes["worker"] = worker
        worker.wait_for(lambda line: line.get("msg") == "worker started")
        return worker


@contextmanager
def monolith_system(project: Path, node_env: dict[str, str], *, with_redis: bool,
                    extra_env: dict[str, str] | None = None) -> Iterator[Monolith]:
    """A fresh database, a Redis key prefix of its own, both behind proxies; processes stopped after.

    `project` is the folder of the service to run (the monolith's root, or e.g. `apps/api` of the
    extracted preset): its `dist/server.js`, `dist/migrate.js`. `extra_env` adds to the environment.
    """
    prefix = f"faults-{secrets.token_hex(6)}"
    with ExitStack() as stack:
        database_url = stack.enter_context(fresh_database("scalefold_faults"))
        database = stack.enter_context(TcpProxy(5432))
        redis = stack.enter_context(TcpProxy(6379)) if with_redis else None
        env = {
            **node_env,
            "NODE_ENV": "production",
            "HOST": "127.0.0.1",
            "PORT": str(free_port()),
            "WORKER_PORT": str(free_port()),
            "LOG_LEVEL": "info",
            "JWT_SECRET": secrets.token_urlsafe(48),
            "CORS_ORIGINS": "https://app.example.com",
            # The rate limits are not under test: high enough that the load never meets them.
            "RATE_LIMIT_MAX": "1000000",
            "AUTH_RATE_LIMIT_MAX": "1000000",
            "BCRYPT_COST": "12",
            "DATABASE_URL": database.url(database_url),
            "REDIS_KEY_PREFIX": prefix,
            **(extra_env or {}),
        }
        if redis is not None:
            env["REDIS_URL"] = redis.url(REDIS_URL)
        run(["node", "dist/migrate.js"], project, {**env, "DATABASE_URL": database_url})
        system = Monolith(project, env, database_url, database, redis)
        try:
            yield system
        finally:
            system.stop_all()
            if with_redis:
                delete_redis_keys(project, node_env, REDIS_URL, prefix)
