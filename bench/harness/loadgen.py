"""Load generators: wrk (Debian's package) and autocannon (npm) as the fallback.

Every run is bounded in time and connections and aims at loopback only. wrk is preferred: one
wrk thread written in C keeps a Node.js server on the other core saturated, which one autocannon
process (JavaScript itself) does not always manage.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from harness.errors import BenchError
from harness.npm import npm_ci
from harness.proc import pin_to

HARNESS_DIR = Path(__file__).resolve().parent
WRK_SCRIPT = HARNESS_DIR / "wrk_report.lua"
AUTOCANNON_RUNNER = HARNESS_DIR / "autocannon_run.mjs"
INSTALL_WRK = "apt-get install -y wrk"

# A response slower than this counts as an error (timeout): the server is stuck, not busy.
REQUEST_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str | None = None


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # connection errors, read/write errors and timeouts
    non_2xx: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0


class LoadGenerator(Protocol):
    name: str
    version: str

    def run(self, base_url: str, request: HttpRequest, seconds: int, connections: int) -> LoadResult: ...


def _loopback_only(base_url: str) -> None:
    if not base_url.startswith(("http://127.0.0.1:", "http://localhost:")):
        raise BenchError(f"refusing to send load anywhere but loopback: {base_url}")


@dataclass
class Wrk:
    executable: str
    cores: frozenset[int] | None
    name: str = "wrk"
    version: str = ""

    def __post_init__(self) -> None:
        # `wrk -v` prints its banner and exits 1.
        banner = subprocess.run([self.executable, "-v"], capture_output=True, text=True, timeout=10)
        self.version = (banner.stdout or banner.stderr).split("[")[0].strip()

    def run(self, base_url: str, request: HttpRequest, seconds: int, connections: int) -> LoadResult:
        _loopback_only(base_url)
        env = {
            "PATH": "/usr/bin:/bin",
            "BENCH_METHOD": request.method,
            "BENCH_BODY": request.body or "",
            "BENCH_HEADERS": "\n".join(f"{name}: {value}" for name, value in request.headers.items()),
        }
        command = [
            self.executable,
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            f"{REQUEST_TIMEOUT_SECONDS}s",
            "-s",
            str(WRK_SCRIPT),
            base_url + request.path,
        ]
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env=env,
            timeout=seconds + 60,
            preexec_fn=pin_to(self.cores),
        )
        summary = next((line for line in done.stdout.splitlines() if line.startswith("BENCH_JSON ")), None)
        if done.returncode != 0 or summary is None:
            raise BenchError(
                f"wrk failed (exit {done.returncode}): {(done.stderr or done.stdout).strip()[:300]}"
            )
        figures = json.loads(summary.removeprefix("BENCH_JSON "))
        return LoadResult(
            requests=figures["requests"],
            seconds=figures["duration_us"] / 1e6,
            p50_ms=figures["p50_us"] / 1000,
            p99_ms=figures["p99_us"] / 1000,
            errors=sum(figures[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts")),
            non_2xx=figures["status_errors"],
        )


@dataclass
class Autocannon:
    node: Path
    env: dict[str, str]
    cores: frozenset[int] | None
    name: str = "autocannon"
    version: str = ""

    def __post_init__(self) -> None:
        manifest = HARNESS_DIR.parent / "node_modules" / "autocannon" / "package.json"
        self.version = f"autocannon {json.loads(manifest.read_text())['version']}"

    def run(self, base_url: str, request: HttpRequest, seconds: int, connections: int) -> LoadResult:
        _loopback_only(base_url)
        options = {
            "url": base_url + request.path,
            "method": request.method,
            "headers": dict(request.headers),
            "connections": connections,
            "duration": seconds,
            "timeout": REQUEST_TIMEOUT_SECONDS,
            **({"body": request.body} if request.body else {}),
        }
        done = subprocess.run(
            [str(self.node), str(AUTOCANNON_RUNNER), json.dumps(options)],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=seconds + 60,
            preexec_fn=pin_to(self.cores),
        )
        if done.returncode != 0 or not done.stdout.strip():
            raise BenchError(f"autocannon failed (exit {done.returncode}): {done.stderr.strip()[:300]}")
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        return LoadResult(
            requests=figures["requests"],
            seconds=figures["durationSeconds"],
            p50_ms=figures["p50Ms"],
            p99_ms=figures["p99Ms"],
            errors=figures["errors"] + figures["timeouts"],
            non_2xx=figures["non2xx"],
        )


def choose_load_generator(
    choice: str, node_bin: Path, env: dict[str, str], cores: frozenset[int] | None
) -> LoadGenerator:
    """``choice``: wrk, autocannon or auto (wrk when installed, autocannon otherwise)."""
    wrk = shutil.which("wrk")
    if choice == "wrk" and wrk is None:
        raise BenchError(f"wrk is not installed: run `{INSTALL_WRK}` or pass --load-generator autocannon")
    if choice in ("wrk", "auto") and wrk is not None:
        return Wrk(wrk, cores)
    npm_ci(HARNESS_DIR.parent, env)
    return Autocannon(node_bin / "node", env, cores)
