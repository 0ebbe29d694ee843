"""End to end: the built monolith rendered with `process_manager=pm2`, run by `pm2-runtime` (PM2 from
the npm registry) with its ecosystem file, two processes in PM2's cluster mode on one fresh PostgreSQL
database.

Checked: `pm2 reload` under load replaces both processes and fails no request (each new process says
when it listens, each old one finishes what it serves); the processes shut down gracefully on PM2's
signal; what reaches pm2-runtime's stdout from the service is its JSON log lines, untouched.
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.built import built_variant
from tests.support.http import free_port, request, wait_until_ok
from tests.support.load import Load
from tests.support.pm2 import Pm2Runtime, start_pm2_runtime
from tests.support.project import run
from tests.support.services import fresh_database

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("pm2")]

#: Every request of the test gets an answer within this, or counts as failed.
CLIENT_DEADLINE_S = 15.0
#: PM2's own lines on its stdout ("2026-01-01T00:00:00: PM2 log: App [shop:0] online"): text, not the service's.
PM2_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d: PM2 (log|error|warn|info): ")


@pytest.fixture(scope="module")
def monolith(tmp_path_factory: pytest.TempPathFactory, node_env: dict[str, str]) -> Path:
    """The PM2 variant of the monolith, built (on the shared monolith's installed dependencies: PM2 is
    installed on the host, not in the project)."""
    return built_variant(tmp_path_factory, node_env, "monolith", {"process_manager": "pm2"})


@pytest.fixture(scope="module")
def runtime(
    monolith: Path, node_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pm2Runtime]:
    with fresh_database("scalefold_pm2") as database_url:
        env = {
            **node_env,
            "HOST": "127.0.0.1",
            "PORT": str(free_port()),
            "LOG_LEVEL": "info",
            "DATABASE_URL": database_url,
            "JWT_SECRET": secrets.token_urlsafe(48),
            "CORS_ORIGINS": "https://app.example.com",
            "RATE_LIMIT_MAX": "1000000",
            # The ecosystem file's own settings, read where pm2 runs.
            "PM2_INSTANCES": "2",
        }
        run(["node", "dist/migrate.js"], monolith, env)
        pm2 = start_pm2_runtime(monolith, env, tmp_path_factory.mktemp("pm2-home"))
        try:
            wait_until_ok(f"http://127.0.0.1:{env['PORT']}/health/ready", process=pm2.output.process)
            pm2.output.wait_for(lambda line: str(line.get("msg", "")).startswith("Server listening"), count=2)
            yield pm2
        finally:
            pids = pm2.online_pids() if pm2.output.alive else set()
            assert pm2.stop() == 0, pm2.output.output()
            assert not any(Path(f"/proc/{pid}").exists() for pid in pids), "pm2-runtime left processes behind"


def test_a_reload_under_load_replaces_every_process_and_fails_no_request(runtime: Pm2Runtime) -> None:
    base = f"http://127.0.0.1:{runtime.env['PORT']}"
    before = runtime.online_pids()
    assert len(before) == 2, before

    def read(sequence: int):
        # Idempotent reads: the public catalogue and the readiness probe (which queries the database).
        path = "/v1/products" if sequence % 2 else "/health/ready"
        return request("GET", f"{base}{path}", timeout=CLIENT_DEADLINE_S)

    with Load(read, concurrency=8, max_requests=20_000, max_seconds=120) as load:
        load.wait_for_requests(200)
        runtime.pm2("reload", "ecosystem.config.cjs")
        load.wait_for_requests(200)
    report = load.report
    assert report.statuses == Counter({200: len(report.outcomes)}), report

    after = runtime.online_pids()
    assert len(after) == 2 and not after & before, (before, after)
    # Each old process stopped on PM2's signal the graceful way, not by PM2's SIGKILL.
    for pid in before:
        stopped = runtime.output.wait_for(
            lambda line, pid=pid: line.get("pid") == pid and line.get("msg") == "shutdown complete",
            timeout=30,
        )
        assert stopped
    print(f"{report}; processes {sorted(before)} replaced by {sorted(after)}")


def test_the_service_log_lines_reach_stdout_as_json(runtime: Pm2Runtime) -> None:
    request("GET", f"http://127.0.0.1:{runtime.env['PORT']}/v1/products")
    raw = [line.rstrip("\n") for line in runtime.output.raw]
    not_pm2 = [line for line in raw if not PM2_LINE.match(line)]
    # Everything that is not PM2's own line is one of the service's JSON lines, with no prefix added.
    prefixed = [line for line in not_pm2 if not (line.startswith('{"level":') and line.endswith("}"))]
    assert not_pm2 and not prefixed, prefixed[:5]
    assert len(not_pm2) == len(runtime.output.lines)
    services = {line["service"] for line in runtime.output.lines}
    assert services == {"shop"}, services
    # The processes PM2 started are the ones logging: one pid per process, at least the two first.
    assert len({line["pid"] for line in runtime.output.lines}) >= 2
