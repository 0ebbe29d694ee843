"""What every system the fault suite starts has in common: its processes, by name, and which of them died."""

from __future__ import annotations

import time
from collections.abc import Callable

from tests.support.processes import LogTail


class ProcessGroup:
    """The processes a test started (`processes`, by name): which died, and stopping the rest."""

    processes: dict[str, LogTail]

    def dead(self) -> dict[str, int]:
        """The processes that exited by themselves, with their exit codes."""
        return {name: tail.process.returncode for name, tail in self.processes.items() if not tail.alive}

    def death(self) -> str | None:
        """Why the system is broken (a process exited, with its last output), or None."""
        if dead := self.dead():
            name = next(iter(dead))
            return f"{name} exited with {dead[name]}:\n{self.processes[name].output(3000)}"
        return None

    def stop_all(self) -> dict[str, int]:
        return {name: tail.stop() for name, tail in self.processes.items() if tail.alive}


def seconds_after(since: float, condition: Callable[[], bool], timeout: float = 60) -> float | None:
    """Seconds from `since` until `condition()` held, polled every 50 ms; None if it did not in `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic() - since
        time.sleep(0.05)
    return None
