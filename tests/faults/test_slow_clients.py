"""Slow clients (a byte every second, headers or body) cannot hold the API's or the gateway's
connections: each is answered 408 and closed once HTTP_REQUEST_TIMEOUT_MS or HTTP_HEADERS_TIMEOUT_MS
has passed, while other clients are served as usual."""

from __future__ import annotations

import secrets
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.faults.monolith import monolith_system
from tests.faults.slow_clients import hold_slowly
from tests.support.built import built_project
from tests.support.http import free_port, request, wait_until_ok
from tests.support.processes import start

#: Short deadlines, so a case takes seconds; the defaults are 30 s and 10 s.
TIMEOUTS = {"HTTP_REQUEST_TIMEOUT_MS": "3000", "HTTP_HEADERS_TIMEOUT_MS": "2000"}
#: The request deadline, Node's check each second, and slack for a busy machine.
CUT_WITHIN_S = 3.0 + 1.0 + 2.0
CLIENTS = 50


def _assert_all_cut(held: list, label: str) -> None:
    assert len(held) == CLIENTS, held
    slowest = max(client.held_s for client in held)
    assert slowest < CUT_WITHIN_S, f"{label}: a slow client held its connection {slowest:.1f} s"
    statuses = {client.status for client in held}
    assert statuses <= {408, None}, statuses
    print(f"{label}: {CLIENTS} slow clients cut after {min(c.held_s for c in held):.2f}-{slowest:.2f} s, "
          f"answers {sorted(statuses, key=str)}")


@pytest.mark.e2e
@pytest.mark.xdist_group("faults-monolith")
@pytest.mark.parametrize("slow_part", ["body", "headers"])
def test_slow_clients_cannot_hold_the_api(
    monolith: Path, node_env: dict[str, str], services_available: None, slow_part: str
) -> None:
    with monolith_system(monolith, node_env, with_redis=False) as system:
        system.start_api(**TIMEOUTS)
        held: list = []
        slow = threading.Thread(target=lambda: held.extend(hold_slowly(
            int(system.env["PORT"]), "/v1/users", count=CLIENTS, interval_s=1.0, slow_part=slow_part)))
        slow.start()
        served = [request("GET", f"{system.base}/health/ready", timeout=5).status for _ in range(5)]
        slow.join(60)
        assert served == [200] * 5, "other clients are served meanwhile"
        _assert_all_cut(held, f"API, slow {slow_part}")
        assert system.dead() == {}


@contextmanager
def _sink() -> Iterator[int]:
    """A TCP server that accepts and reads everything, never answering: an upstream the request waits on."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    stop = threading.Event()

    def drain(connection: socket.socket) -> None:
        with connection:
            while not stop.is_set() and connection.recv(65536):
                pass

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            threading.Thread(target=drain, args=(connection,), daemon=True).start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        acceptor.join()  # within its 0.2 s accept timeout: the socket is closed once nothing waits on it
        server.close()


@pytest.fixture(scope="module")
def microservices(tmp_path_factory: pytest.TempPathFactory, node_env: dict[str, str]) -> Path:
    return built_project(tmp_path_factory, node_env, "microservices")


@pytest.mark.e2e
@pytest.mark.xdist_group("faults-microservices")
@pytest.mark.parametrize("slow_part", ["body", "headers"])
def test_slow_clients_cannot_hold_the_gateway(
    microservices: Path, node_env: dict[str, str], slow_part: str
) -> None:
    with _sink() as upstream_port:
        port = free_port()
        upstream = f"http://127.0.0.1:{upstream_port}"
        env = {**node_env, **TIMEOUTS, "NODE_ENV": "production", "HOST": "127.0.0.1", "PORT": str(port),
               "LOG_LEVEL": "warn", "JWT_SECRET": secrets.token_urlsafe(48), "USERS_SERVICE_URL": upstream,
               "ORDERS_SERVICE_URL": upstream, "RATE_LIMIT_MAX": "1000000", "CORS_ORIGINS": "https://app.example.com"}
        gateway = start(microservices / "services" / "gateway", env, "node", "dist/server.js")
        try:
            wait_until_ok(f"http://127.0.0.1:{port}/health/live", process=gateway.process)
            held = hold_slowly(port, "/v1/users", count=CLIENTS, interval_s=1.0, slow_part=slow_part)
            assert request("GET", f"http://127.0.0.1:{port}/health/live", timeout=5).status == 200
            _assert_all_cut(held, f"gateway, slow {slow_part}")
            assert gateway.alive, gateway.output()
        finally:
            gateway.stop()
