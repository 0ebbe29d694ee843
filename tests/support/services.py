"""Uniquely named resources on the local PostgreSQL, so test runs never collide."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

PG_HOST = os.environ.get("SCALEFOLD_TEST_PGHOST", "127.0.0.1")
PG_PORT = int(os.environ.get("SCALEFOLD_TEST_PGPORT", "5432"))
PG_USER = os.environ.get("SCALEFOLD_TEST_PGUSER", "postgres")
REDIS_URL = os.environ.get("SCALEFOLD_TEST_REDIS_URL", "redis://127.0.0.1:6379")


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", PG_HOST, "-p", str(PG_PORT), "-U", PG_USER, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True, capture_output=True, text=True, timeout=60,
    )


def postgres_available() -> bool:
    return shutil.which("psql") is not None and port_open(PG_HOST, PG_PORT)


@contextmanager
def fresh_database(prefix: str = "scalefold_e2e") -> Iterator[str]:
    """Create a database with a unique name, yield its URL, drop it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    _psql(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def query(database_url: str, sql: str) -> str:
    """The result of one statement, unaligned and without headers (what `psql -tAc` prints)."""
    result = subprocess.run(["psql", database_url, "-v", "ON_ERROR_STOP=1", "-tAc", sql],
                            check=True, capture_output=True, text=True, timeout=60)
    return result.stdout.strip()


def wait_for_query(database_url: str, sql: str, expected: str, timeout: float = 60) -> None:
    """Polls `sql` until it gives `expected`; fails with the last value after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while (value := query(database_url, sql)) != expected:
        if time.monotonic() > deadline:
            raise AssertionError(f"{sql} gave {value}, expected {expected} within {timeout} s")
        time.sleep(0.25)
