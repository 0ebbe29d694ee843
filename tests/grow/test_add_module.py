"""`scalefold add module NAME`: what it writes into a monolith, and every refusal (one line, exit 2,
nothing written). The generated module's own tests run in tests/e2e/test_add_module.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.cli.test_new import run_cli

MODULE_FILES = (
    "src/modules/inventory/index.ts",
    "src/modules/inventory/items.routes.ts",
    "src/modules/inventory/items.service.ts",
    "src/modules/inventory/items.repository.ts",
    "src/modules/inventory/items.model.ts",
    "src/modules/inventory/items.schemas.ts",
    "src/modules/inventory/module-name.ts",
    "migrations/1000_create_inventory.sql",
    "test/unit/inventory/items.service.test.ts",
    "test/api/inventory/items.api.test.ts",
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A monolith as `scalefold new` leaves it (no install, no git), rendered once for this module."""
    project = tmp_path_factory.mktemp("add-module") / "shop"
    result = run_cli("new", str(project), "--preset", "monolith", "--defaults", "--no-install", "--no-git")
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture
def project(rendered: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "shop"
    shutil.copytree(rendered, copy)
    return copy


def files_of(project: Path) -> dict[str, bytes]:
    return {path.relative_to(project).as_posix(): path.read_bytes() for path in project.rglob("*") if path.is_file()}


def refused(project: Path, *args: str) -> str:
    """Runs `add module` expecting a refusal: exit 2, one line, no traceback and no file changed."""
    before = files_of(project)
    result = run_cli("add", "module", *args, "--path", str(project))
    assert result.returncode == 2, result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr, result.stderr
    assert files_of(project) == before
    return result.stderr


def test_adds_the_module_records_it_and_merges_the_teams_edit(project: Path) -> None:
    app = project / "src" / "app.ts"
    app.write_text(app.read_text().replace("= 1000;", "= 1500; // the team's edit"))

    result = run_cli("add", "module", "inventory", "--path", str(project))

    assert result.returncode == 0, result.stderr
    for path in MODULE_FILES:
        assert (project / path).is_file(), path
    text = app.read_text()
    assert "= 1500; // the team's edit" in text
    assert "import { createItemsModule as createInventoryModule } from './modules/inventory/index.js';" in text
    assert "await api.register(inventoryModule.routes, { prefix: '/v1' });" in text
    assert "modules: ['inventory', 'notifications', 'orders', 'users']," in (project / "src/shared/project.ts").read_text()
    assert "CREATE TABLE inventory (" in (project / "migrations/1000_create_inventory.sql").read_text()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["modules"] == ["inventory"]
    assert answers["_src_path"] == "https://github.com/scalefold/scalefold.git"  # the project's own, kept

    # A second module comes after the first: its migration next, both registered.
    assert run_cli("add", "module", "stock", "--path", str(project)).returncode == 0
    assert (project / "migrations/1001_create_stock.sql").is_file()
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["modules"] == ["inventory", "stock"]
    assert "createInventoryModule({ database })" in app.read_text() and "createStockModule({ database })" in app.read_text()

    # Recorded: the name is taken now, even with its folder gone.
    shutil.rmtree(project / "src/modules/inventory")
    assert "module 'inventory' is already in this project" in refused(project, "inventory")


def test_pretend_lists_the_files_and_writes_nothing(project: Path) -> None:
    before = files_of(project)
    result = run_cli("add", "module", "inventory", "--pretend", "--path", str(project))
    assert result.returncode == 0, result.stderr
    assert "would create migrations/1000_create_inventory.sql" in result.stdout
    assert "would change src/app.ts" in result.stdout
    assert files_of(project) == before


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Inventory", "invalid module name 'Inventory': use 2 to 40 lowercase letters and digits"),
        ("stock-items", "invalid module name 'stock-items'"),
        ("9lives", "invalid module name '9lives'"),
        ("orders", "invalid module name 'orders': the template already uses this name"),
        ("webhooks", "the template already uses this name"),
        ("select", "it is an SQL key word"),
    ],
)
def test_refuses_an_invalid_name(project: Path, name: str, reason: str) -> None:
    assert reason in refused(project, name)


def test_refuses_a_module_folder_the_team_already_has(project: Path) -> None:
    (project / "src/modules/inventory").mkdir()
    assert "module 'inventory' already exists: src/modules/inventory" in refused(project, "inventory")


def test_never_writes_over_a_file_the_team_wrote(project: Path) -> None:
    (project / "migrations/1000_create_inventory.sql").write_text("-- ours\n")
    assert "would write migrations/1000_create_inventory.sql, which is already there" in refused(project, "inventory")


def test_refuses_when_the_teams_edit_overlaps_the_registration(project: Path) -> None:
    app = project / "src" / "app.ts"
    app.write_text(app.read_text().replace("    await api.register(orders.routes, { prefix: '/v1' });\n", ""))
    assert "cannot bring the module into src/app.ts" in refused(project, "inventory")


def test_refuses_a_folder_that_is_not_a_scalefold_project(tmp_path: Path) -> None:
    assert "is not a project generated by scalefold" in refused(tmp_path, "inventory")


def test_refuses_another_template_version(project: Path) -> None:
    answers = project / ".copier-answers.yml"
    answers.write_text(answers.read_text().replace("_commit: v", "_commit: v0.0.0-"))
    assert "run 'scalefold update' first" in refused(project, "inventory")


def test_in_the_extracted_preset_the_module_goes_into_the_api(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    assert run_cli("new", str(project), "--preset", "extracted", "--defaults", "--no-install", "--no-git").returncode == 0

    result = run_cli("add", "module", "inventory", "--path", str(project))

    assert result.returncode == 0, result.stderr
    assert (project / "apps/api/src/modules/inventory/items.service.ts").is_file()
    assert "createInventoryModule({ database })" in (project / "apps/api/src/app.ts").read_text()
    assert "npm run migrate --workspace apps/api" in result.stdout
    (project / "apps/api/src/modules/stock").mkdir()
    assert "module 'stock' already exists: apps/api/src/modules/stock" in refused(project, "stock")


def test_refuses_the_microservices_preset(project: Path) -> None:
    answers = project / ".copier-answers.yml"
    answers.write_text(answers.read_text().replace("preset: monolith", "preset: microservices"))
    assert "supports the monolith and extracted presets only for now; this project is microservices" in refused(
        project, "inventory"
    )
