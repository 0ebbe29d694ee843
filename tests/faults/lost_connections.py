"""Losing a service's PostgreSQL connections under load, the same way for every preset: the proxy
resets them all, or PostgreSQL terminates their server processes, six times while writes go on."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Sequence
from typing import Protocol

from tests.support.http import Response
from tests.support.load import Load, LoadReport
from tests.support.services import query
from tests.support.tcp_proxy import TcpProxy

FAULTS = ["reset", "terminate"]


class System(Protocol):
    def dead(self) -> dict[str, int]: ...

    def death(self) -> str | None: ...


class HasOneDatabase(System, Protocol):
    database: TcpProxy
    database_url: str


def lose_connections(proxy: TcpProxy, database_url: str, fault: str) -> None:
    """Every connection to the database behind `proxy` is lost at once, the way `fault` says."""
    if fault == "reset":
        proxy.reset()  # RST on every connection, mid-transaction for some
    else:
        database = urllib.parse.urlparse(database_url).path.lstrip("/")
        query(database_url, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            f"WHERE datname = '{database}' AND pid <> pg_backend_pid()")


def lose_connections_under_load(system: HasOneDatabase, send: Callable[[int], Response],
                                fault: str) -> LoadReport:
    return lose_connections_of(system, [(system.database, system.database_url)], send, fault)


def lose_connections_of(system: System, databases: Sequence[tuple[TcpProxy, str]],
                        send: Callable[[int], Response], fault: str) -> LoadReport:
    """Load through `send` while the connections to each of `databases` (proxy, URL) are lost six times."""
    # Bounded by count above all; the time bound only stops a runaway loop: a slow machine (sign-ups hash
    # their password) takes longer to reach the requests each fault waits for, and must not fail for it.
    with Load(send, concurrency=4, max_requests=4000, max_seconds=300) as load:
        load.wait_for_requests(20, failing=system.death)
        for _ in range(6):
            for proxy, database_url in databases:
                lose_connections(proxy, database_url, fault)
            load.wait_for_requests(20, failing=system.death)
    return load.report


def assert_acknowledged_are_stored(report: LoadReport, database_url: str, table: str) -> None:
    """Every 201 is one stored row of `table`, and a stored row no 201 acknowledged belongs to a request
    answered 503: a connection reset after PostgreSQL received the COMMIT, but before its reply came
    back, leaves the client (and so the API) unable to know the outcome."""
    acknowledged = [str(o.response.json()["id"]) for o in report.with_status(201) if o.response is not None]
    rows = query(database_url, f"SELECT string_agg(id::text, ',') FROM {table}")
    stored = set(filter(None, rows.split(",")))
    lost, unacknowledged = set(acknowledged) - stored, stored - set(acknowledged)
    assert len(set(acknowledged)) == len(acknowledged), f"each acknowledged {table} row is a new one"
    assert not lost, f"{len(lost)} of {len(acknowledged)} acknowledged {table} rows are not stored"
    assert len(unacknowledged) <= len(report.with_status(503)), (
        f"{len(unacknowledged)} stored {table} rows no request was answered for: {report}")


def assert_failed_cleanly(system: System, report: LoadReport, client_deadline_s: float) -> None:
    assert system.dead() == {}, f"no process died: {system.death()}"
    assert report.timeouts == [], f"every request answered within {client_deadline_s} s: {report}"
    assert set(report.statuses) <= {201, 503}, f"a lost connection is a 503, nothing else: {report}"
    assert report.with_status(201), report
    for outcome in report.with_status(503):
        assert outcome.response is not None and outcome.response.headers.get("retry-after"), outcome
        assert outcome.response.json()["code"] == "DATABASE_UNAVAILABLE", outcome.response.text
