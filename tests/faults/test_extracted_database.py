"""The extracted preset's API when PostgreSQL connections are lost under load: each affected request
fails cleanly (503), the process lives on, every acknowledged order is stored once (with its outbox
event, in the same transaction), and it recovers by itself."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from tests.faults.lost_connections import (
    FAULTS,
    assert_acknowledged_are_stored,
    assert_failed_cleanly,
    lose_connections_under_load,
)
from tests.faults.monolith import CLIENT_DEADLINE_S, monolith_system
from tests.support.accounts import signed_up
from tests.support.built import built_project
from tests.support.http import request, wait_until_ok
from tests.support.services import query

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("faults-extracted")]

ORDER = {"items": [{"sku": "BOOK-SRE", "quantity": 1}]}
# Without BROKER_URL (refused in production), events wait in the outbox: the broker is not under test.
WITHOUT_BROKER = {"NODE_ENV": "development"}


@pytest.fixture(scope="module")
def extracted_api(tmp_path_factory: pytest.TempPathFactory, node_env: dict[str, str]) -> Path:
    return built_project(tmp_path_factory, node_env, "extracted") / "apps" / "api"


@pytest.mark.parametrize("fault", FAULTS)
def test_connections_lost_during_transactions_fail_only_those_requests(
    extracted_api: Path, node_env: dict[str, str], services_available: None, fault: str
) -> None:
    env = {**WITHOUT_BROKER, "JWT_SECRET": secrets.token_urlsafe(48)}
    with monolith_system(extracted_api, node_env, with_redis=False, extra_env=env) as system:
        system.start_api()
        _, auth = signed_up(system.base)

        def place(_: int):
            return request("POST", f"{system.base}/v1/orders", headers=auth, json_body=ORDER,
                           timeout=CLIENT_DEADLINE_S)

        report = lose_connections_under_load(system, place, fault)

        assert_failed_cleanly(system, report, CLIENT_DEADLINE_S)
        assert_acknowledged_are_stored(report, system.database_url, "orders")
        orders = int(query(system.database_url, "SELECT count(*) FROM orders"))
        events = int(query(system.database_url, "SELECT count(*) FROM outbox"))
        assert events >= orders, f"every stored order has its event in the outbox ({orders} orders, {events} events)"
        wait_until_ok(f"{system.base}/health/ready", timeout=30)
        assert place(0).status == 201
        print(f"extracted API, database {fault}: {report}")
