"""What the microservices' event path must show after a fault: every acknowledged order's one event
published, projected into the read model once, handled by the notifications consumer once (its inbox)
with its confirmation job queued once, within a stated bound."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

from tests.faults.microservices import CONFIRMATION, Microservices

#: A relay that lost its connection between the broker's confirm and marking the events published
#: claims them again at its next batch and publishes them again: the consumers must drop the copies.
REPUBLISHED_WITHIN_S = 15.0


@dataclass(frozen=True)
class Delivery:
    """Where the events of the stored orders stood when the check ended, and how long it took."""

    orders: int
    projected: int
    notified: int
    jobs: int
    seconds: float
    marked_after: float

    def __str__(self) -> str:
        return (f"{self.orders} orders: {self.projected} projected, {self.notified} handled by "
                f"notifications, {self.jobs} confirmation jobs, within {self.seconds:.1f} s; "
                f"all marked published within {self.marked_after:.1f} s")


def _handled(system: Microservices, process: str) -> Counter[str]:
    """The message ids `process` logged as handled (applied), each with how many times."""
    return Counter(line.get("messageId") for line in system.processes[process].lines
                   if line.get("msg") == "event consumed" and line.get("outcome") == "handled")


def assert_every_event_delivered_once(system: Microservices, within_s: float) -> Delivery:
    """Waits up to `within_s` for every stored order's event to reach the read model and the
    notifications consumer, then checks each was applied exactly once."""
    started = time.monotonic()
    orders = system.stored_orders()
    events = system.order_events()
    while True:
        projected = system.projected_orders()
        notified = system.inbox(system.notifications_database_url)
        stored_jobs, waiting_jobs = system.confirmation_jobs()
        complete = set(projected) >= orders and set(notified) >= events and len(stored_jobs) >= len(orders)
        if complete or time.monotonic() - started > within_s:
            break
        time.sleep(0.25)
    delivered_after = time.monotonic() - started
    # Then every event is marked published, some of them published twice (see REPUBLISHED_WITHIN_S).
    while system.unpublished() > 0 and time.monotonic() - started < REPUBLISHED_WITHIN_S:
        time.sleep(0.25)
    time.sleep(1)  # a copy published just now reaches the consumers
    projected = system.projected_orders()
    notified = system.inbox(system.notifications_database_url)
    stored_jobs, waiting_jobs = system.confirmation_jobs()
    delivery = Delivery(len(orders), len(projected), len(notified), len(stored_jobs), delivered_after,
                        time.monotonic() - started)
    print(f"\nevent path: {delivery}")

    assert len(events) == len(orders), f"one event per stored order ({len(events)} for {len(orders)})"
    assert delivered_after <= within_s, f"every event delivered within {within_s} s: {delivery}"
    assert system.unpublished() == 0, f"all marked published within {REPUBLISHED_WITHIN_S} s: {delivery}"
    assert set(projected) == orders, f"the stored orders, and only those, projected: {delivery}"
    projector_inbox = system.inbox(system.orders_database_url)
    assert events <= set(projector_inbox) and set(projector_inbox.values()) == {1}, "each event applied once"
    assert set(_handled(system, "projector").values()) <= {1}, "no event projected twice"
    assert set(notified) == events and set(notified.values()) == {1}, (
        f"every event handled by notifications once within {within_s} s: {delivery}")
    assert set(_handled(system, "consumer").values()) <= {1}, "no event handled twice by notifications"
    expected_jobs = {f"{CONFIRMATION}{order}" for order in orders}
    assert set(stored_jobs) == expected_jobs, f"one confirmation job per order: {delivery}"
    assert set(waiting_jobs) == expected_jobs and set(waiting_jobs.values()) == {1}, "each job queued once"
    return delivery
