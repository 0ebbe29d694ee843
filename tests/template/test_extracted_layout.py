"""The `extracted` preset's layout: which deployable gets which files, and what each one depends on.

Rendered (not installed) for each broker. The behaviour itself is tested by the generated projects'
own suites and by tests/e2e/test_extracted.py; this file pins the shape the presets share, so that a
change to the per-deployable feature sets in copier.yml shows up here first.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from copier import run_copy

API = Path("apps/api")
NOTIFICATIONS = Path("services/notifications")
CONTRACTS = Path("packages/contracts")
PLATFORM = Path("packages/platform")


@pytest.fixture(scope="module", params=["rabbitmq", "nats"])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, template_dir: Path) -> Path:
    dest = tmp_path_factory.mktemp(f"extracted-{request.param}") / "shop"
    run_copy(str(template_dir), dest, data={"project_name": "shop", "preset": "extracted", "broker": request.param},
             defaults=True, unsafe=True, quiet=True)
    return dest


def _package(project: Path, workspace: Path) -> dict:
    return json.loads((project / workspace / "package.json").read_text())


def _files(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def test_the_root_is_an_npm_workspace_of_the_contracts_and_both_deployables(project: Path) -> None:
    root = json.loads((project / "package.json").read_text())
    assert root["workspaces"] == ["packages/platform", "packages/contracts", "apps/api", "services/notifications"]
    assert root["private"] is True
    assert not (project / "src").exists(), "no code at the root: it lives in the workspaces"
    assert {name: _package(project, path)["name"] for name, path in
            {"api": API, "notifications": NOTIFICATIONS, "contracts": CONTRACTS}.items()} == {
        "api": "@shop/api", "notifications": "@shop/notifications", "contracts": "@shop/contracts"}


def test_both_deployables_depend_on_the_contracts_package(project: Path) -> None:
    for workspace in (API, NOTIFICATIONS):
        assert _package(project, workspace)["dependencies"]["@shop/contracts"] == "*"
    exports = _package(project, CONTRACTS)["exports"]["."]
    assert exports == {"source": "./src/index.ts", "types": "./dist/index.d.ts", "default": "./dist/index.js"}


def test_the_api_is_the_monolith_without_notifications_and_with_an_outbox(project: Path) -> None:
    src = _files(project / API / "src")
    assert {"modules/users/users.service.ts", "modules/orders/orders.service.ts",
            "infrastructure/outbox/outbox.ts", "infrastructure/outbox/outbox-relay.ts", "server.ts"} <= src
    assert not any(path.startswith(("modules/notifications/", "infrastructure/jobs/", "infrastructure/mail/",
                                    "infrastructure/events/")) for path in src)
    assert "worker.ts" not in src
    migrations = sorted(path.name for path in (project / API / "migrations").iterdir())
    assert migrations == ["0001_create_users.sql", "0002_create_orders.sql", "0003_create_outbox.sql",
                          "0005_outbox_claims.sql"]
    dependencies = _package(project, API)["dependencies"]
    assert "fastify" in dependencies and "bullmq" not in dependencies and "nodemailer" not in dependencies


def test_the_notifications_service_consumes_events_and_serves_no_api(project: Path) -> None:
    src = _files(project / NOTIFICATIONS / "src")
    assert {"consumer.ts", "worker.ts", "modules/notifications/notifications.service.ts",
            "infrastructure/http/probe-server.ts"} <= src
    # The inbox is the platform's: the service wires it, it does not carry a copy.
    assert {"inbox/idempotent-consumer.ts", "inbox/inbox-consumer.ts"} <= _files(project / PLATFORM / "src")
    assert "#platform/inbox/inbox-consumer" in (project / NOTIFICATIONS / "src" / "consumer.ts").read_text()
    assert not any(path.startswith(("modules/users/", "modules/orders/", "infrastructure/outbox/",
                                    "infrastructure/cache/")) for path in src)
    assert "server.ts" not in src and "app.ts" not in src
    assert sorted(p.name for p in (project / NOTIFICATIONS / "migrations").iterdir()) == [
        "0001_create_processed_messages.sql"]
    dependencies = _package(project, NOTIFICATIONS)["dependencies"]
    # Its only HTTP server is the probe server, on node:http: no web framework to keep patched.
    assert not any(name == "fastify" or name.startswith("@fastify/") for name in dependencies)
    assert {"bullmq", "bullmq-otel", "nodemailer"} <= dependencies.keys()
    assert _package(project, NOTIFICATIONS)["scripts"]["start"] == "node --import ./dist/telemetry.js dist/consumer.js"


def test_only_the_chosen_brokers_client_and_adapter_are_generated(project: Path) -> None:
    answers = (project / ".copier-answers.yml").read_text()
    broker = "nats" if "broker: nats" in answers else "rabbitmq"
    # The adapters live once, in the platform package, which depends on the chosen broker's client.
    adapters = {p.name for p in (project / PLATFORM / "src" / "broker").iterdir()}
    for workspace in (API, NOTIFICATIONS, PLATFORM):
        assert not (project / workspace / "src" / "infrastructure" / "broker").exists()
        dependencies = _package(project, workspace)["dependencies"]
        if broker == "nats":
            assert "nats-broker.ts" in adapters and "rabbitmq-broker.ts" not in adapters
            assert "@nats-io/jetstream" in dependencies and "amqplib" not in dependencies
        else:
            assert "rabbitmq-broker.ts" in adapters and "nats-broker.ts" not in adapters
            assert "amqplib" in dependencies and "@nats-io/jetstream" not in dependencies
    schema = (project / PLATFORM / "src" / "config" / "broker-url.ts").read_text()
    assert ("'^nats://'" in schema) == (broker == "nats")
    assert ("'^amqps?://'" in schema) == (broker == "rabbitmq")


def test_each_deployable_has_its_own_default_port(project: Path) -> None:
    api = (project / API / "src" / "shared" / "project.ts").read_text()
    notifications = (project / NOTIFICATIONS / "src" / "shared" / "project.ts").read_text()
    assert "name: 'shop-api'" in api and "defaultPort: 3000" in api and "defaultWorkerPort" not in api
    assert "name: 'shop-notifications'" in notifications
    assert "defaultPort: 3002" in notifications and "defaultWorkerPort: 3001" in notifications
    assert "system: 'shop'" in api and "system: 'shop'" in notifications
