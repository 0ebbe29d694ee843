"""End to end: outgoing webhooks (`webhooks=true`) of the built monolith on a fresh PostgreSQL database,
delivered to a receiver of this test on loopback (so the instance runs with
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=true, and retries after a fraction of a second instead of minutes).

Checked: a delivery's signature verifies as the Standard Webhooks spec says (implemented here, not with
the generated project's library), and its body is the order's event; a receiver that fails the first
attempts gets retries, each with the same webhook-id, until it takes the delivery, and the delivery log
says so; an instance killed (SIGKILL) while deliveries are pending delivers every one of them after a
restart: none lost, and a duplicate only ever with the webhook-id of its event.

Then the extracted preset's API with RabbitMQ: its outbox relay hands an event to the webhooks only once
the broker has taken it, so an order placed while no consumer has declared its queue (RabbitMQ returns
the event) waits in the outbox, over a restart of the API too, and its signed delivery arrives once the
notifications consumer has started.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.e2e.test_extracted import BROKERS
from tests.support.accounts import signed_up
from tests.support.built import built_variant
from tests.support.http import free_port, request, wait_until_ok
from tests.support.processes import LogTail, start
from tests.support.project import run
from tests.support.services import fresh_database, query, wait_for_query

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("webhooks")]

#: The bound of every wait for deliveries, in seconds.
DELIVERY_TIMEOUT = 60
#: The instance's attempt deadline; a delivery in flight when it dies is sent again once its lease
#: (twice this plus 5 s) expires.
REQUEST_TIMEOUT_MS = 2000
#: Orders placed while the receiver is down, then the instance killed.
ORDERS_BEFORE_THE_KILL = 12


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int


class Receiver:
    """A webhook receiver on loopback: answers the n-th request (1, 2…) with `status(n)`, records them all."""

    def __init__(self, status: Callable[[int], int], delay: float = 0.0) -> None:
        self.status = status
        self.received: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # the http.server API names it
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                time.sleep(delay)
                with receiver._lock:
                    answered = receiver.status(len(receiver.received) + 1)
                    receiver.received.append(
                        Received({k.lower(): v for k, v in self.headers.items()}, body, answered)
                    )
                self.send_response(answered)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/orders"

    def requests(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def wait_for(
        self, done: Callable[[list[Received]], bool], timeout: float = DELIVERY_TIMEOUT
    ) -> list[Received]:
        deadline = time.monotonic() + timeout
        while not done(seen := self.requests()):
            if time.monotonic() > deadline:
                raise AssertionError(f"receiver: only {len(seen)} requests after {timeout} s")
            time.sleep(0.1)
        return seen

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def verified(secret: str, received: Received) -> dict:
    """The event, once its signature is verified per Standard Webhooks: the base64 HMAC-SHA256 of
    `id.timestamp.body`, keyed with the secret's base64-decoded bytes, among the `v1,` signatures."""
    headers = received.headers
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + received.body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    signatures = [part[3:] for part in headers["webhook-signature"].split() if part.startswith("v1,")]
    assert any(hmac.compare_digest(expected, signature) for signature in signatures), headers
    assert abs(time.time() - int(headers["webhook-timestamp"])) < 300  # the spec's replay window
    return json.loads(received.body)


class Service:
    """A built HTTP deployable (the monolith, extracted's API), one instance at a time, restartable."""

    def __init__(self, project: Path, env: dict[str, str], database_url: str) -> None:
        self.project, self.env, self.database_url = project, env, database_url
        self.base = f"http://127.0.0.1:{free_port()}"
        self.process: LogTail | None = None

    def start(self) -> None:
        port = self.base.rsplit(":", 1)[1]
        self.process = start(self.project, {**self.env, "PORT": port}, "node", "dist/server.js")
        wait_until_ok(f"{self.base}/health/ready", process=self.process.process)

    def kill(self) -> None:
        assert self.process is not None
        self.process.process.kill()  # SIGKILL: no shutdown step runs
        self.process.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.alive:
            self.process.stop()


@pytest.fixture(scope="module")
def monolith(tmp_path_factory: pytest.TempPathFactory, node_env: dict[str, str]) -> Path:
    return built_variant(tmp_path_factory, node_env, "monolith", {"webhooks": "true"})


