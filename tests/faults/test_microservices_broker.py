"""The microservices when the broker (RabbitMQ) goes down under load: the orders API keeps taking orders,
their events wait in its outbox, and once the broker is back the relay publishes again within seconds and
every event reaches the orders projector and the notifications consumer, each applied exactly once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.faults.event_path import assert_every_event_delivered_once
from tests.faults.microservices import microservices_system
from tests.faults.monolith import CLIENT_DEADLINE_S
from tests.faults.system import seconds_after
from tests.support.accounts import signed_up
from tests.support.http import request
from tests.support.load import Load
from tests.support.services import port_open

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("faults-microservices")]

ORDER = {"items": [{"sku": "BOOK-SRE", "quantity": 1}]}
OUTAGE_S = 10.0
#: After the broker is back, the first waiting event reaches the notifications consumer: the broker clients
#: reconnect within a second, and the relay then publishes at once instead of sitting out its backoff.
#: (Counted at the consumer: the relay marks events published a whole batch at a time.)
RESUMED_WITHIN_S = 3.0
#: ...and every waiting event is projected and handled by notifications (the relay publishes one event
#: at a time, in order, each after the broker's confirm, so the backlog takes longer than the first).
DELIVERED_WITHIN_S = 15.0


def test_orders_accepted_during_a_broker_outage_are_projected_and_notified_once_soon_after_it_ends(
    microservices: Path, node_env: dict[str, str], services_available: None
) -> None:
    if not port_open("127.0.0.1", 5672):
        pytest.fail("RabbitMQ is not answering on 127.0.0.1:5672; the fault suite needs it")
    with microservices_system(microservices, node_env) as system:
        system.start_all()
        _, auth = signed_up(system.url("users"))

        def place(_: int):
            return request("POST", f"{system.url('orders')}/v1/orders", headers=auth, json_body=ORDER,
                           timeout=CLIENT_DEADLINE_S)

        with Load(place, concurrency=2, max_requests=3000, max_seconds=90, pause=0.02) as load:
            load.wait_for_requests(20, failing=system.death)
            system.broker.cut()
            time.sleep(OUTAGE_S)
            pending_at_restore = system.unpublished()
            notified_before = len(system.inbox(system.notifications_database_url))
            system.broker.restore()
            restored = time.monotonic()
            load.stop()
        report = load.report
        resumed_after = seconds_after(
            restored, lambda: len(system.inbox(system.notifications_database_url)) > notified_before)
        delivery = assert_every_event_delivered_once(system, DELIVERED_WITHIN_S)
        resumed = "never" if resumed_after is None else f"{resumed_after:.2f} s after it"
        print(f"\nmicroservices, RabbitMQ outage of {OUTAGE_S:.0f} s: {report}; {pending_at_restore} events "
              f"waiting when it came back; the first delivered {resumed}; then {delivery}")

        assert system.dead() == {}, system.death()
        assert report.timeouts == [], f"every request answered within {CLIENT_DEADLINE_S} s: {report}"
        assert set(report.statuses) == {201}, f"the broker is not needed to take an order: {report}"
        assert pending_at_restore > 0, "orders were placed during the outage"
        assert resumed_after is not None and resumed_after < RESUMED_WITHIN_S, (
            f"the first waiting event was delivered {resumed_after} s after the broker came back")
        assert set(system.stop_all().values()) == {0}
