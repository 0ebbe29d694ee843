"""What the kernel knows about a process: CPU time, resident memory, children; and core pinning.

CPU time comes from /proc/<pid>/stat (utime + stime, every thread of the process, plus the
children it has already waited for) and is summed over the live descendants too, so a cluster
primary and its workers count as one server.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


@dataclass(frozen=True)
class CoreLayout:
    """Which cores the server and the load generator run on (None: not pinned)."""

    server: frozenset[int] | None
    load: frozenset[int] | None

    @classmethod
    def detect(cls) -> CoreLayout:
        cores = sorted(os.sched_getaffinity(0))
        if len(cores) < 2:
            return cls(server=None, load=None)
        return cls(server=frozenset(cores[:1]), load=frozenset(cores[1:2]))

    def describe(self) -> str:
        if self.server is None or self.load is None:
            return "not pinned (fewer than 2 cores)"
        return f"server on core {min(self.server)}, load generator on core {min(self.load)}"


def pin_to(cores: frozenset[int] | None) -> Callable[[], None] | None:
    """A Popen ``preexec_fn`` that pins the child (and all its threads) to ``cores``."""
    if cores is None:
        return None
    return lambda: os.sched_setaffinity(0, cores)


def _stat_fields(pid: int) -> list[str]:
    text = (PROC / str(pid) / "stat").read_text()
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    return text[text.rindex(")") + 2 :].split()


def _parents() -> dict[int, list[int]]:
    """Every live process's children, from the parent pid of each /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int(_stat_fields(int(entry.name))[1])
        except (OSError, ValueError, IndexError):
            continue  # exited while we looked
        children.setdefault(parent, []).append(int(entry.name))
    return children


def process_tree(pid: int) -> list[int]:
    """``pid`` and its live descendants."""
    children = _parents()
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        pending.extend(children.get(current, []))
    return tree


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process tree, waited-for children included."""
    ticks = 0
    for member in process_tree(pid):
        try:
            fields = _stat_fields(member)
        except OSError:
            continue  # exited between the listing and the read
        # Fields 14-17 of stat (utime, stime, cutime, cstime) are 11-14 once pid and comm are cut.
        ticks += sum(int(value) for value in fields[11:15])
    return ticks / CLOCK_TICKS


def rss_bytes(pid: int) -> int:
    """Resident memory (VmRSS) of the process tree."""
    total = 0
    for member in process_tree(pid):
        try:
            status = (PROC / str(member) / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
                break
    return total
