"""One measured load window: the load generator's figures plus the server's CPU time during it.

CPU microseconds per request (server CPU time / requests) is the headline metric: on a small,
shared machine requests per second move with everything else running, while the CPU a request
costs the server barely does.
"""

from __future__ import annotations

import resource
import statistics
import time
from dataclasses import dataclass

from harness.loadgen import HttpRequest, LoadGenerator, LoadResult
from harness.proc import CLOCK_TICKS
from harness.servers import ServerProcess


def machine_busy_seconds() -> float:
    """CPU time all cores spent on anything but idling since boot (first line of /proc/stat)."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True)
class Measurement:
    load: LoadResult
    server_cpu_seconds: float
    wall_seconds: float
    # CPU the rest of the machine used meanwhile (not the server, not the load generator): noise.
    other_cpu_seconds: float

    @property
    def cpu_us_per_request(self) -> float:
        return self.server_cpu_seconds * 1e6 / self.load.requests if self.load.requests else float("nan")

    @property
    def server_utilisation(self) -> float:
        """Share of one core the server used: near 1.0 when the load generator saturates it."""
        return self.server_cpu_seconds / self.wall_seconds

    @property
    def other_load(self) -> float:
        """Cores' worth of CPU used by other processes during the window."""
        return max(0.0, self.other_cpu_seconds / self.wall_seconds)


def measure(
    server: ServerProcess, generator: LoadGenerator, request: HttpRequest, seconds: int, connections: int
) -> Measurement:
    server_before, busy_before, children_before = (
        server.cpu_seconds(),
        machine_busy_seconds(),
        _children_cpu_seconds(),
    )
    started = time.perf_counter()
    result = generator.run(server.base_url, request, seconds, connections)
    wall = time.perf_counter() - started
    server_cpu = server.cpu_seconds() - server_before
    # The load generator is a waited-for child of this process: its CPU shows in RUSAGE_CHILDREN.
    generator_cpu = _children_cpu_seconds() - children_before
    other = machine_busy_seconds() - busy_before - server_cpu - generator_cpu
    return Measurement(result, server_cpu, wall, other)


@dataclass(frozen=True)
class Summary:
    """Several rounds of one scenario on one server: medians, and sums of what must be zero."""

    rounds: tuple[Measurement, ...]

    @property
    def cpu_us_per_request(self) -> float:
        return statistics.median(m.cpu_us_per_request for m in self.rounds)

    @property
    def rps(self) -> float:
        return statistics.median(m.load.rps for m in self.rounds)

    def to_dict(self) -> dict[str, float | int | list[float]]:
        rounds = self.rounds
        return {
            "rps": round(self.rps, 1),
            "p50_ms": round(statistics.median(m.load.p50_ms for m in rounds), 3),
            "p99_ms": round(statistics.median(m.load.p99_ms for m in rounds), 3),
            "requests": sum(m.load.requests for m in rounds),
            "errors": sum(m.load.errors for m in rounds),
            "non_2xx": sum(m.load.non_2xx for m in rounds),
            "cpu_us_per_request": round(self.cpu_us_per_request, 2),
            "cpu_us_per_request_rounds": [round(m.cpu_us_per_request, 2) for m in rounds],
            "server_utilisation": round(statistics.median(m.server_utilisation for m in rounds), 3),
            "other_load_cores": round(statistics.median(m.other_load for m in rounds), 2),
        }
