"""The microservices preset's event path started as in production: the users service (which signs the
access tokens and publishes their keys), the orders API with its outbox relay, the orders projector and
the notifications consumer. The orders and notifications databases and the broker are each reached
through a proxy of the test's own, so a test fails any of them; the users service is not under test and
reaches its database directly.

The services share the built project; each run has fresh databases, its own broker namespace (exchange
and queues) and its own Redis key prefix.
"""

from __future__ import annotations

import secrets
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.faults.extracted import BROKERS
from tests.faults.jobs import queued_jobs
from tests.faults.system import ProcessGroup
from tests.support.http import free_port, wait_until_ok
from tests.support.processes import LogTail, start
from tests.support.project import delete_redis_keys, run
from tests.support.services import REDIS_URL, fresh_database, query
from tests.support.tcp_proxy import TcpProxy
from tests.support.tokens import ed25519_key

#: The order-confirmation jobs the notifications consumer queues, one per order, named after it.
CONFIRMATION = "order-confirmation-"


@dataclass
class Microservices(ProcessGroup):
    project: Path
    envs: dict[str, dict[str, str]]
    #: The direct URLs of the orders and notifications databases (the services use the proxies).
    orders_database_url: str
    notifications_database_url: str
    orders_database: TcpProxy
    notifications_database: TcpProxy
    broker: TcpProxy
    processes: dict[str, LogTail] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.envs[service]['PORT']}"

    @property
    def databases(self) -> list[tuple[TcpProxy, str]]:
        """(proxy, direct URL) of each database the event path writes: orders, notifications."""
        return [(self.orders_database, self.orders_database_url),
                (self.notifications_database, self.notifications_database_url)]

    def start_all(self) -> None:
        """users, the orders API, the projector and the notifications consumer, each ready."""
        for service in ("users", "orders"):
            self.processes[service] = start(self.project / "services" / service, self.envs[service], "node",
                                            "dist/server.js")
            wait_until_ok(f"{self.url(service)}/health/ready", process=self.processes[service].process)
        for name, service, entry in [("projector", "orders", "dist/projector.js"),
                                     ("consumer", "notifications", "dist/consumer.js")]:
            self.processes[name] = start(self.project / "services" / service, self.envs[name], "node", entry)
            self.processes[name].wait_for(lambda line, name=name: line.get("msg") == f"{name} started")

    def stored_orders(self) -> set[str]:
        return _ids(query(self.orders_database_url, "SELECT string_agg(id::text, ',') FROM orders"))

    def order_events(self) -> set[str]:
        """The ids of the order.placed events in the outbox (one per stored order)."""
        return _ids(query(self.orders_database_url,
                          "SELECT string_agg(id::text, ',') FROM outbox WHERE type = 'order.placed'"))

    def unpublished(self) -> int:
        return int(query(self.orders_database_url, "SELECT count(*) FROM outbox WHERE published_at IS NULL"))

    def projected_orders(self) -> Counter[str]:
        """The orders in the read model (a primary key: each at most once)."""
        return Counter(_ids(query(self.orders_database_url,
                                  "SELECT string_agg(order_id::text, ',') FROM order_views")))

    def inbox(self, database_url: str) -> Counter[str]:
        """The ids of the messages handled by the consumers writing `database_url`, each with how often."""
        ids = query(database_url, "SELECT string_agg(message_id::text, ',') FROM processed_messages")
        return Counter(filter(None, ids.split(",")))

    def confirmation_jobs(self) -> tuple[Counter[str], Counter[str]]:
        """The order-confirmation jobs queued by the consumer (stored, waiting), by id."""
        env = self.envs["consumer"]
        return queued_jobs(self.project / "services" / "notifications", env, REDIS_URL,
                           env["REDIS_KEY_PREFIX"], "notifications", CONFIRMATION)


def _ids(joined: str) -> set[str]:
    return set(filter(None, joined.split(",")))


@contextmanager
def microservices_system(project: Path, node_env: dict[str, str],
                         broker: str = "rabbitmq") -> Iterator[Microservices]:
    """Fresh databases, a broker namespace and Redis key prefixes of their own; processes stopped after."""
    prefix = f"faults-{secrets.token_hex(6)}"
    with ExitStack() as stack:
        users_database = stack.enter_context(fresh_database("scalefold_faults"))
        orders_database_url = stack.enter_context(fresh_database("scalefold_faults"))
        notifications_database_url = stack.enter_context(fresh_database("scalefold_faults"))
        orders_database = stack.enter_context(TcpProxy(5432))
        notifications_database = stack.enter_context(TcpProxy(5432))
        url, port = BROKERS[broker]
        broker_proxy = stack.enter_context(TcpProxy(port))
        common = {
            **node_env,
            "NODE_ENV": "production",
            "HOST": "127.0.0.1",
            "LOG_LEVEL": "info",
            "REDIS_URL": REDIS_URL,
            # The rate limits are not under test: high enough that the load never meets them.
            "RATE_LIMIT_MAX": "1000000",
            "AUTH_RATE_LIMIT_MAX": "1000000",
        }
        users_port = free_port()
        users = {**common, "PORT": str(users_port), "METRICS_PORT": str(free_port()),
                 "DATABASE_URL": users_database, "JWT_PRIVATE_KEY": ed25519_key(), "BCRYPT_COST": "12",
                 "REDIS_KEY_PREFIX": f"{prefix}-users"}
        on_the_broker = {"BROKER_URL": broker_proxy.url(url),
                         "BROKER_NAMESPACE": f"faults-{uuid.uuid4().hex[:8]}"}
        orders = {**common, **on_the_broker, "PORT": str(free_port()), "METRICS_PORT": str(free_port()),
                  "PROJECTOR_PORT": str(free_port()),
                  "DATABASE_URL": orders_database.url(orders_database_url),
                  "JWKS_URL": f"http://127.0.0.1:{users_port}/.well-known/jwks.json",
                  "CORS_ORIGINS": "https://app.example.com", "REDIS_KEY_PREFIX": f"{prefix}-orders"}
        consumer = {**common, **on_the_broker, "PORT": str(free_port()), "WORKER_PORT": str(free_port()),
                    "DATABASE_URL": notifications_database.url(notifications_database_url),
                    "REDIS_KEY_PREFIX": f"{prefix}-notifications"}
        for service, env, database_url in [("orders", orders, orders_database_url),
                                           ("notifications", consumer, notifications_database_url)]:
            direct = {**env, "DATABASE_URL": database_url}
            run(["node", "dist/migrate.js"], project / "services" / service, direct)
        envs = {"users": users, "orders": orders, "projector": orders, "consumer": consumer}
        system = Microservices(project, envs, orders_database_url, notifications_database_url,
                               orders_database, notifications_database, broker_proxy)
        try:
            yield system
        finally:
            system.stop_all()
            for service, env in [("users", users), ("orders", orders), ("notifications", consumer)]:
                workspace = project / "services" / service
                delete_redis_keys(workspace, node_env, REDIS_URL, env["REDIS_KEY_PREFIX"])
