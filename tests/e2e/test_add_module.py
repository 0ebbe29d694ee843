"""End to end: `scalefold add module inventory` in a generated monolith, then the project's own checks
(lint with its layer rules, typecheck, the generated tests a module can affect, build), and the module's routes answering
over HTTP in the built service on a fresh PostgreSQL database, its migration applied by `migrate`.

The monolith is rendered anew (the shared built one is read-only) on the shared project's installed
dependencies: the module adds none."""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.accounts import signed_up
from tests.support.built import rendered_on_shared_dependencies
from tests.support.http import free_port, request, wait_until_ok
from tests.support.processes import start
from tests.support.project import npm, run
from tests.support.services import fresh_database, query

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("add_module")]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, node_env: dict[str, str]) -> Path:
    project = tmp_path_factory.mktemp("add-module") / "shop"
    rendered_on_shared_dependencies(tmp_path_factory, node_env, "monolith", project)
    run([sys.executable, "-m", "scalefold", "add", "module", "inventory", "--path", str(project)], project, node_env)
    return project


def test_the_project_with_the_module_passes_lint_typecheck_and_its_tests(project: Path, node_env: dict[str, str]) -> None:
    npm("lint", project, node_env)
    npm("typecheck", project, node_env)
    # The tests a module can affect: its own, every API test (the platform's walks of every route: cache
    # policy, OpenAPI, rate limits) and the layer rules. The rest are the template's, which the monolith's
    # own end-to-end test runs on an identical project without the module.
    tests = run(["npx", "vitest", "run", "test/api", "test/unit/inventory", "test/architecture"], project, node_env)
    output = tests.stdout + tests.stderr
    assert "test/api/inventory/items.api.test.ts" in output and "test/unit/inventory/items.service.test.ts" in output
    assert "test/api/cache-policy.api.test.ts" in output and "test/architecture/layers.test.ts" in output


@pytest.fixture(scope="module")
def base(project: Path, node_env: dict[str, str]) -> Iterator[str]:
    npm("build", project, node_env)
    with fresh_database("scalefold_add_module") as database_url:
        env = {**node_env, "NODE_ENV": "production", "HOST": "127.0.0.1", "PORT": str(free_port()),
               "DATABASE_URL": database_url, "JWT_SECRET": secrets.token_urlsafe(48),
               "CORS_ORIGINS": "https://app.example.com"}
        run(["node", "dist/migrate.js"], project, env)
        assert query(database_url, "SELECT count(*) FROM inventory") == "0"
        server = start(project, env, "node", "dist/server.js")
        base = f"http://127.0.0.1:{env['PORT']}"
        try:
            wait_until_ok(f"{base}/health/ready", process=server.process)
            yield base
        finally:
            server.stop()


def test_the_modules_routes_answer_over_http(base: str) -> None:
    _email, ada = signed_up(base, "Ada")
    _email, grace = signed_up(base, "Grace")

    created = request("POST", f"{base}/v1/inventory", headers=ada, json_body={"name": " Blue widget "})
    assert created.status == 201, created.text
    item = created.json()
    assert item["name"] == "Blue widget"

    fetched = request("GET", f"{base}/v1/inventory/{item['id']}", headers=ada)
    assert fetched.status == 200 and fetched.json() == item
    assert request("GET", f"{base}/v1/inventory/{item['id']}", headers=grace).status == 404
    assert request("GET", f"{base}/v1/inventory", headers=ada).json() == {"items": [item]}
    assert request("GET", f"{base}/v1/inventory", headers=grace).json() == {"items": []}
    assert request("GET", f"{base}/v1/inventory").status == 401
