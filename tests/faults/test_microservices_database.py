"""The microservices when PostgreSQL connections are lost under load: each affected request fails
cleanly (503), every process lives on, every acknowledged write is stored once. The users service on its
own; then the event path (the orders API, the orders projector, the notifications consumer), whose every
stored order's event must still be projected and handled by notifications exactly once."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from tests.faults.event_path import assert_every_event_delivered_once
from tests.faults.lost_connections import (
    FAULTS,
    assert_acknowledged_are_stored,
    assert_failed_cleanly,
    lose_connections_of,
    lose_connections_under_load,
)
from tests.faults.microservices import microservices_system
from tests.faults.monolith import CLIENT_DEADLINE_S, monolith_system
from tests.support.accounts import signed_up
from tests.support.http import free_port, request, wait_until_ok
from tests.support.tokens import ed25519_key

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("faults-microservices")]

ORDER = {"items": [{"sku": "BOOK-SRE", "quantity": 1}]}
#: Once the load ends, every stored order's event is projected and handled by notifications within this.
#: Usually about a second. A reset after PostgreSQL committed the relay's claim, before the reply came
#: back, once held those events for the relay's whole 30 s lease; the relay now claims its own
#: unreleased rows again at once.
DELIVERED_WITHIN_S = 15.0


@pytest.fixture(scope="module")
def users_service(microservices: Path) -> Path:
    return microservices / "services" / "users"


@pytest.mark.parametrize("fault", FAULTS)
def test_connections_lost_during_sign_ups_fail_only_those_requests(
    users_service: Path, node_env: dict[str, str], services_available: None, fault: str
) -> None:
    # The users service signs its tokens with its own Ed25519 key, and serves metrics on a port apart.
    service_env = {"JWT_PRIVATE_KEY": ed25519_key(), "METRICS_PORT": str(free_port())}
    with monolith_system(users_service, node_env, with_redis=False, extra_env=service_env) as system:
        system.start_api()
        numbers = itertools.count()

        def sign_up(_: int):
            body = {"email": f"user-{next(numbers)}@example.com", "password": "correct horse battery staple",
                    "name": "Load"}
            return request("POST", f"{system.base}/v1/users", json_body=body, timeout=CLIENT_DEADLINE_S)

        report = lose_connections_under_load(system, sign_up, fault)

        assert_failed_cleanly(system, report, CLIENT_DEADLINE_S)
        assert_acknowledged_are_stored(report, system.database_url, "users")
        wait_until_ok(f"{system.base}/health/ready", timeout=30)
        assert sign_up(0).status == 201
        print(f"users service, database {fault}: {report}")


@pytest.mark.parametrize("fault", FAULTS)
def test_connections_lost_on_the_event_path_fail_only_those_requests_and_lose_no_event(
    microservices: Path, node_env: dict[str, str], services_available: None, fault: str
) -> None:
    """The orders API, the projector and the notifications consumer lose their connections together,
    six times under load: each affected order gets a 503, every process lives on, and every stored order's
    event is projected and handled by notifications exactly once."""
    with microservices_system(microservices, node_env) as system:
        system.start_all()
        _, auth = signed_up(system.url("users"))

        def place(_: int):
            return request("POST", f"{system.url('orders')}/v1/orders", headers=auth, json_body=ORDER,
                           timeout=CLIENT_DEADLINE_S)

        report = lose_connections_of(system, system.databases, place, fault)
        print(f"\nmicroservices event path, database {fault}: {report}")

        assert_failed_cleanly(system, report, CLIENT_DEADLINE_S)
        assert_acknowledged_are_stored(report, system.orders_database_url, "orders")
        assert_every_event_delivered_once(system, DELIVERED_WITHIN_S)
        failed = {name: sum(line.get("msg") == "event failed" for line in system.processes[name].lines)
                  for name in ("projector", "consumer")}
        print(f"events whose handling failed on a lost connection, then redelivered: {failed}")
        assert system.dead() == {}, system.death()
        assert set(system.stop_all().values()) == {0}
