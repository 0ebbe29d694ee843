"""The benchmark harness (bench/run.py) in short mode, as CI runs it.

Figures are not asserted (they depend on the machine): only that every scenario ran to completion
with no connection error and no non-2xx answer, and that the JSON report has every scenario.
The orders scenarios may report "not available" only while the template has no orders routes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.built import rendered_on_shared_dependencies
from tests.support.services import postgres_available

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("bench")]

LOAD_SCENARIOS = (
    "health_live",
    "public_cached_read",
    "auth_cached_read",
    "auth_write",
    "auth_cached_read_traced",
)
OTHER_SCENARIOS = ("idle_rss", "idle_connections", "cold_start", "scalefold_new", "scalefold_check")
NEED_ORDERS = {"auth_cached_read", "auth_write", "auth_cached_read_traced"}
REFERENCES = {"health_live", "public_cached_read", "auth_cached_read"}


@pytest.fixture(scope="module")
def short_run(repo_root: Path, node_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not postgres_available():
        pytest.fail("PostgreSQL is not answering on 127.0.0.1:5432; the benchmark runs the service on it")
    scratch = tmp_path_factory.mktemp("bench")
    report = scratch / "results.json"
    # The harness builds the project it is given: a monolith of its own, on the dependencies the run's
    # shared monolith installed, so that this test does not install them a second time.
    project = rendered_on_shared_dependencies(tmp_path_factory, node_env, "monolith", scratch / "shop")
    done = subprocess.run(
        [
            sys.executable,
            "bench/run.py",
            "--short",
            "--project",
            str(project),
            "--workdir",
            str(scratch / "work"),
            "--json",
            str(report),
        ],
        cwd=repo_root,
        env=node_env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, (
        f"bench/run.py --short exited {done.returncode}\n{done.stdout[-6000:]}\n{done.stderr[-3000:]}"
    )
    return json.loads(report.read_text())


def test_every_scenario_is_reported(short_run: dict) -> None:
    scenarios = short_run["scenarios"]
    assert set(scenarios) == {*LOAD_SCENARIOS, *OTHER_SCENARIOS}
    for key, data in scenarios.items():
        allowed = {"ok", "not_available"} if key in NEED_ORDERS else {"ok"}
        assert data["status"] in allowed, f"{key}: {data}"
    # Either the template has the orders routes and all three ran, or none did.
    assert len({scenarios[key]["status"] for key in NEED_ORDERS}) == 1


def test_load_scenarios_completed_without_errors_or_non_2xx(short_run: dict) -> None:
    for key in LOAD_SCENARIOS:
        data = short_run["scenarios"][key]
        if data["status"] != "ok":
            continue
        expected = {"generated", "bare", "express"} if key in REFERENCES else {"generated"}
        assert set(data["servers"]) == expected, key
        for server, figures in data["servers"].items():
            assert figures["requests"] > 0, f"{key} on {server}"
            assert figures["errors"] == 0, f"{key} on {server}: {figures}"
            assert figures["non_2xx"] == 0, f"{key} on {server}: {figures}"
            assert figures["cpu_us_per_request"] > 0, f"{key} on {server}: no server CPU time was measured"
        if key in REFERENCES:
            assert data["servers"]["bare"]["vs_bare"] == 1.0
            assert data["ratios"]["generated_vs_bare"] > 0


def test_idle_connections_memory_and_cold_start(short_run: dict) -> None:
    scenarios = short_run["scenarios"]
    idle = scenarios["idle_connections"]
    for server, figures in idle["servers"].items():
        assert figures["opened"] == idle["connections"], server
        assert figures["errors"] == 0, f"{server}: {figures}"
        assert figures["rss_after_mb"] > 0
    assert all(figures["fresh_mb"] > 0 for figures in scenarios["idle_rss"]["servers"].values())
    assert scenarios["cold_start"]["untraced"]["median_ms"] > 0
    assert scenarios["cold_start"]["traced"]["median_ms"] > 0
    assert scenarios["scalefold_new"]["median_s"] > 0
    assert scenarios["scalefold_check"]["exit_code"] in (0, 1)


def test_targets_are_evaluated(short_run: dict) -> None:
    targets = {target["key"]: target for target in short_run["targets"]}
    assert {"health_live_vs_bare", "idle_rss", "cold_start", "tracing_overhead"} <= set(targets)
    assert targets["health_live_vs_bare"]["met"] in (True, False)
    assert targets["cold_start"]["value"] == short_run["scenarios"]["cold_start"]["untraced"]["median_ms"]
