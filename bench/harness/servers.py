"""A server under test: started pinned to the server core, logs in a file, stopped with SIGTERM."""

from __future__ import annotations

import http.client
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import BenchError
from harness.proc import cpu_seconds, pin_to, rss_bytes


def http_status(host: str, port: int, path: str, timeout: float = 2.0) -> int | None:
    """The status of one GET on a fresh connection, or None when nothing answers."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return None
    finally:
        connection.close()


@dataclass
class ServerProcess:
    name: str
    command: list[str]
    cwd: Path
    env: dict[str, str]
    log_path: Path
    host: str
    port: int
    cores: frozenset[int] | None
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)
    started_at: float = field(default=0.0, init=False)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int:
        if self.process is None:
            raise BenchError(f"{self.name} is not running")
        return self.process.pid

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.started_at = time.perf_counter()
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=pin_to(self.cores),
            )

    def wait_until(self, path: str, timeout: float = 60.0, poll_interval: float = 0.002) -> float:
        """Seconds from start() to the first 200 on ``path``; fails when the process exits first."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise BenchError(
                    f"{self.name} exited before {path} answered 200; see logs/{self.log_path.name}"
                )
            if http_status(self.host, self.port, path, timeout=timeout) == 200:
                return time.perf_counter() - self.started_at
            time.sleep(poll_interval)
        raise BenchError(
            f"{self.name}: {path} did not answer 200 within {timeout:.0f} s; see logs/{self.log_path.name}"
        )

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def rss_bytes(self) -> int:
        return rss_bytes(self.pid)

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM, then SIGKILL after ``timeout``; the exit code (None when it never ran)."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode
