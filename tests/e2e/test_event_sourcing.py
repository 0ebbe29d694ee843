"""End to end: the orders' event-sourced audit trail (`event_sourcing=true`) of the built monolith, on a
fresh PostgreSQL database.

Checked: orders placed and cancelled over HTTP each leave their events, in order, in `order_events`;
`GET /v1/orders/:id/history` gives them to the owner only, and with `asOf` the order as it was at that
moment (404 before it was placed, 400 for a malformed moment); `node dist/rebuild-projections.js`, the
built command, leaves an intact projection exactly as it was and puts back rows that were changed or
deleted behind its back; and PostgreSQL itself refuses UPDATE, DELETE and TRUNCATE of the stream, from
any client (psql here), not only from the service's code.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.support.accounts import signed_up
from tests.support.built import built_variant
from tests.support.http import free_port, request, wait_until_ok
from tests.support.processes import start
from tests.support.project import run
from tests.support.services import fresh_database, postgres_available, query

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("event-sourcing")]

#: The projection's rows as text, items included: what a rebuild must leave or put back as it was.
PROJECTION = """
SELECT coalesce(json_agg(json_build_object(
  'id', o.id, 'user_id', o.user_id, 'status', o.status, 'total_cents', o.total_cents,
  'currency', o.currency, 'created_at', o.created_at,
  'items', (SELECT json_agg(i ORDER BY i.line) FROM order_items i WHERE i.order_id = o.id)
) ORDER BY o.id), '[]') FROM orders o
"""


@pytest.fixture(scope="module")
def monolith(tmp_path_factory: pytest.TempPathFactory, node_env: dict[str, str]) -> Path:
    return built_variant(tmp_path_factory, node_env, "monolith", {"event_sourcing": "true"})


@pytest.fixture(scope="module")
def service(monolith: Path, node_env: dict[str, str]) -> Iterator[tuple[str, str, dict[str, str]]]:
    """The built API on a fresh database: (base URL, database URL, the environment it runs with)."""
    if not postgres_available():
        pytest.fail("PostgreSQL is not answering on 127.0.0.1:5432; the end-to-end tests need it")
    with fresh_database("scalefold_event_sourcing") as database_url:
        env = {
            **node_env,
            "NODE_ENV": "production",
            "HOST": "127.0.0.1",
            "LOG_LEVEL": "info",
            "DATABASE_URL": database_url,
            "JWT_SECRET": secrets.token_urlsafe(48),
            "CORS_ORIGINS": "https://app.example.com",
            "RATE_LIMIT_MAX": "1000000",
            "AUTH_RATE_LIMIT_MAX": "1000000",
        }
        env.pop("REDIS_URL", None)
        run(["node", "dist/migrate.js"], monolith, env)
        base = f"http://127.0.0.1:{free_port()}"
        process = start(monolith, {**env, "PORT": base.rsplit(":", 1)[1]}, "node", "dist/server.js")
        try:
            wait_until_ok(f"{base}/health/ready", process=process.process)
            yield base, database_url, env
        finally:
            if process.alive:
                process.stop()


def place_order(base: str, authorization: dict[str, str], quantity: int) -> str:
    placed = request(
        "POST",
        f"{base}/v1/orders",
        headers=authorization,
        json_body={"items": [{"sku": "MUG-NODE", "quantity": quantity}, {"sku": "STICKERS", "quantity": 1}]},
    )
    assert placed.status == 201, placed.text
    return placed.json()["id"]


def cancel_order(base: str, authorization: dict[str, str], order_id: str) -> None:
    cancelled = request("POST", f"{base}/v1/orders/{order_id}/cancel", headers=authorization)
    assert cancelled.status == 200, cancelled.text


def history(base: str, authorization: dict[str, str], order_id: str, as_of: str | None = None):
    query_string = "" if as_of is None else f"?asOf={as_of}"
    return request("GET", f"{base}/v1/orders/{order_id}/history{query_string}", headers=authorization)


def rebuild(monolith: Path, env: dict[str, str]) -> dict:
    """Runs the built rebuild command; its report, as it logs it."""
    result = run(["node", "dist/rebuild-projections.js"], monolith, env)
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    reports = [line for line in lines if "corrected" in line]
    assert len(reports) == 1, result.stdout
    return reports[0]


def psql(database_url: str, sql: str) -> subprocess.CompletedProcess[str]:
    # Not check=True: the tests read a refused statement's error from the result.
    return subprocess.run(
        ["psql", database_url, "-v", "ON_ERROR_STOP=1", "-tAc", sql],
        capture_output=True, text=True, timeout=60, check=False,
    )


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_history_as_of_rebuild_and_an_append_only_stream(
    service: tuple[str, str, dict[str, str]], monolith: Path
) -> None:
    base, database_url, env = service
    _, ada = signed_up(base, "Ada")
    _, grace = signed_up(base, "Grace")
    kept, cancelled, other = place_order(base, ada, 1), place_order(base, ada, 2), place_order(base, grace, 3)
    time.sleep(0.05)  # the events' moments are kept to the millisecond: the cancellation comes strictly later
    cancel_order(base, ada, cancelled)
    cancel_order(base, grace, other)

    # Every change is in the stream, numbered in order, written by the change's own transaction.
    stream = query(database_url, f"SELECT string_agg(version || ':' || type, ',' ORDER BY version) "
                                 f"FROM order_events WHERE order_id = '{cancelled}'")
    assert stream == "1:order.placed,2:order.cancelled"
    assert query(database_url, "SELECT count(*) FROM order_events") == "5"

    # The owner reads the history and the current state; nobody else learns the order exists.
    answer = history(base, ada, cancelled)
    assert answer.status == 200, answer.text
    body = answer.json()
    assert [(e["version"], e["type"]) for e in body["events"]] == [(1, "order.placed"), (2, "order.cancelled")]
    assert body["state"]["status"] == "cancelled" and body["asOf"] is None
    assert history(base, grace, cancelled).status == 404
    assert history(base, {}, cancelled).status == 401

    # The state as of a moment: placed just before the cancellation, absent just before the placing.
    placed_at = datetime.fromisoformat(body["events"][0]["occurredAt"])
    cancelled_at = datetime.fromisoformat(body["events"][1]["occurredAt"])
    before_cancel = history(base, ada, cancelled, iso(cancelled_at - timedelta(milliseconds=1)))
    assert before_cancel.status == 200, before_cancel.text
    assert before_cancel.json()["state"]["status"] == "placed" and len(before_cancel.json()["events"]) == 1
    assert history(base, ada, cancelled, iso(placed_at - timedelta(milliseconds=1))).status == 404
    assert history(base, ada, cancelled, "yesterday").status == 400

    # The rebuild leaves an intact projection exactly as it was, then puts back what was tampered with.
    live = query(database_url, PROJECTION)
    report = rebuild(monolith, env)
    assert (report["orders"], report["unchanged"], report["corrected"], report["restored"]) == (3, 3, [], [])
    assert query(database_url, PROJECTION) == live
    query(database_url, f"UPDATE orders SET status = 'placed', total_cents = 1 WHERE id = '{cancelled}'")
    query(database_url, f"DELETE FROM orders WHERE id = '{kept}'")
    report = rebuild(monolith, env)
    assert (report["corrected"], report["restored"]) == ([cancelled], [kept])
    assert query(database_url, PROJECTION) == live

    # The database refuses to rewrite the stream, from any client.
    for statement in (
        f"UPDATE order_events SET type = 'order.placed' WHERE order_id = '{cancelled}'",
        f"DELETE FROM order_events WHERE order_id = '{cancelled}'",
        "TRUNCATE order_events",
    ):
        refused = psql(database_url, statement)
        assert refused.returncode != 0 and "order_events is append-only" in refused.stderr, statement
    assert query(database_url, "SELECT count(*) FROM order_events") == "5"
