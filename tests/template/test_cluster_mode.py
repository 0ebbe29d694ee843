"""The cluster_mode answer: it changes what is rendered, and its default keeps what every preset had."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from copier import run_copy

#: What cluster mode adds to a deployable that serves HTTP.
CLUSTER_FILES = (
    "packages/platform/src/process/cluster.ts",
    "packages/platform/src/process/clustered-api.ts",
    "packages/platform/src/process/restart-policy.ts",
    "packages/platform/test/process/restart-policy.test.ts",
    "packages/platform/test/support/cluster-mode.ts",
    "test/integration/cluster.test.ts",
)


def render(template_dir: Path, dest: Path, **data: Any) -> Path:
    run_copy(str(template_dir), dest, data={"project_name": "shop", **data}, defaults=True, unsafe=True, quiet=True)
    return dest


@pytest.fixture(scope="module")
def monoliths(tmp_path_factory: pytest.TempPathFactory, template_dir: Path) -> dict[bool, Path]:
    root = tmp_path_factory.mktemp("cluster-mode")
    return {
        on: render(template_dir, root / f"cluster-{on}", preset="monolith", **({} if on else {"cluster_mode": False}))
        for on in (True, False)
    }


def test_by_default_the_monolith_has_cluster_mode(monoliths: dict[bool, Path]) -> None:
    project = monoliths[True]
    for path in CLUSTER_FILES:
        assert (project / path).is_file(), path
    server = (project / "src/server.ts").read_text()
    assert "runClusteredApi" in server and "runSingleProcessApi" not in server


def test_without_cluster_mode_no_cluster_code_is_rendered(monoliths: dict[bool, Path]) -> None:
    project = monoliths[False]
    for path in CLUSTER_FILES:
        assert not (project / path).exists(), path
    server = (project / "src/server.ts").read_text()
    assert "runClusteredApi" not in server
    # WEB_CONCURRENCY above 1 is refused at start, not silently ignored (packages/platform's api-entry
    # test proves the refusal; this is the one the entry point gives).
    assert "runSingleProcessApi" in server and "needs cluster mode" in server
    assert "{%" not in server
    env = (project / ".env.example").read_text()
    assert "# Generated without cluster mode: 1 is the only value taken" in env
    readme = (project / "README.md").read_text()
    assert "generated without cluster mode (`cluster_mode=false`)" in readme
    assert "cluster primary" not in readme


def test_without_cluster_mode_every_microservice_is_one_process(tmp_path: Path, template_dir: Path) -> None:
    project = render(template_dir, tmp_path / "shop", preset="microservices", cluster_mode=False)
    for service in ("users", "orders"):
        folder = project / "services" / service
        assert not (folder / "src/infrastructure/process/cluster.ts").exists()
        assert "runClusteredApi" not in (folder / "src/server.ts").read_text()
    assert (project / "services/gateway/src/server.ts").is_file()
