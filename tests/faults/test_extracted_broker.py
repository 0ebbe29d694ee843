"""The extracted preset when the broker goes down under load: the API keeps taking orders, their events
wait in the outbox, and once the broker is back the relay publishes again within seconds (it must not
sit out its backoff) and every event reaches the consumer, applied exactly once."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from tests.faults.extracted import BROKERS, extracted_system
from tests.faults.monolith import CLIENT_DEADLINE_S
from tests.faults.system import seconds_after
from tests.support.accounts import signed_up
from tests.support.built import built_project
from tests.support.http import request
from tests.support.load import Load
from tests.support.services import port_open, query

pytestmark = [pytest.mark.e2e]

ORDER = {"items": [{"sku": "BOOK-SRE", "quantity": 1}]}
OUTAGE_S = 10.0
#: After the broker is back: the relay publishes again (the broker clients reconnect within a second, and
#: the relay then publishes at once instead of sitting out its backoff)...
RESUMED_WITHIN_S = 3.0
#: ...and every waiting event is published and applied. The relay publishes one event at a time, in
#: order, each after the broker's confirm: the whole backlog takes longer than the first event.
PUBLISHED_WITHIN_S = 10.0
APPLIED_WITHIN_S = 12.0


@pytest.fixture(scope="module", params=[
    pytest.param(name, marks=pytest.mark.xdist_group(f"faults-extracted-{name}"), id=name) for name in BROKERS
])
def extracted(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
              node_env: dict[str, str]) -> tuple[Path, str]:
    broker: str = request.param
    if not port_open("127.0.0.1", BROKERS[broker][1]):
        pytest.fail(f"{broker} is not answering on 127.0.0.1:{BROKERS[broker][1]}; the fault suite needs it")
    return built_project(tmp_path_factory, node_env, "extracted", broker), broker


def test_events_accepted_during_a_broker_outage_are_delivered_once_soon_after_it_ends(
    extracted: tuple[Path, str], node_env: dict[str, str], services_available: None
) -> None:
    project, broker = extracted
    with extracted_system(project, node_env, broker) as system:
        system.start_api()
        consumer = system.start_consumer()
        _, auth = signed_up(system.base)

        def place(_: int):
            return request("POST", f"{system.base}/v1/orders", headers=auth, json_body=ORDER,
                           timeout=CLIENT_DEADLINE_S)

        with Load(place, concurrency=2, max_requests=3000, max_seconds=90, pause=0.02) as load:
            load.wait_for_requests(20, failing=system.death)
            system.broker.cut()
            time.sleep(OUTAGE_S)
            pending_at_restore = int(query(system.api_database,
                                           "SELECT count(*) FROM outbox WHERE published_at IS NULL"))
            published_before = int(query(system.api_database,
                                         "SELECT count(*) FROM outbox WHERE published_at IS NOT NULL"))
            system.broker.restore()
            restored = time.monotonic()
            load.stop()
        report = load.report
        acknowledged = len(report.with_status(201))

        def unpublished() -> int:
            return int(query(system.api_database, "SELECT count(*) FROM outbox WHERE published_at IS NULL"))

        def published() -> int:
            return int(query(system.api_database, "SELECT count(*) FROM outbox WHERE published_at IS NOT NULL"))

        def applied() -> int:
            return int(query(system.consumer_database, "SELECT count(*) FROM processed_messages"))

        resumed_after = seconds_after(restored, lambda: published() > published_before)
        published_after = seconds_after(restored, lambda: unpublished() == 0)
        applied_after = seconds_after(restored, lambda: applied() >= acknowledged)
        print(f"\n{broker}: {report}; {pending_at_restore} events waiting when the broker came back; "
              f"publishing again {resumed_after} s after it, all published {published_after} s "
              f"and applied {applied_after} s after it")

        assert system.dead() == {}, system.death()
        assert report.timeouts == [], f"every request answered within {CLIENT_DEADLINE_S} s: {report}"
        assert set(report.statuses) == {201}, f"the broker is not needed to take an order: {report}"
        assert pending_at_restore > 0, "orders were placed during the outage"
        assert resumed_after is not None and resumed_after < RESUMED_WITHIN_S, (
            f"the relay published again {resumed_after} s after the broker came back")
        assert published_after is not None and published_after < PUBLISHED_WITHIN_S, (
            f"{pending_at_restore} waiting events published {published_after} s after the broker came back")
        assert applied_after is not None and applied_after < APPLIED_WITHIN_S, (
            f"events applied by the consumer {applied_after} s after the broker came back")

        # Exactly once: every acknowledged order has its one event, and the consumer applied each once.
        events = query(system.api_database,
                       "SELECT count(*) || ' ' || count(DISTINCT payload->>'orderId') FROM outbox")
        assert events == f"{acknowledged} {acknowledged}"
        event_ids = set(query(system.api_database, "SELECT string_agg(id::text, ',') FROM outbox").split(","))
        applied_ids = query(system.consumer_database, "SELECT string_agg(message_id::text, ',') FROM processed_messages")
        assert sorted(applied_ids.split(",")) == sorted(event_ids)
        handled = Counter(line.get("messageId") for line in consumer.lines
                          if line.get("msg") == "event consumed" and line.get("outcome") == "handled")
        assert set(handled) == event_ids and set(handled.values()) == {1}, "each event handled once"
        assert set(system.stop_all().values()) == {0}
