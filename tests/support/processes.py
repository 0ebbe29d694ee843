"""Built services run as child processes, with their JSON log lines read on a thread."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


class LogTail:
    """Reads a process's JSON log lines on a thread, so a test can wait for the one it expects."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[dict[str, Any]] = []
        self.raw: list[str] = []
        self._ended = False
        self._changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            with self._changed:
                self.raw.append(raw)
                if raw.startswith("{"):
                    try:
                        self.lines.append(json.loads(raw))
                    except json.JSONDecodeError:
                        pass  # a line cut short by a crash: kept in `raw`
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self, last: int = 6000) -> str:
        with self._changed:
            return "".join(self.raw)[-last:]

    def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], count: int = 1, timeout: float = 60
    ) -> list[dict[str, Any]]:
        """The first `count` log lines matching `predicate`, waiting for them as long as `timeout`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [line for line in self.lines if predicate(line)]
                if len(found) >= count:
                    return found[:count]
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._ended:
                    output = "".join(self.raw)[-6000:]
                    raise AssertionError(f"expected {count} matching log line(s); output:\n{output}")
                self._changed.wait(min(remaining, 0.5))

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM, then the exit code (killing the process if it does not stop in time)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"did not stop within {timeout} s:\n{''.join(self.raw)[-6000:]}") from None


def start(cwd: Path, env: dict[str, str], *command: str) -> LogTail:
    """Starts `command` in `cwd` with its output (stdout and stderr) followed by a LogTail."""
    process = subprocess.Popen(list(command), cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    return LogTail(process)
