"""The monolith when Redis stops answering without closing its connections (a blackhole): every
route still answers within a bound (the rate limit lets requests through, the cache reads the
database), liveness stays truthful, and the dead connection is replaced once Redis answers again."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.faults.monolith import CLIENT_DEADLINE_S, monolith_system
from tests.support.accounts import signed_up
from tests.support.http import request
from tests.support.load import Load

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("faults-monolith")]

ORDER = {"items": [{"sku": "BOOK-SRE", "quantity": 1}]}
BLACKHOLE_S = 8.0
#: Each Redis command has a 0.5 s deadline; a request makes at most a few of them in turn.
REQUEST_BOUND_S = 3.0


def test_a_blackholed_redis_slows_no_route_past_its_deadline_and_is_reconnected(
    monolith: Path, node_env: dict[str, str], services_available: None
) -> None:
    with monolith_system(monolith, node_env, with_redis=True) as system:
        assert system.redis is not None
        system.start_api()
        _, auth = signed_up(system.base)
        placed = request("POST", f"{system.base}/v1/orders", headers=auth, json_body=ORDER)
        assert placed.status == 201, placed.text
        order_url = f"{system.base}/v1/orders/{placed.json()['id']}"

        def mixed(sequence: int):
            kind = sequence % 3
            if kind == 0:
                return request("GET", order_url, headers=auth, timeout=CLIENT_DEADLINE_S)  # cached in Redis
            if kind == 1:
                return request("GET", f"{system.base}/v1/orders?limit=5", headers=auth, timeout=CLIENT_DEADLINE_S)
            return request("POST", f"{system.base}/v1/orders", headers=auth, json_body=ORDER,
                           timeout=CLIENT_DEADLINE_S)

        with Load(mixed, concurrency=4, max_requests=4000, max_seconds=90, pause=0.01) as load:
            load.wait_for_requests(30, failing=system.death)
            connections_before = system.redis.accepted
            system.redis.blackhole()
            blackholed = time.monotonic()
            live_during = []
            while time.monotonic() - blackholed < BLACKHOLE_S:
                live_during.append(request("GET", f"{system.base}/health/live", timeout=5).status)
                time.sleep(0.5)
            answered_during = load.completed()
            system.redis.restore()
            restored = time.monotonic()
            recovered_after = None
            while time.monotonic() - restored < 20:
                ready = request("GET", f"{system.base}/health/ready", timeout=5)
                if ready.json()["checks"].get("redis") == "up":
                    recovered_after = time.monotonic() - restored
                    break
                time.sleep(0.2)
            load.wait_for_requests(30, failing=system.death)
        report = load.report
        during = [o for o in report.outcomes if blackholed <= o.started < restored]

        assert system.dead() == {}, "no process died:\n" + system.processes["api"].output()
        assert report.timeouts == [], f"every request answered within {CLIENT_DEADLINE_S} s: {report}"
        assert set(report.statuses) <= {200, 201}, f"Redis is not needed to serve: {report}"
        assert len(during) >= 20, f"routes kept answering while Redis was blackholed: {len(during)} ({report})"
        assert report.slowest < REQUEST_BOUND_S, report
        assert set(live_during) == {200}, live_during
        assert recovered_after is not None, "Redis in use again after it came back"
        assert system.redis.accepted > connections_before, "the dead connection was replaced by a new one"
        print(f"redis blackhole {BLACKHOLE_S:.0f} s: {report}; {len(during)} answered during it "
              f"(of {answered_during} so far); redis up again {recovered_after:.2f} s after restore; "
              f"{system.redis.accepted - connections_before} new connection(s)")


def _dependency_up(base: str) -> dict[str, float]:
    found = {}
    for line in request("GET", f"{base}/metrics").text.splitlines():
        if line.startswith("dependency_up{"):
            found[line.split('dependency="', 1)[1].split('"', 1)[0]] = float(line.rsplit(" ", 1)[1])
    return found


def test_a_redis_outage_degrades_readiness_without_failing_it(
    monolith: Path, node_env: dict[str, str], services_available: None
) -> None:
    with monolith_system(monolith, node_env, with_redis=True) as system:
        assert system.redis is not None
        system.start_api()
        _, auth = signed_up(system.base)
        ready = f"{system.base}/health/ready"

        system.redis.cut()
        during = request("GET", ready, timeout=10)
        served = request("POST", f"{system.base}/v1/orders", headers=auth, json_body=ORDER, timeout=CLIENT_DEADLINE_S)
        metrics_during = _dependency_up(system.base)
        system.redis.restore()
        deadline = time.monotonic() + 20
        while (after := request("GET", ready, timeout=10)).json()["status"] != "ok" and time.monotonic() < deadline:
            time.sleep(0.2)
        system.database.cut()
        database_down = request("GET", ready, timeout=10)
        system.database.restore()

        assert during.status == 200, f"a Redis outage leaves the instance ready: {during.text}"
        assert during.json() == {"status": "degraded", "checks": {"database": "up", "redis": "down"}}, during.text
        assert served.status == 201, "and it serves meanwhile"
        assert metrics_during == {"database": 1.0, "redis": 0.0}, metrics_during
        assert after.json()["status"] == "ok", after.text
        assert _dependency_up(system.base)["redis"] == 1.0
        assert database_down.status == 503, "without its database the instance cannot serve"
        assert database_down.json()["checks"]["database"] == "down", database_down.text
