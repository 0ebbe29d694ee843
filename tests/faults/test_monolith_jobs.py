"""The monolith's accepted orders when Redis (the job queue) is lost: every order answered 201 gets its
confirmation e-mail job once Redis is back, exactly once, even when Redis was down at the commit and
when the API is killed between the commit and the enqueue."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.faults.jobs import queued_jobs
from tests.faults.monolith import CLIENT_DEADLINE_S, Monolith, monolith_system
from tests.support.accounts import signed_up
from tests.support.http import Response, request
from tests.support.load import Load
from tests.support.services import REDIS_URL, query

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("faults-monolith")]

ORDER = {"items": [{"sku": "BOOK-SRE", "quantity": 1}]}
OUTAGE_S = 10.0
#: Once Redis is back, every accepted order's job is queued within this bound.
QUEUED_WITHIN_S = 10.0
#: After a SIGKILL, at worst the events of the batch the killed relay held wait for its lease to expire.
RELAY_LEASE_S = 30.0
CONFIRMATION = "order-confirmation-"


def _placing(system: Monolith, auth: dict[str, str]) -> Callable[[int], Response]:
    def place(_: int) -> Response:
        return request("POST", f"{system.base}/v1/orders", headers=auth, json_body=ORDER, timeout=CLIENT_DEADLINE_S)
    return place


def _stored_orders(system: Monolith) -> set[str]:
    return set(filter(None, query(system.database_url, "SELECT string_agg(id::text, ',') FROM orders").split(",")))


def _assert_one_job_per_order(system: Monolith, orders: set[str], within: float) -> float:
    """Waits for one confirmation job per order (none for anything else, none twice); the seconds it took."""
    started = time.monotonic()
    expected = {f"{CONFIRMATION}{order}" for order in orders}
    while True:
        stored, waiting = queued_jobs(system.project, system.env, REDIS_URL, system.env["REDIS_KEY_PREFIX"],
                                      "notifications", CONFIRMATION)
        if set(stored) >= expected or time.monotonic() - started > within + 10:
            break
        time.sleep(0.25)
    missing = expected - set(stored)
    assert not missing, f"{len(missing)} of {len(expected)} accepted orders have no confirmation job"
    assert set(stored) == expected, "no job for an order that does not exist"
    assert set(waiting.values()) == {1} and set(waiting) == expected, "each job queued once (no worker runs)"
    return time.monotonic() - started


def test_orders_accepted_while_redis_is_down_get_their_confirmation_once_it_is_back(
    monolith: Path, node_env: dict[str, str], services_available: None
) -> None:
    with monolith_system(monolith, node_env, with_redis=True) as system:
        system.start_api()  # no worker: the jobs stay in the queue, to be counted
        _, auth = signed_up(system.base)
        with Load(_placing(system, auth), concurrency=2, max_requests=3000, max_seconds=90, pause=0.02) as load:
            load.wait_for_requests(20, failing=system.death)
            assert system.redis is not None
            system.redis.cut()
            time.sleep(OUTAGE_S)
            system.redis.restore()
            load.wait_for_requests(20, failing=system.death)
        report = load.report
        accepted = {str(outcome.response.json()["id"]) for outcome in report.with_status(201)
                    if outcome.response is not None}

        assert system.dead() == {}, system.death()
        assert report.timeouts == [], f"every request answered within {CLIENT_DEADLINE_S} s: {report}"
        assert accepted == _stored_orders(system), "every 201 is a stored order, and only those are"
        took = _assert_one_job_per_order(system, accepted, QUEUED_WITHIN_S)
        print(f"\n{report}; {len(accepted)} accepted orders, one confirmation job each, "
              f"all queued {took:.1f} s after the load ended")
        assert took < QUEUED_WITHIN_S, f"the jobs were queued {took:.1f} s after the load ended"


def test_an_api_killed_after_committing_orders_it_could_not_queue_loses_no_confirmation(
    monolith: Path, node_env: dict[str, str], services_available: None
) -> None:
    with monolith_system(monolith, node_env, with_redis=True) as system:
        api = system.start_api()
        _, auth = signed_up(system.base)
        assert system.redis is not None
        system.redis.cut()  # every order from now on commits, and cannot be queued yet
        place = _placing(system, auth)
        accepted = set()
        for sequence in range(20):
            placed = place(sequence)
            assert placed.status == 201, placed.text
            accepted.add(str(placed.json()["id"]))
        api.process.kill()  # SIGKILL: whatever the process kept in memory is gone
        api.process.wait(timeout=10)
        del system.processes["api"]
        system.redis.restore()
        system.start_api()

        assert accepted == _stored_orders(system)
        took = _assert_one_job_per_order(system, accepted, RELAY_LEASE_S)
        print(f"\n{len(accepted)} orders committed while Redis was down, then SIGKILL: "
              f"one confirmation job each, {took:.1f} s after the restart")
        assert took < RELAY_LEASE_S + 5, f"the jobs were queued {took:.1f} s after the restart"
