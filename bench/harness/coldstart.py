"""Cold start: from spawning the process to its first 200 on /health/ready (migrations already applied)."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

from harness.api import HEALTH_READY
from harness.servers import ServerProcess


def cold_start_ms(make: Callable[[], ServerProcess], stop: Callable[[ServerProcess], None]) -> float:
    server = make()
    server.start()
    try:
        return server.wait_until(HEALTH_READY) * 1000
    finally:
        stop(server)


def cold_starts(
    make: Callable[[], ServerProcess], stop: Callable[[ServerProcess], None], samples: int
) -> dict[str, Any]:
    measured = [cold_start_ms(make, stop) for _ in range(samples)]
    return {
        "median_ms": round(statistics.median(measured), 1),
        "samples_ms": [round(ms, 1) for ms in measured],
    }
