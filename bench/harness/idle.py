"""Idle keep-alive connections: the server's resident memory before and while N of them are held."""

from __future__ import annotations

import json
import select
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from harness.errors import BenchError
from harness.proc import pin_to
from harness.servers import ServerProcess

HOLDER = Path(__file__).resolve().with_name("hold_connections.py")
MB = 1024 * 1024
# Time for the server to settle after the last connection (lazy allocations, a GC cycle).
SETTLE_SECONDS = 2.0


@dataclass(frozen=True)
class IdleConnections:
    connections: int
    opened: int
    errors: int
    closed_by_server: int
    rss_before_mb: float
    rss_after_mb: float

    @property
    def added_mb(self) -> float:
        return self.rss_after_mb - self.rss_before_mb

    @property
    def all_errors(self) -> int:
        return self.errors + self.closed_by_server

    def to_dict(self) -> dict[str, float | int]:
        return {
            "connections": self.connections,
            "opened": self.opened,
            "errors": self.all_errors,
            "closed_by_server": self.closed_by_server,
            "rss_before_mb": round(self.rss_before_mb, 1),
            "rss_after_mb": round(self.rss_after_mb, 1),
            "added_mb": round(self.added_mb, 1),
            "kb_per_connection": round(self.added_mb * 1024 / max(self.opened, 1), 2),
        }


def _read_line(holder: subprocess.Popen[str], timeout: float) -> dict[str, int]:
    assert holder.stdout is not None
    ready, _, _ = select.select([holder.stdout], [], [], timeout)
    line = holder.stdout.readline() if ready else ""
    if not line:
        holder.kill()
        raise BenchError(f"the idle-connection holder did not report within {timeout:.0f} s")
    return json.loads(line)


def _hold(
    server: ServerProcess, count: int, path: str, cores: frozenset[int] | None, timeout: float
) -> tuple[dict[str, int], int, dict[str, int]]:
    """Opens ``count`` connections, reads the server's RSS while they are open, closes them."""
    holder = subprocess.Popen(
        [sys.executable, str(HOLDER), server.host, str(server.port), path, str(count)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=pin_to(cores),
    )
    try:
        opened = _read_line(holder, timeout)
        time.sleep(SETTLE_SECONDS)
        rss = server.rss_bytes()
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        closed = _read_line(holder, 30)
        holder.wait(timeout=30)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    return opened, rss, closed


def hold_idle_connections(
    server: ServerProcess, count: int, path: str, cores: frozenset[int] | None, timeout: float = 120.0
) -> IdleConnections:
    """RSS before and while ``count`` keep-alive connections are held open.

    RSS is what a container's memory limit counts, garbage included: how much it grows depends on
    the free heap the server had, which is why the suite measures this after the load scenarios,
    on servers whose heap has reached its working size.
    """
    rss_before = server.rss_bytes()
    opened, rss_after, closed = _hold(server, count, path, cores, timeout)
    return IdleConnections(
        count, opened["opened"], opened["errors"], closed["closed_by_server"], rss_before / MB, rss_after / MB
    )
