"""The monolith while it closes: a request that still arrives on an open connection is answered 503
with Retry-After in the documented error format (code, requestId), not Fastify's bare default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.faults.monolith import monolith_system
from tests.support.http import request
from tests.support.raw_http import RawConnection, request_head

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("faults-monolith")]

BODY = json.dumps({"email": "slow@example.com", "password": "correct horse battery staple", "name": "Slow"}).encode()


def test_a_request_arriving_while_closing_gets_the_documented_503(
    monolith: Path, node_env: dict[str, str], services_available: None
) -> None:
    with monolith_system(monolith, node_env, with_redis=False) as system:
        api = system.start_api()
        with RawConnection(int(system.env["PORT"]), timeout=10) as connection:
            # A request in flight (half its body sent) keeps the server closing rather than closed.
            connection.send(request_head("POST", "/v1/users", {"content-type": "application/json",
                                                               "content-length": str(len(BODY))}))
            connection.send(BODY[:10])
            # Answered only once the server has read what was sent before it: the first request is in flight.
            assert request("GET", f"{system.base}/health/live").status == 200
            api.process.terminate()
            api.wait_for(lambda line: line.get("msg") == "shutting down", timeout=10)
            # The rest of the first body, and a second request pipelined behind it on the same connection.
            connection.send(BODY[10:] + request_head("GET", "/v1/orders", {}))
            first = connection.read_response("POST")
            second = connection.read_response()

        assert first.status == 201, first.text  # in flight when the signal came: finished normally
        assert second.status == 503, second.text
        body = second.json()
        assert body["code"] == "SHUTTING_DOWN", body
        assert body["requestId"] == second.headers["x-request-id"], (body, second.headers)
        assert int(second.headers["retry-after"]) > 0, second.headers
        assert second.headers.get("connection") == "close", second.headers
        assert api.process.wait(timeout=15) == 0, api.output()
