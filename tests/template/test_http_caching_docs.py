"""HTTP caching in every preset, as rendered: the README's "Caching and CDNs" section states the headers
the code sends, and no route spells a Cache-Control of its own. The behaviour is tested by the generated
projects' own tests (test/api: conditional requests, the route walk) and tests/e2e/test_monolith.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from copier import run_copy

PUBLIC_READ = "public, max-age=300, stale-while-revalidate=60, stale-if-error=86400"
ORDERS_SERVICE = {"monolith": ".", "extracted": "apps/api", "microservices": "services/orders"}


def render(template_dir: Path, dest: Path, preset: str) -> Path:
    run_copy(
        str(template_dir),
        dest,
        data={"project_name": "shop", "preset": preset},
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    return dest


@pytest.mark.parametrize("preset", ["monolith", "extracted", "microservices"])
def test_the_readme_states_the_headers_the_code_sends(
    template_dir: Path, tmp_path: Path, preset: str
) -> None:
    project = render(template_dir, tmp_path / "project", preset)
    readme = (project / "README.md").read_text()
    section = readme[readme.index("## Caching and CDNs") :]
    assert "{{" not in section and "{%" not in section
    assert f"`Cache-Control: {PUBLIC_READ}`" in section
    assert "`Cache-Control: private, no-store`" in section
    for cdn in ("**CloudFront**", "**Cloudflare**", "**Fastly**", "**Purge on write**"):
        assert cdn in section
    # The JWKS route exists only where the users service signs tokens for the others.
    assert ("/.well-known/jwks.json" in section) == (preset == "microservices")

    # The durations the README states are the ones the catalogue's route sets.
    routes = (project / ORDERS_SERVICE[preset] / "src/modules/orders/orders.routes.ts").read_text()
    for option in ("maxAgeSeconds: 300", "staleWhileRevalidateSeconds: 60", "staleIfErrorSeconds: 86_400"):
        assert option in routes
    assert "purgeKey: 'products'" in routes


@pytest.mark.parametrize("preset", ["monolith", "microservices"])
def test_no_module_spells_a_cache_control_of_its_own(template_dir: Path, tmp_path: Path, preset: str) -> None:
    project = render(template_dir, tmp_path / "project", preset)
    modules = [path for path in project.glob("**/src/modules/**/*.ts") if "node_modules" not in path.parts]
    assert modules
    spelled = [str(path) for path in modules if "cache-control" in path.read_text().lower()]
    assert spelled == [], "routes name a policy from packages/platform/src/http/cache-policy.ts"
