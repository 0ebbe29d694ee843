"""End to end: Debian's nginx with the rendered configuration (`nginx=true`) in front of two instances of
the built monolith, both on one fresh PostgreSQL database.

Checked: the instances share the load; an instance killed under load costs no idempotent request (Nginx
sends it to the other); the request id goes through both ways; the edge caches public reads and never a
request with credentials; sign-in attempts are limited at the edge; bodies over the service's limit are
refused there; /metrics is not served to the internet.
"""

from __future__ import annotations

import json
import secrets
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from copier import run_copy

from tests.support.accounts import signed_up
from tests.support.built import built_project
from tests.support.http import free_port, request, wait_until_ok
from tests.support.load import Load
from tests.support.nginx import Nginx, nginx_for
from tests.support.processes import LogTail, start
from tests.support.project import run
from tests.support.services import fresh_database

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("nginx")]

#: Every request of the test gets an answer within this, or counts as failed.
CLIENT_DEADLINE_S = 15.0


@pytest.fixture(scope="module")
def monolith(tmp_path_factory: pytest.TempPathFactory, node_env: dict[str, str]) -> Path:
    return built_project(tmp_path_factory, node_env, "monolith")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, template_dir: Path) -> Path:
    """The configuration rendered for the built project (same name, same port)."""
    dest = tmp_path_factory.mktemp("nginx-render") / "shop"
    run_copy(str(template_dir), dest, data={"project_name": "shop", "preset": "monolith", "nginx": True},
             defaults=True, unsafe=True, quiet=True)
    return dest / "nginx" / "shop.conf"


@pytest.fixture(scope="module")
def instances(monolith: Path, node_env: dict[str, str]) -> Iterator[dict[int, LogTail]]:
    """Two API instances on their own ports, one database, migrated once."""
    with fresh_database("scalefold_nginx") as database_url:
        env = {
            **node_env,
            "NODE_ENV": "production",
            "HOST": "127.0.0.1",
            "LOG_LEVEL": "info",
            "DATABASE_URL": database_url,
            "JWT_SECRET": secrets.token_urlsafe(48),
            "CORS_ORIGINS": "https://app.example.com",
            # What the README says to set behind Nginx on the same host.
            "TRUST_PROXY": "127.0.0.1",
            "RATE_LIMIT_MAX": "1000000",
            "AUTH_RATE_LIMIT_MAX": "1000000",
        }
        run(["node", "dist/migrate.js"], monolith, env)
        running: dict[int, LogTail] = {}
        try:
            for _ in range(2):
                port = free_port()
                running[port] = start(monolith, {**env, "PORT": str(port)}, "node", "dist/server.js")
                wait_until_ok(f"http://127.0.0.1:{port}/health/ready", process=running[port].process)
            yield running
        finally:
            for instance in running.values():
                if instance.alive:
                    instance.stop()


@pytest.fixture
def nginx(site: Path, instances: dict[int, LogTail], tmp_path: Path) -> Iterator[Nginx]:
    alive = [port for port, instance in instances.items() if instance.alive]
    proxy = nginx_for(site, tmp_path / "nginx", free_port(), upstreams=alive)
    checked = proxy.test_config()
    assert checked.returncode == 0, checked.stderr
    proxy.start()
    try:
        wait_until_ok(f"{proxy.base}/health/live")
        yield proxy
    finally:
        proxy.stop()


def logged(proxy: Nginx) -> list[dict[str, object]]:
    return [json.loads(line) for line in proxy.access_log().read_text().splitlines() if line.strip()]


def logged_request_ids(proxy: Nginx, until: str) -> list[object]:
    """The request ids of the access log once `until` is among them: Nginx writes a line after it has sent
    the answer, so the client may read the answer before the line is written."""
    deadline = time.monotonic() + 10
    while until not in (ids := [line["request_id"] for line in logged(proxy)]):
        assert time.monotonic() < deadline, f"the access log never showed {until}: {ids[-5:]}"
        time.sleep(0.05)
    return ids


