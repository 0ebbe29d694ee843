"""The extracted preset's deployables (the API with its outbox relay, the notifications consumer) started
with the broker behind a proxy of the test's own: both reach it through the proxy, as both lose it
when it goes down."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.faults.system import ProcessGroup
from tests.support.http import free_port, wait_until_ok
from tests.support.processes import LogTail, start
from tests.support.project import delete_redis_keys
from tests.support.services import REDIS_URL, fresh_database
from tests.support.tcp_proxy import TcpProxy

#: Each broker's URL on the local machine, and its port.
BROKERS = {
    "rabbitmq": ("amqp://guest:guest@127.0.0.1:5672", 5672),
    "nats": ("nats://127.0.0.1:4222", 4222),
}


@dataclass
class Extracted(ProcessGroup):
    project: Path
    api_env: dict[str, str]
    consumer_env: dict[str, str]
    broker: TcpProxy
    processes: dict[str, LogTail] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.api_env['PORT']}"

    @property
    def api_database(self) -> str:
        return self.api_env["DATABASE_URL"]

    @property
    def consumer_database(self) -> str:
        return self.consumer_env["DATABASE_URL"]

    def start_api(self) -> LogTail:
        api = start(self.project / "apps" / "api", self.api_env, "node", "dist/server.js")
        self.processes["api"] = api
        wait_until_ok(f"{self.base}/health/ready", process=api.process)
        return api

    def start_consumer(self) -> LogTail:
        consumer = start(self.project / "services" / "notifications", self.consumer_env, "node", "dist/consumer.js")
        self.processes["consumer"] = consumer
        consumer.wait_for(lambda line: line.get("msg") == "consumer started")
        return consumer


@contextmanager
def extracted_system(project: Path, node_env: dict[str, str], broker: str) -> Iterator[Extracted]:
    """Fresh databases, a broker namespace and a Redis key prefix of their own; processes stopped after."""
    prefix = f"faults-{secrets.token_hex(6)}"
    with ExitStack() as stack:
        api_database = stack.enter_context(fresh_database("scalefold_faults"))
        consumer_database = stack.enter_context(fresh_database("scalefold_faults"))
        url, port = BROKERS[broker]
        proxy = stack.enter_context(TcpProxy(port))
        common = {
            **node_env,
            "NODE_ENV": "production",
            "HOST": "127.0.0.1",
            "LOG_LEVEL": "info",
            "REDIS_URL": REDIS_URL,
            "REDIS_KEY_PREFIX": prefix,
            "BROKER_URL": proxy.url(url),
            # Its own exchange (stream) and queues on the shared broker.
            "BROKER_NAMESPACE": f"faults-{uuid.uuid4().hex[:8]}",
        }
        api_env = {
            **common,
            "DATABASE_URL": api_database,
            "PORT": str(free_port()),
            "JWT_SECRET": secrets.token_urlsafe(48),
            "CORS_ORIGINS": "https://app.example.com",
            # The rate limits are not under test: high enough that the load never meets them.
            "RATE_LIMIT_MAX": "1000000",
            "AUTH_RATE_LIMIT_MAX": "1000000",
            "BCRYPT_COST": "12",
        }
        consumer_env = {**common, "DATABASE_URL": consumer_database, "PORT": str(free_port()),
                        "WORKER_PORT": str(free_port())}
        system = Extracted(project, api_env, consumer_env, proxy)
        try:
            yield system
        finally:
            system.stop_all()
            delete_redis_keys(project / "services" / "notifications", node_env, REDIS_URL, prefix)