@pytest.fixture(scope="module")
def service(monolith: Path, node_env: dict[str, str]) -> Iterator[Service]:
    with fresh_database("scalefold_webhooks") as database_url:
        env = {
            **node_env,
            "NODE_ENV": "production",
            "HOST": "127.0.0.1",
            "LOG_LEVEL": "info",
            "DATABASE_URL": database_url,
            "JWT_SECRET": secrets.token_urlsafe(48),
            "CORS_ORIGINS": "https://app.example.com",
            "RATE_LIMIT_MAX": "1000000",
            "AUTH_RATE_LIMIT_MAX": "1000000",
            "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES": "true",
            "WEBHOOKS_REQUEST_TIMEOUT_MS": str(REQUEST_TIMEOUT_MS),
            "WEBHOOKS_FIRST_RETRY_MS": "200",
            "WEBHOOKS_MAX_RETRY_MS": "1000",
            "WEBHOOKS_MAX_ATTEMPTS": "50",
            "WEBHOOKS_POLL_INTERVAL_MS": "100",
        }
        run(["node", "dist/migrate.js"], monolith, env)
        running = Service(monolith, env, database_url)
        running.start()
        try:
            yield running
        finally:
            running.stop()


def subscribe(base: str, authorization: dict[str, str], url: str, event_types: list[str]) -> dict:
    created = request(
        "POST",
        f"{base}/v1/webhooks",
        headers=authorization,
        json_body={"url": url, "eventTypes": event_types},
    )
    assert created.status == 201, created.text
    return created.json()


def place_order(base: str, authorization: dict[str, str]) -> str:
    placed = request(
        "POST",
        f"{base}/v1/orders",
        headers=authorization,
        json_body={"items": [{"sku": "MUG-NODE", "quantity": 1}]},
    )
    assert placed.status == 201, placed.text
    return placed.json()["id"]


def test_a_delivery_is_signed_as_the_spec_says_and_carries_the_event(service: Service) -> None:
    receiver = Receiver(lambda _n: 204)
    try:
        _email, ada = signed_up(service.base, "Ada")
        subscription = subscribe(service.base, ada, receiver.url, ["order.placed", "order.cancelled"])
        order_id = place_order(service.base, ada)
        cancelled = request("POST", f"{service.base}/v1/orders/{order_id}/cancel", headers=ada)
        assert cancelled.status == 200, cancelled.text

        received = receiver.wait_for(lambda seen: len(seen) >= 2)
        events = sorted((verified(subscription["secret"], r) for r in received), key=lambda e: e["type"])
        assert [event["type"] for event in events] == ["order.cancelled", "order.placed"]
        assert {event["data"]["orderId"] for event in events} == {order_id}
        assert received[0].headers["content-type"] == "application/json"
        assert received[0].headers["webhook-id"] != received[1].headers["webhook-id"]
        # Another secret does not verify it: the check above is not vacuous.
        with pytest.raises(AssertionError):
            verified(f"whsec_{base64.b64encode(secrets.token_bytes(32)).decode()}", received[0])
    finally:
        receiver.close()


def test_a_failing_receiver_gets_retries_with_the_same_webhook_id_until_it_takes_it(service: Service) -> None:
    receiver = Receiver(lambda n: 500 if n <= 3 else 200)
    try:
        _email, grace = signed_up(service.base, "Grace")
        subscription = subscribe(service.base, grace, receiver.url, ["order.placed"])
        order_id = place_order(service.base, grace)

        received = receiver.wait_for(lambda seen: any(r.answered == 200 for r in seen))
        assert [r.answered for r in received] == [500, 500, 500, 200]
        assert len({r.headers["webhook-id"] for r in received}) == 1
        assert len({r.body for r in received}) == 1  # the same bytes each time
        assert verified(subscription["secret"], received[-1])["data"]["orderId"] == order_id

        log = request("GET", f"{service.base}/v1/webhooks/{subscription['id']}/deliveries", headers=grace)
        assert log.status == 200, log.text
        [delivery] = log.json()["deliveries"]
        assert delivery["status"] == "delivered" and delivery["attempts"] == 4
        assert delivery["eventId"] == received[0].headers["webhook-id"]
        assert [a["statusCode"] for a in delivery["attemptLog"]] == [500, 500, 500, 200]
    finally:
        receiver.close()


