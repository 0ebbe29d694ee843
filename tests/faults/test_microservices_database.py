"""The microservices' users service when PostgreSQL connections are lost under load: each affected
sign-up fails cleanly (503), the process lives on, every acknowledged account is stored once."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from tests.faults.lost_connections import (
    FAULTS,
    assert_acknowledged_are_stored,
    assert_failed_cleanly,
    lose_connections_under_load,
)
from tests.faults.monolith import CLIENT_DEADLINE_S, monolith_system
from tests.support.built import built_project
from tests.support.http import free_port, request, wait_until_ok
from tests.support.tokens import ed25519_key

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("faults-microservices")]


@pytest.fixture(scope="module")
def users_service(tmp_path_factory: pytest.TempPathFactory, node_env: dict[str, str]) -> Path:
    return built_project(tmp_path_factory, node_env, "microservices") / "services" / "users"


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
