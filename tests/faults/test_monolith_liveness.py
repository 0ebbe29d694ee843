"""Liveness notices a wedged process: one whose event loop runs, so that a bare liveness answer would
still be 200, while every request waits on something that never answers and times out."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.faults.monolith import monolith_system
from tests.support.accounts import signed_up
from tests.support.http import request
from tests.support.load import Load

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("faults-monolith")]

#: Statements may take a minute here, so a partitioned database holds every request until its handler
#: deadline (1 s): the process is wedged on it, as on a dependency without deadlines.
WEDGEABLE = {"DATABASE_STATEMENT_TIMEOUT_MS": "60000", "DATABASE_CONNECTION_TIMEOUT_MS": "60000",
             "HTTP_HANDLER_TIMEOUT_MS": "1000"}


def test_liveness_fails_while_every_request_times_out_and_recovers_after(
    monolith: Path, node_env: dict[str, str], services_available: None
) -> None:
    with monolith_system(monolith, node_env, with_redis=False) as system:
        system.start_api(**WEDGEABLE)
        _, auth = signed_up(system.base)
        live = f"{system.base}/health/live"

        def list_orders(_: int):
            return request("GET", f"{system.base}/v1/orders?limit=5", headers=auth, timeout=10)

        with Load(list_orders, concurrency=4, max_requests=2000, max_seconds=60, pause=0.05) as load:
            load.wait_for_requests(10, failing=system.death)
            assert request("GET", live).status == 200
            system.database.partition()
            wedged_at = time.monotonic()
            while (answer := request("GET", live, timeout=5)).status == 200 and time.monotonic() - wedged_at < 20:
                time.sleep(0.2)
            noticed_after = time.monotonic() - wedged_at
            system.database.restore()
            restored = time.monotonic()
            while request("GET", live, timeout=5).status != 200 and time.monotonic() - restored < 20:
                time.sleep(0.2)
            live_again_after = time.monotonic() - restored
            load.wait_for_requests(10, failing=system.death)
        report = load.report

        assert answer.status == 503 and answer.json() == {"status": "wedged"}, answer.text
        # Three handler deadlines without a served request, plus the requests' own deadline.
        assert noticed_after < 6, noticed_after
        timed_out = [o for o in report.with_status(503) if o.response is not None]
        assert timed_out and {o.response.json()["code"] for o in timed_out} == {"REQUEST_TIMED_OUT"}, report
        assert live_again_after < 10, live_again_after
        assert report.timeouts == [], report
        print(f"wedged by a partition: {report}; liveness 503 after {noticed_after:.2f} s, "
              f"200 again {live_again_after:.2f} s after the partition healed")
