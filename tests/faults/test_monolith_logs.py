"""No personal data or secret in any log line, whichever database driver runs: a query that fails with
a customer's e-mail and password hash among its parameters is logged without them."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from tests.faults.monolith import monolith_system
from tests.support.http import request, wait_until_ok
from tests.support.processes import start

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("faults-monolith")]

PASSWORD = "correct horse battery staple"


def _sign_up_with_failing_query(base: str) -> tuple[str, int]:
    """A sign-up whose INSERT fails in PostgreSQL (a NUL byte in the name, which text cannot hold)."""
    email = f"private-{secrets.token_hex(4)}@example.com"
    answer = request("POST", f"{base}/v1/users", json_body={"email": email, "password": PASSWORD, "name": "Nul\u0000"})
    return email, answer.status


@pytest.mark.parametrize("driver", ["postgres", "pglite"])
def test_a_failed_query_logs_no_personal_data(
    monolith: Path, node_env: dict[str, str], services_available: None, tmp_path: Path, driver: str
) -> None:
    with monolith_system(monolith, node_env, with_redis=False) as system:
        if driver == "postgres":
            api = system.start_api(LOG_LEVEL="debug")
        else:
            env = {k: v for k, v in system.env.items() if k != "DATABASE_URL"}
            api = start(monolith, {**env, "LOG_LEVEL": "debug", "PGLITE_DATA_DIR": str(tmp_path / "pglite")},
                        "node", "dist/server.js")
            system.processes["api"] = api
            wait_until_ok(f"{system.base}/health/live", process=api.process, timeout=120)
        email, status = _sign_up_with_failing_query(system.base)
        assert status in {400, 500}, status  # 500 until NUL bytes are refused at validation
        system.stop_all()
        output = api.output(10**7)

        assert email not in output and email.split("@")[0] not in output, "the e-mail is in the logs"
        assert "$2" not in output, "a bcrypt hash is in the logs"
        assert PASSWORD not in output