def test_deliveries_pending_when_an_instance_is_killed_are_all_delivered_after_a_restart(
    service: Service,
) -> None:
    up = threading.Event()
    # Down (and slow, so some attempts are in flight at the kill) until the restart.
    receiver = Receiver(lambda _n: 200 if up.is_set() else 503, delay=0.3)
    try:
        _email, linus = signed_up(service.base, "Linus")
        subscribe(service.base, linus, receiver.url, ["order.placed"])
        orders = {place_order(service.base, linus) for _ in range(ORDERS_BEFORE_THE_KILL)}
        receiver.wait_for(lambda seen: len(seen) >= ORDERS_BEFORE_THE_KILL)
        service.kill()
        pending = query(
            service.database_url, "SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'"
        )
        assert int(pending) >= ORDERS_BEFORE_THE_KILL

        up.set()
        restarted = time.monotonic()
        service.start()

        def delivered(seen: list[Received]) -> set[str]:
            return {json.loads(r.body)["data"]["orderId"] for r in seen if r.answered == 200}

        received = receiver.wait_for(lambda seen: delivered(seen) >= orders)
        print(
            f"{len(orders)} deliveries pending at the kill, all delivered "
            f"{time.monotonic() - restarted:.1f} s after the restart; {len(received)} requests in all"
        )
        assert delivered(received) == orders
        # A duplicate only ever carries its event's webhook-id: one id per order, whatever the attempts.
        ids_by_order: dict[str, set[str]] = {}
        for r in received:
            ids_by_order.setdefault(json.loads(r.body)["data"]["orderId"], set()).add(r.headers["webhook-id"])
        assert all(len(ids) == 1 for ids in ids_by_order.values())
        assert len({next(iter(ids)) for ids in ids_by_order.values()}) == len(orders)
    finally:
        receiver.close()


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory, node_env: dict[str, str]) -> Path:
    return built_variant(tmp_path_factory, node_env, "extracted", {"webhooks": "true"})


def test_the_extracted_api_delivers_an_event_once_the_broker_has_taken_it(
    extracted: Path, node_env: dict[str, str], services_available: None
) -> None:
    namespace = f"scalefold-webhooks-{secrets.token_hex(4)}"  # its own exchange and queues
    with (
        fresh_database("scalefold_webhooks_api") as api_db,
        fresh_database("scalefold_webhooks_mail") as mail_db,
    ):
        common = {
            **node_env,
            "NODE_ENV": "production",
            "HOST": "127.0.0.1",
            "LOG_LEVEL": "info",
            "BROKER_URL": BROKERS["rabbitmq"][0],
            "BROKER_NAMESPACE": namespace,
        }
        api = Service(
            extracted / "apps" / "api",
            {
                **common,
                "DATABASE_URL": api_db,
                "JWT_SECRET": secrets.token_urlsafe(48),
                "CORS_ORIGINS": "https://app.example.com",
                "OUTBOX_POLL_INTERVAL_MS": "100",
                "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES": "true",
                "WEBHOOKS_POLL_INTERVAL_MS": "100",
            },
            api_db,
        )
        consumer: LogTail | None = None
        receiver = Receiver(lambda _n: 204)
        try:
            api.start()
            _email, ada = signed_up(api.base, "Ada")
            subscription = subscribe(api.base, ada, receiver.url, ["order.placed"])
            order_id = place_order(api.base, ada)

            # No queue takes order.placed yet: RabbitMQ returns it, and the webhook waits with it.
            wait_for_query(api_db, "SELECT attempts > 0 FROM outbox", "t")
            assert receiver.requests() == []
            api.stop()

            consumer = start(
                extracted / "services" / "notifications",
                {
                    **common,
                    "DATABASE_URL": mail_db,
                    "PORT": str(free_port()),
                    "WORKER_PORT": str(free_port()),
                },
                "node",
                "dist/consumer.js",
            )
            consumer.wait_for(lambda line: line.get("msg") == "consumer started")
            # The event waited in the outbox over the restart: the relay hands it on once the
            # webhooks module has subscribed again.
            api.start()

            [received] = receiver.wait_for(lambda seen: len(seen) >= 1)
            event = verified(subscription["secret"], received)
            assert (event["type"], event["data"]["orderId"]) == ("order.placed", order_id)
            assert query(api_db, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == "0"
            # The consumer had it too: the broker took the event before the webhooks did.
            wait_for_query(mail_db, "SELECT count(*) FROM processed_messages", "1")
        finally:
            receiver.close()
            if consumer is not None and consumer.alive:
                consumer.stop()
            api.stop()
