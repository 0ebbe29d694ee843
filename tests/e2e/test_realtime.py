"""End to end: the real-time order status stream (`realtime=true`) of two instances of the built monolith,
sharing one fresh PostgreSQL database and the local Redis under a key prefix of their own; then the
microservices preset's, served by two instances of the orders service behind the gateway.

Checked: a client connected to one instance receives the status changes of orders placed and cancelled
through the other; a client reconnecting to the other instance with Last-Event-ID receives what it
missed; a client that stops reading costs the instance no more than SSE_MAX_BUFFERED_BYTES of buffer
while events keep coming, and its memory stays bounded; stopping an instance ends its streams at once,
and it exits cleanly. (Loopback's socket buffers take megabytes before the instance buffers a byte, more
than orders placed in a test can fill: the generated project's own tests push the stream past the bound
and see it closed.)

In the microservices preset the orders service's outbox relay streams each change once RabbitMQ has
taken the event: an order placed through the gateway (on one orders instance) reaches a client of the
other, and a stream through the gateway carries heartbeats past the gateway's UPSTREAM_TIMEOUT_MS and
handler deadline, then the events, as they come (the proxy neither buffers nor cuts a healthy stream).
"""

from __future__ import annotations

import http.client
import json
import re
import secrets
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_extracted import BROKERS
from tests.support.accounts import signed_up
from tests.support.built import built_variant
from tests.support.http import free_port, request, wait_until_ok
from tests.support.processes import LogTail, start
from tests.support.project import delete_redis_keys, run
from tests.support.services import REDIS_URL, fresh_database
from tests.support.tokens import ed25519_key

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("realtime")]

#: What a slow client may leave unread before its stream is closed (the instances' SSE_MAX_BUFFERED_BYTES).
MAX_BUFFERED_BYTES = 8192
#: The slow-client loop's bounds: orders placed, and seconds at most.
SLOW_CLIENT_ORDERS = 500
SLOW_CLIENT_MAX_SECONDS = 90
#: How much the instance's resident memory may grow while the slow client lags (allocator noise, JIT).
MEMORY_GROWTH_BOUND = 64 * 1024 * 1024


@pytest.fixture(scope="module")
def monolith(tmp_path_factory: pytest.TempPathFactory, node_env: dict[str, str]) -> Path:
    return built_variant(tmp_path_factory, node_env, "monolith", {"realtime": "true"})


@pytest.fixture(scope="module")
def instances(monolith: Path, node_env: dict[str, str]) -> Iterator[list[tuple[str, LogTail]]]:
    """Two API instances on their own ports: (base URL, process) each."""
    key_prefix = f"scalefold-realtime-{secrets.token_hex(4)}"
    with fresh_database("scalefold_realtime") as database_url:
        env = {
            **node_env,
            "NODE_ENV": "production",
            "HOST": "127.0.0.1",
            "LOG_LEVEL": "info",
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "REDIS_KEY_PREFIX": key_prefix,
            "JWT_SECRET": secrets.token_urlsafe(48),
            "CORS_ORIGINS": "https://app.example.com",
            "RATE_LIMIT_MAX": "1000000",
            "AUTH_RATE_LIMIT_MAX": "1000000",
            "SSE_MAX_BUFFERED_BYTES": str(MAX_BUFFERED_BYTES),
        }
        run(["node", "dist/migrate.js"], monolith, env)
        running: list[tuple[str, LogTail]] = []
        try:
            for _ in range(2):
                base = f"http://127.0.0.1:{free_port()}"
                process = start(monolith, {**env, "PORT": base.rsplit(":", 1)[1]}, "node", "dist/server.js")
                running.append((base, process))
                wait_until_ok(f"{base}/health/ready", process=process.process)
            yield running
        finally:
            for _base, process in running:
                if process.alive:
                    process.stop()
            delete_redis_keys(monolith, node_env, REDIS_URL, key_prefix)


