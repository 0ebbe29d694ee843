"""The orders' event-sourced audit trail (`event_sourcing: true`): rendered into the deployable that holds the
orders module, in every preset, with its migration, routes, rebuild command and documentation; absent
otherwise. The generated project's own tests (test/unit, test/integration and test/api order-history
tests) exercise it, and tests/e2e/test_event_sourcing.py runs the built monolith on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from copier import run_copy

#: The deployable that holds the orders module, per preset.
ORDERS_DEPLOYABLE = {"monolith": ".", "extracted": "apps/api", "microservices": "services/orders"}

EVENT_SOURCING_FILES = (
    "migrations/0006_create_order_events.sql",
    "src/modules/orders/order-history.model.ts",
    "src/modules/orders/order-history.store.ts",
    "src/modules/orders/order-history.service.ts",
    "src/modules/orders/order-history.routes.ts",
    "src/modules/orders/order-history.rebuild.ts",
    "src/modules/orders/order-history.ts",
    "src/rebuild-projections.ts",
    "test/unit/order-history.test.ts",
    "test/integration/order-history.test.ts",
    "test/api/order-history.api.test.ts",
)


def render(template_dir: Path, dest: Path, preset: str, event_sourcing: bool) -> Path:
    run_copy(
        str(template_dir),
        dest,
        data={"project_name": "shop-app", "preset": preset, "event_sourcing": event_sourcing},
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    return dest


@pytest.mark.parametrize("preset", sorted(ORDERS_DEPLOYABLE))
def test_the_trail_is_rendered_into_the_orders_deployable_when_asked(
    template_dir: Path, tmp_path: Path, preset: str
) -> None:
    project = render(template_dir, tmp_path / "project", preset, event_sourcing=True)
    deployable = project / ORDERS_DEPLOYABLE[preset]
    for path in EVENT_SOURCING_FILES:
        assert (deployable / path).is_file(), path
    # Only there: no other deployable has orders to keep a history of.
    assert sorted(str(p.relative_to(project)) for p in project.rglob("0006_create_order_events.sql")) == [
        str(Path(ORDERS_DEPLOYABLE[preset]) / "migrations" / "0006_create_order_events.sql")
    ]
    migration = (deployable / "migrations" / "0006_create_order_events.sql").read_text()
    assert "PRIMARY KEY (order_id, version)" in migration
    assert "BEFORE UPDATE OR DELETE OR TRUNCATE ON order_events" in migration
    assert "history: createOrderHistory(database)," in (deployable / "src" / "app.ts").read_text()
    scripts = json.loads((deployable / "package.json").read_text())["scripts"]
    assert scripts["projections:rebuild"].endswith("src/rebuild-projections.ts")
    # Bundled into dist/ as the other processes are: the platform's builder knows the entry point.
    assert "'rebuild-projections'" in (project / "packages/platform/tooling/processes.js").read_text()
    readme = (project / "README.md").read_text()
    assert "## Audit trail: the orders' event stream" in readme
    assert "npm run projections:rebuild" in readme


@pytest.mark.parametrize("preset", sorted(ORDERS_DEPLOYABLE))
def test_no_trail_unless_asked(template_dir: Path, tmp_path: Path, preset: str) -> None:
    project = render(template_dir, tmp_path / "project", preset, event_sourcing=False)
    deployable = project / ORDERS_DEPLOYABLE[preset]
    for path in EVENT_SOURCING_FILES:
        assert not (deployable / path).exists(), path
    assert "order-history" not in (deployable / "src" / "app.ts").read_text()
    assert "projections:rebuild" not in (deployable / "package.json").read_text()
    assert "order_events" not in (project / "README.md").read_text()