def test_the_instances_share_the_load(nginx: Nginx, instances: dict[int, LogTail]) -> None:
    for _ in range(40):
        assert request("GET", f"{nginx.base}/health/ready", timeout=CLIENT_DEADLINE_S).status == 200
    served = Counter(str(line["upstream"]) for line in logged(nginx) if line["uri"] == "/health/ready")
    assert set(served) == {f"127.0.0.1:{port}" for port in instances}, served
    assert min(served.values()) >= 10, served


def test_the_request_id_goes_through_both_ways(nginx: Nginx, instances: dict[int, LogTail]) -> None:
    sent = request("GET", f"{nginx.base}/v1/products", headers={"x-request-id": "checkout-42"})
    assert sent.headers["x-request-id"] == "checkout-42"
    fresh = request("GET", f"{nginx.base}/v1/products")
    assert len(fresh.headers["x-request-id"]) == 32  # Nginx's own $request_id
    assert logged_request_ids(nginx, until=fresh.headers["x-request-id"])[-2:] == ["checkout-42", fresh.headers["x-request-id"]]
    # The instance that served the first request logged the id Nginx sent it (its lines are flushed
    # within 100 ms).
    deadline = time.monotonic() + 10
    while not any(line.get("requestId") == "checkout-42" for tail in instances.values() for line in tail.lines):
        assert time.monotonic() < deadline, "no instance logged the request id Nginx sent"
        time.sleep(0.1)


def test_public_reads_are_cached_at_the_edge_and_personal_ones_never(nginx: Nginx) -> None:
    first = request("GET", f"{nginx.base}/v1/products")
    second = request("GET", f"{nginx.base}/v1/products")
    assert first.status == second.status == 200
    assert first.headers["cache-control"].startswith("public")
    assert (first.headers["x-cache-status"], second.headers["x-cache-status"]) == ("MISS", "HIT")
    with_token = request("GET", f"{nginx.base}/v1/products", headers={"authorization": "Bearer x"})
    assert with_token.headers["x-cache-status"] == "BYPASS"

    email, authorization = signed_up(nginx.base)
    for _ in range(2):
        me = request("GET", f"{nginx.base}/v1/users/me", headers=authorization)
        assert me.status == 200 and me.json()["email"] == email
        assert me.headers["x-cache-status"] == "BYPASS"
    anonymous = request("GET", f"{nginx.base}/v1/users/me")
    assert anonymous.status == 401 and anonymous.headers["x-cache-status"] != "HIT"


def test_sign_in_attempts_are_limited_at_the_edge(nginx: Nginx) -> None:
    statuses = [request("POST", f"{nginx.base}/v1/auth/login",
                        json_body={"email": "nobody@example.com", "password": "not-the-password"}).status
                for _ in range(12)]
    assert statuses.count(429) >= 5, statuses
    assert set(statuses) <= {401, 429}, statuses
    limited = [line for line in logged(nginx) if line["uri"] == "/v1/auth/login" and line["status"] == 429]
    assert limited and all(line["upstream"] == "" for line in limited), "429s should come from Nginx"


def test_oversized_bodies_and_metrics_stop_at_the_edge(nginx: Nginx) -> None:
    too_big = request("POST", f"{nginx.base}/v1/users", data=b"x" * 200_000,
                      headers={"content-type": "application/json"})
    assert too_big.status == 413
    assert request("GET", f"{nginx.base}/metrics").status == 404


def test_an_instance_killed_under_load_costs_no_idempotent_request(
    nginx: Nginx, instances: dict[int, LogTail]
) -> None:
    def read(_sequence: int):
        return request("GET", f"{nginx.base}/health/ready", timeout=CLIENT_DEADLINE_S)

    victim = next(iter(instances.values()))
    with Load(read, concurrency=8, max_requests=3000, max_seconds=60) as load:
        load.wait_for_requests(200)
        victim.process.kill()
        victim.process.wait()
        load.wait_for_requests(300)
    report = load.report
    assert report.statuses == Counter({200: len(report.outcomes)}), report
    retried = [line for line in logged(nginx) if "," in str(line["upstream"])]
    print(f"{report}; {len(retried)} sent on to the other instance")