class EventStream:
    """A client of GET /v1/orders/events, reading one Server-Sent Events message at a time."""

    def __init__(self, base: str, headers: dict[str, str], last_event_id: str | None = None) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=15)
        sent = {**headers, **({"last-event-id": last_event_id} if last_event_id else {})}
        self.connection.request("GET", "/v1/orders/events", headers=sent)
        self.response = self.connection.getresponse()

    def next_message(self) -> dict[str, str] | None:
        """The next message's fields (a heartbeat is {"comment": "heartbeat"}); None at the stream's end."""
        fields: dict[str, str] = {}
        while True:
            line = self.response.readline()
            if not line:
                return None
            text = line.decode().rstrip("\n")
            if text == "":
                if fields:
                    return fields
                continue
            if text.startswith(":"):
                fields["comment"] = text[1:].strip()
            else:
                name, _, value = text.partition(":")
                fields[name] = value.lstrip()

    def next_event(self) -> dict[str, str]:
        """The next event, past the `retry:` message and heartbeats."""
        while True:
            message = self.next_message()
            assert message is not None, "the stream ended"
            if "event" in message:
                return message

    def close(self) -> None:
        self.connection.close()


def order_of(event: dict[str, str]) -> tuple[str, str]:
    data = json.loads(event["data"])
    return data["orderId"], data["status"]


def place_order(base: str, authorization: dict[str, str]) -> str:
    placed = request(
        "POST",
        f"{base}/v1/orders",
        headers=authorization,
        json_body={"items": [{"sku": "MUG-NODE", "quantity": 1}]},
    )
    assert placed.status == 201, placed.text
    return placed.json()["id"]


def metric(base: str, name: str) -> float:
    scraped = request("GET", f"{base}/metrics").text
    found = re.search(rf"^{name} (\S+)$", scraped, re.MULTILINE)
    assert found is not None, f"no {name} in /metrics"
    return float(found.group(1))


def test_an_event_raised_on_one_instance_reaches_a_client_of_the_other(
    instances: list[tuple[str, LogTail]],
) -> None:
    (a, _), (b, _) = instances
    _email, ada = signed_up(a, "Ada")
    _email, grace = signed_up(a, "Grace")
    stream = EventStream(b, ada)
    try:
        assert stream.response.status == 200
        assert stream.response.getheader("content-type") == "text/event-stream; charset=utf-8"
        assert stream.next_message() == {"retry": "3000"}
        place_order(a, grace)  # another user's: never on Ada's stream
        order_id = place_order(a, ada)
        placed = stream.next_event()
        assert placed["event"] == "order.status" and order_of(placed) == (order_id, "placed")
        cancelled = request("POST", f"{a}/v1/orders/{order_id}/cancel", headers=ada)
        assert cancelled.status == 200, cancelled.text
        assert order_of(stream.next_event()) == (order_id, "cancelled")
    finally:
        stream.close()

    # Ada reconnects to the other instance with the last id she saw: she receives what she missed.
    # (Those not yet relayed to Redis when she reconnects arrive live instead: she is subscribed first.)
    missed = [place_order(b, ada), place_order(b, ada)]
    resumed = EventStream(a, ada, last_event_id=placed["id"])
    try:
        replayed = [order_of(resumed.next_event()) for _ in range(3)]
        assert replayed == [(order_id, "cancelled"), (missed[0], "placed"), (missed[1], "placed")]
    finally:
        resumed.close()


