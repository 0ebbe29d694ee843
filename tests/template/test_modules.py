"""The `modules` answer (`scalefold add module` records it): each module rendered into the monolith with
its migration, tests and registration, numbered in the order the modules were added; nothing recorded or
rendered without it. `scalefold add module` itself: tests/grow; the module built and run: tests/e2e."""

from __future__ import annotations

from pathlib import Path

import yaml
from copier import run_copy


def render(template_dir: Path, dest: Path, **answers: object) -> Path:
    data = {"project_name": "shop-app", "preset": "monolith", **answers}
    run_copy(str(template_dir), dest, data=data, defaults=True, unsafe=True, quiet=True)
    return dest


def test_each_module_is_rendered_registered_and_recorded(template_dir: Path, tmp_path: Path) -> None:
    project = render(template_dir, tmp_path / "project", modules=["inventory", "stock"])

    for module, migration in (("inventory", "1000"), ("stock", "1001")):
        assert (project / f"src/modules/{module}/module-name.ts").read_text().endswith(f"MODULE_NAME = '{module}';\n")
        for layer in ("routes", "service", "repository", "model", "schemas", "errors"):
            assert (project / f"src/modules/{module}/items.{layer}.ts").is_file(), (module, layer)
        sql = (project / f"migrations/{migration}_create_{module}.sql").read_text()
        assert f"CREATE TABLE {module} (" in sql
        assert f"src/modules/{module}/items.service.js" in (project / f"test/unit/{module}/items.service.test.ts").read_text()
        assert f"src/modules/{module}/module-name.js" in (project / f"test/api/{module}/items.api.test.ts").read_text()
        app = (project / "src/app.ts").read_text()
        capitalized = module.capitalize()
        assert f"import {{ createItemsModule as create{capitalized}Module }} from './modules/{module}/index.js';" in app
        assert f"await api.register({module}Module.routes, {{ prefix: '/v1' }});" in app
    # The layers test expects the modules the project's constants list.
    constants = (project / "src/shared/project.ts").read_text()
    assert "modules: ['inventory', 'notifications', 'orders', 'stock', 'users']," in constants
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["modules"] == ["inventory", "stock"]


def test_without_modules_nothing_is_rendered_or_recorded(template_dir: Path, tmp_path: Path) -> None:
    project = render(template_dir, tmp_path / "project")

    assert sorted(path.name for path in (project / "src/modules").iterdir()) == ["notifications", "orders", "users"]
    assert not list((project / "migrations").glob("1*.sql"))
    assert "modules" not in yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert "createItemsModule" not in (project / "src/app.ts").read_text()


def test_in_the_extracted_preset_the_api_holds_the_modules(template_dir: Path, tmp_path: Path) -> None:
    project = render(template_dir, tmp_path / "project", preset="extracted", modules=["inventory"])

    api = project / "apps/api"
    assert (api / "src/modules/inventory/items.routes.ts").is_file()
    assert (api / "migrations/1000_create_inventory.sql").is_file()
    assert "await api.register(inventoryModule.routes, { prefix: '/v1' });" in (api / "src/app.ts").read_text()
    assert "modules: ['inventory', 'orders', 'users']," in (api / "src/shared/project.ts").read_text()
    assert not (project / "services/notifications/src/modules/inventory").exists()
