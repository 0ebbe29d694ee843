"""Outgoing webhooks (`webhooks: true`): rendered into the deployable that holds the orders module, in
every preset, with their module, migration, configuration, dependencies and documentation when asked,
absent otherwise. Where a broker carries the events, the outbox relay hands each one to the broker,
then to the webhooks module. The generated project's own tests (test/integration/webhook-delivery.test.ts,
test/api/webhooks.api.test.ts, test/unit/webhook-*.test.ts, test/unit/broker-then-subscribers.test.ts)
exercise signing, retries, the SSRF guard and that relay; tests/e2e/test_webhooks.py the built services.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from copier import run_copy

#: The deployable that holds the orders module, per preset.
ORDERS_DEPLOYABLE = {"monolith": ".", "extracted": "apps/api", "microservices": "services/orders"}

WEBHOOK_FILES = (
    "migrations/0007_create_webhooks.sql",
    "src/modules/webhooks/index.ts",
    "src/modules/webhooks/address-guard.ts",
    "src/modules/webhooks/webhook-dispatcher.ts",
    "src/modules/webhooks/webhook-sender.ts",
    "src/modules/webhooks/webhooks.routes.ts",
    "test/integration/webhook-delivery.test.ts",
    "test/api/webhooks.api.test.ts",
    "test/unit/webhook-addresses.test.ts",
    "test/unit/webhook-signing.test.ts",
    "test/unit/config/webhooks.test.ts",
)


def render(template_dir: Path, dest: Path, preset: str, webhooks: bool) -> Path:
    run_copy(
        str(template_dir),
        dest,
        data={"project_name": "shop-app", "preset": preset, "webhooks": webhooks},
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    return dest


@pytest.mark.parametrize("preset", sorted(ORDERS_DEPLOYABLE))
def test_webhooks_are_rendered_when_asked(template_dir: Path, tmp_path: Path, preset: str) -> None:
    project = render(template_dir, tmp_path / "project", preset, webhooks=True)
    deployable = project / ORDERS_DEPLOYABLE[preset]
    for path in WEBHOOK_FILES:
        assert (deployable / path).is_file(), path
    app = (deployable / "src" / "app.ts").read_text()
    assert "createWebhooksModule" in app and "webhooks.routes" in app
    dependencies = json.loads((deployable / "package.json").read_text())["dependencies"]
    assert {"standardwebhooks", "ipaddr.js", "undici"} <= dependencies.keys()
    env_example = (deployable / ".env.example").read_text()
    assert "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=false" in env_example
    assert (
        "...WebhooksEnv.properties"
        in (deployable / "src" / "infrastructure" / "config" / "config.ts").read_text()
    )
    readme = (project / "README.md").read_text()
    assert "## Webhooks" in readme and "webhook-signature" in readme
    assert "| `WEBHOOKS_ALLOW_PRIVATE_ADDRESSES` | `false` |" in readme
    # A subscription belongs to an account where this deployable keeps them; elsewhere to the
    # user the access token names.
    migration = (deployable / "migrations" / "0007_create_webhooks.sql").read_text()
    assert ("REFERENCES users (id)" in migration) is (preset != "microservices")
    # The other deployables have none of it.
    for other in set(ORDERS_DEPLOYABLE.values()) - {ORDERS_DEPLOYABLE[preset], "."}:
        assert not (project / other / "src" / "modules" / "webhooks").exists()


@pytest.mark.parametrize("preset", ["extracted", "microservices"])
def test_the_relay_hands_each_event_to_the_broker_then_to_the_webhooks(
    template_dir: Path, tmp_path: Path, preset: str
) -> None:
    project = render(template_dir, tmp_path / "project", preset, webhooks=True)
    deployable = project / ORDERS_DEPLOYABLE[preset]
    process = (deployable / "src" / "api-process.ts").read_text()
    assert "brokerThenSubscribers(broker, inProcessDestination(events))" in process
    assert (deployable / "src" / "infrastructure" / "events" / "broker-then-subscribers.ts").is_file()
    assert (deployable / "test" / "unit" / "broker-then-subscribers.test.ts").is_file()
    readme = (project / "README.md").read_text()
    subscribable = '["order.placed","order.cancelled"]'
    assert f'"eventTypes":{subscribable}' in readme
    if preset == "microservices":
        # The gateway routes the subscriptions to the orders service.
        constants = (project / "services" / "gateway" / "src" / "shared" / "project.ts").read_text()
        assert "webhookRoutes: ['/v1/webhooks', '/v1/webhooks/*']" in constants


@pytest.mark.parametrize("preset", ["monolith", "microservices"])
def test_no_webhooks_unless_asked(template_dir: Path, tmp_path: Path, preset: str) -> None:
    project = render(template_dir, tmp_path / "project", preset, webhooks=False)
    deployable = project / ORDERS_DEPLOYABLE[preset]
    for path in WEBHOOK_FILES:
        assert not (deployable / path).exists(), path
    # The empty section the configuration composes without the answer: no variable, no setting.
    section = (deployable / "src" / "infrastructure" / "config" / "webhooks.ts").read_text()
    assert "export const WebhooksEnv = Type.Object({});" in section and "() => ({})" in section
    assert "ebhooks" not in (deployable / "src" / "app.ts").read_text()
    assert "undici" not in (deployable / "package.json").read_text()
    assert "WEBHOOKS_" not in (deployable / ".env.example").read_text()
    assert "## Webhooks" not in (project / "README.md").read_text()
    if preset != "monolith":
        assert not (deployable / "src" / "infrastructure" / "events").exists()
        assert "brokerThenSubscribers" not in (deployable / "src" / "api-process.ts").read_text()
