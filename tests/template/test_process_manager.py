"""The process_manager answer (asked with cluster mode): `pm2` renders PM2's ecosystem file for each HTTP
deployable and a single-process server that tells PM2 when it listens, in place of the generated cluster
supervisor; the default keeps the supervisor. PM2 running the built service is tests/e2e/test_pm2.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from copier import run_copy

from tests.template.test_cluster_mode import CLUSTER_FILES

ECOSYSTEM = "ecosystem.config.cjs"
READY_SIGNAL = "src/infrastructure/process/ready-signal.ts"


def render(template_dir: Path, dest: Path, **data: Any) -> Path:
    run_copy(
        str(template_dir), dest, data={"project_name": "shop", **data}, defaults=True, unsafe=True, quiet=True
    )
    return dest


def loaded(project: Path, env: dict[str, str], **settings: str) -> dict[str, Any]:
    """The ecosystem file as PM2 reads it (require), with `settings` in the environment."""
    shown = subprocess.run(
        ["node", "-e", f"process.stdout.write(JSON.stringify(require('./{ECOSYSTEM}')))"],
        cwd=project,
        env={**env, **settings},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    (app,) = json.loads(shown.stdout)["apps"]
    return app


@pytest.fixture(scope="module")
def monolith(tmp_path_factory: pytest.TempPathFactory, template_dir: Path) -> Path:
    return render(
        template_dir, tmp_path_factory.mktemp("pm2") / "shop", preset="monolith", process_manager="pm2"
    )


def test_pm2_replaces_the_cluster_supervisor(monolith: Path) -> None:
    for path in CLUSTER_FILES:
        assert not (monolith / path).exists(), path
    assert (monolith / ECOSYSTEM).is_file() and (monolith / READY_SIGNAL).is_file()
    server = (monolith / "src/server.ts").read_text()
    assert "signalReady();" in server and "runClusteredApi" not in server
    # WEB_CONCURRENCY above 1 would fork under PM2: refused at start.
    assert "runSingleProcessApi" in server and "set PM2_INSTANCES instead" in server
    answers = (monolith / ".copier-answers.yml").read_text()
    assert "process_manager: pm2" in answers
    readme = (monolith / "README.md").read_text()
    assert "## PM2 on a bare-metal host" in readme and "KillMode=mixed" in readme
    assert "cluster primary" not in readme
    assert "# PM2 runs the API processes" in (monolith / ".env.example").read_text()


def test_the_ecosystem_file_loads_with_its_defaults_and_settings(
    monolith: Path, node_env: dict[str, str]
) -> None:
    app = loaded(monolith, node_env)
    assert app["name"] == "shop" and app["script"] == "dist/server.js" and app["cwd"] == str(monolith)
    assert app["node_args"] == ["--import", "./dist/telemetry.js"]
    assert (app["exec_mode"], app["instances"], app["max_memory_restart"]) == ("cluster", "max", "512M")
    assert app["wait_ready"] is True
    assert app["kill_timeout"] == 15_000  # the service's 10 s shutdown, then 5 s
    assert (app["out_file"], app["error_file"]) == ("/dev/null", "/dev/null")  # logs on stdout only
    tuned = loaded(monolith, node_env, PM2_INSTANCES="3", PM2_MAX_MEMORY="1G", SHUTDOWN_TIMEOUT_MS="20000")
    assert (tuned["instances"], tuned["max_memory_restart"], tuned["kill_timeout"]) == (3, "1G", 25_000)


def test_the_default_keeps_the_cluster_supervisor(tmp_path: Path, template_dir: Path) -> None:
    # With cluster mode the question is asked, and its default recorded; without, it is not asked.
    recorded = {"default": "process_manager: cluster", "no-cluster": None}
    for name, data in {"default": {}, "no-cluster": {"cluster_mode": False}}.items():
        project = render(template_dir, tmp_path / name, preset="monolith", **data)
        assert not (project / ECOSYSTEM).exists() and not (project / READY_SIGNAL).exists()
        assert "## PM2 on a bare-metal host" not in (project / "README.md").read_text()
        answers = (project / ".copier-answers.yml").read_text()
        assert (recorded[name] in answers) if recorded[name] else ("process_manager" not in answers)


@pytest.mark.parametrize(
    ("preset", "with_pm2", "without"),
    [
        ("extracted", ["apps/api"], ["services/notifications"]),
        (
            "microservices",
            ["services/users", "services/orders"],
            ["services/gateway", "services/notifications"],
        ),
    ],
)
def test_every_http_deployable_gets_an_ecosystem_file(
    tmp_path: Path, template_dir: Path, preset: str, with_pm2: list[str], without: list[str]
) -> None:
    project = render(template_dir, tmp_path / "shop", preset=preset, process_manager="pm2")
    for folder in with_pm2:
        assert (project / folder / ECOSYSTEM).is_file(), folder
        assert not (project / folder / "src/infrastructure/process/cluster.ts").exists(), folder
        assert "signalReady();" in (project / folder / "src/server.ts").read_text()
    for folder in without:
        assert not (project / folder / ECOSYSTEM).exists(), folder
    readme = (project / "README.md").read_text()
    assert all(f"`{folder}/{ECOSYSTEM}`" in readme for folder in with_pm2)


def test_pm2_without_cluster_mode_is_refused_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scalefold",
            "new",
            str(tmp_path / "shop"),
            "--preset",
            "monolith",
            "--defaults",
            "--no-git",
            "--no-install",
            "--data",
            "cluster_mode=false",
            "--data",
            "process_manager=pm2",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: process_manager does not apply to this project: the template asks it only when cluster_mode "
        "(here cluster_mode is False)"
    )
    assert not (tmp_path / "shop").exists()