def test_a_client_that_stops_reading_costs_a_bounded_buffer(instances: list[tuple[str, LogTail]]) -> None:
    (a, _), (b, _) = instances
    _email, ada = signed_up(a, "Ada")
    host, port = b.removeprefix("http://").split(":")
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a small window: the server's side fills
    slow.connect((host, int(port)))
    slow.sendall(
        f"GET /v1/orders/events HTTP/1.1\r\nhost: {host}\r\nauthorization: {ada['authorization']}\r\n\r\n".encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += slow.recv(1024)
    assert head.startswith(b"HTTP/1.1 200"), head
    # From here on the client reads nothing, while orders keep raising events for it.
    dropped_before = metric(b, "sse_streams_dropped_total")
    memory_before = metric(b, "process_resident_memory_bytes")
    started, placed, buffered = time.monotonic(), 0, [0.0]
    last_order = ""
    while placed < SLOW_CLIENT_ORDERS and time.monotonic() - started < SLOW_CLIENT_MAX_SECONDS:
        for _ in range(25):
            last_order = place_order(a, ada)
        placed += 25
        buffered.append(metric(b, "sse_streams_buffered_bytes"))
    growth = metric(b, "process_resident_memory_bytes") - memory_before
    dropped = metric(b, "sse_streams_dropped_total") > dropped_before
    print(
        f"slow client: {placed} orders in {time.monotonic() - started:.1f} s, at most {max(buffered):.0f} bytes "
        f"buffered by the instance, resident memory {growth / 1e6:+.1f} MB, dropped: {dropped}"
    )
    # The loopback socket's kernel buffers take the first megabytes; what they do not take waits in the
    # instance, never more than the bound (past it the stream is closed, as the project's own tests show).
    assert max(buffered) <= MAX_BUFFERED_BYTES
    assert growth < MEMORY_GROWTH_BOUND
    # Reading again, the client gets every event up to the last order's, or the end of a dropped stream.
    slow.settimeout(15)
    received = b""
    try:
        while last_order.encode() not in received:
            chunk = slow.recv(65536)
            if not chunk:
                break
            received += chunk
    except ConnectionResetError:
        pass  # closed with unread data: a reset is the end too
    finally:
        slow.close()
    assert last_order.encode() in received or dropped


def test_stopping_an_instance_ends_its_streams_at_once(instances: list[tuple[str, LogTail]]) -> None:
    (a, _), (b, instance) = instances
    _email, ada = signed_up(a, "Ada")
    stream = EventStream(b, ada)
    try:
        assert stream.next_message() == {"retry": "3000"}
        stopping = time.monotonic()
        assert instance.stop() == 0
        assert stream.next_message() is None  # ended by the server, not cut by a timeout
        # Far below SHUTDOWN_TIMEOUT_MS (10 s), which an open stream holding the server's close would reach.
        assert time.monotonic() - stopping < 5
    finally:
        stream.close()


#: The gateway's deadlines in the microservices test, far below their defaults: a stream held past both
#: shows that neither cuts a healthy one. The orders instances' heartbeats come more often.
GATEWAY_UPSTREAM_TIMEOUT_MS = 2500
GATEWAY_HANDLER_TIMEOUT_MS = 2000
ORDERS_HEARTBEAT_MS = 1000


@pytest.fixture(scope="module")
def microservices(tmp_path_factory: pytest.TempPathFactory, node_env: dict[str, str]) -> Path:
    return built_variant(tmp_path_factory, node_env, "microservices", {"realtime": "true"})


@pytest.fixture(scope="module")
def system(microservices: Path, node_env: dict[str, str]) -> Iterator[dict[str, str]]:
    """users, two orders instances (one database, one Redis prefix) and the projector, whose queues take
    the orders' events, behind the gateway, which routes to the first orders instance: name → base URL."""
    namespace = f"scalefold-realtime-{secrets.token_hex(4)}"  # its own exchange and queues
    key_prefix = f"scalefold-realtime-{secrets.token_hex(4)}"
    with fresh_database("scalefold_rt_users") as users_db, fresh_database("scalefold_rt_orders") as orders_db:
        common = {**node_env, "NODE_ENV": "production", "HOST": "127.0.0.1", "LOG_LEVEL": "info",
                  "REDIS_URL": REDIS_URL, "BROKER_NAMESPACE": namespace, "RATE_LIMIT_MAX": "1000000"}
        users = {**common, "PORT": str(free_port()), "METRICS_PORT": str(free_port()), "DATABASE_URL": users_db,
                 "JWT_PRIVATE_KEY": ed25519_key(), "REDIS_KEY_PREFIX": f"{key_prefix}-users",
                 "AUTH_RATE_LIMIT_MAX": "1000000"}
        orders = {**common, "DATABASE_URL": orders_db, "BROKER_URL": BROKERS["rabbitmq"][0],
                  "JWKS_URL": f"http://127.0.0.1:{users['PORT']}/.well-known/jwks.json",
                  "REDIS_KEY_PREFIX": f"{key_prefix}-orders", "OUTBOX_POLL_INTERVAL_MS": "100",
                  "SSE_HEARTBEAT_MS": str(ORDERS_HEARTBEAT_MS)}
        instances = [{**orders, "PORT": str(free_port()), "METRICS_PORT": str(free_port())} for _ in range(2)]
        gateway = {**common, "PORT": str(free_port()), "METRICS_PORT": str(free_port()),
                   "REDIS_KEY_PREFIX": f"{key_prefix}-gateway", "CORS_ORIGINS": "https://app.example.com",
                   "USERS_SERVICE_URL": f"http://127.0.0.1:{users['PORT']}",
                   "ORDERS_SERVICE_URL": f"http://127.0.0.1:{instances[0]['PORT']}",
                   "UPSTREAM_TIMEOUT_MS": str(GATEWAY_UPSTREAM_TIMEOUT_MS),
                   "HTTP_HANDLER_TIMEOUT_MS": str(GATEWAY_HANDLER_TIMEOUT_MS)}
        running: list[LogTail] = []

        def serve(workspace: str, env: dict[str, str], entry: str = "dist/server.js") -> str:
            process = start(microservices / workspace, env, "node", entry)
            running.append(process)
            base = f"http://127.0.0.1:{env['PORT']}"
            wait_until_ok(f"{base}/health/ready", process=process.process)
            return base

        try:
            bases = {"users": serve("services/users", users)}
            bases["orders-a"] = serve("services/orders", instances[0])
            bases["orders-b"] = serve("services/orders", instances[1])
            projector = start(microservices / "services/orders", {**instances[0], "PROJECTOR_PORT": str(free_port())},
                              "node", "dist/projector.js")
            running.append(projector)
            projector.wait_for(lambda line: line.get("msg") == "projector started")
            bases["gateway"] = serve("services/gateway", gateway)
            yield bases
        finally:
            for process in reversed(running):
                if process.alive:
                    process.stop()
            delete_redis_keys(microservices / "services/orders", node_env, REDIS_URL, key_prefix)


def test_an_order_placed_through_one_orders_instance_reaches_a_client_of_the_other(
    system: dict[str, str],
) -> None:
    _email, ada = signed_up(system["gateway"])
    stream = EventStream(system["orders-b"], ada)  # the gateway routes to orders-a
    try:
        assert stream.response.status == 200
        assert stream.next_message() == {"retry": "3000"}
        order_id = place_order(system["gateway"], ada)
        assert order_of(stream.next_event()) == (order_id, "placed")
        cancelled = request("POST", f"{system['gateway']}/v1/orders/{order_id}/cancel", headers=ada)
        assert cancelled.status == 200, cancelled.text
        assert order_of(stream.next_event()) == (order_id, "cancelled")
    finally:
        stream.close()


def test_a_stream_through_the_gateway_carries_heartbeats_and_events_as_they_come(
    system: dict[str, str],
) -> None:
    _email, ada = signed_up(system["gateway"])
    stream = EventStream(system["gateway"], ada)
    try:
        assert stream.response.status == 200
        assert stream.response.getheader("content-type") == "text/event-stream; charset=utf-8"
        assert stream.next_message() == {"retry": "3000"}
        # Idle for longer than both gateway deadlines: heartbeats arrive one by one, not buffered.
        opened, heartbeats = time.monotonic(), []
        while time.monotonic() - opened < 2.5 * GATEWAY_UPSTREAM_TIMEOUT_MS / 1000:
            assert stream.next_message() == {"comment": "heartbeat"}
            heartbeats.append(time.monotonic() - opened)
        # Several were read while the window lasted (each read blocks until one comes): none waited in a
        # buffer, which would have held these few bytes until the stream ended.
        assert len(heartbeats) >= 3, heartbeats
        # Still open: an order placed on the other instance arrives through the gateway.
        order_id = place_order(system["orders-b"], ada)
        assert order_of(stream.next_event()) == (order_id, "placed")
    finally:
        stream.close()
