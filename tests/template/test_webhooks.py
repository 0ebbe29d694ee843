"""Outgoing webhooks (`webhooks: true`, monolith only): rendered with their module, migration,
configuration, dependencies and documentation when asked, absent otherwise, and refused for the other
presets. The generated project's own tests (test/integration/webhook-delivery.test.ts,
test/api/webhooks.api.test.ts, test/unit/webhook-*.test.ts) exercise signing, retries and the SSRF guard;
tests/e2e/test_webhooks.py the built service."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from copier import run_copy

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


def render(template_dir: Path, dest: Path, webhooks: bool) -> Path:
    run_copy(
        str(template_dir),
        dest,
        data={"project_name": "shop-app", "preset": "monolith", "webhooks": webhooks},
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    return dest


def test_webhooks_are_rendered_when_asked(template_dir: Path, tmp_path: Path) -> None:
    project = render(template_dir, tmp_path / "project", webhooks=True)
    for path in WEBHOOK_FILES:
        assert (project / path).is_file(), path
    app = (project / "src" / "app.ts").read_text()
    assert "createWebhooksModule" in app and "webhooks.routes" in app
    dependencies = json.loads((project / "package.json").read_text())["dependencies"]
    assert {"standardwebhooks", "ipaddr.js", "undici"} <= dependencies.keys()
    env_example = (project / ".env.example").read_text()
    assert "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=false" in env_example
    assert (
        "...WebhooksEnv.properties"
        in (project / "src" / "infrastructure" / "config" / "config.ts").read_text()
    )
    readme = (project / "README.md").read_text()
    assert "## Webhooks" in readme and "webhook-signature" in readme
    assert "| `WEBHOOKS_ALLOW_PRIVATE_ADDRESSES` | `false` |" in readme


def test_no_webhooks_unless_asked(template_dir: Path, tmp_path: Path) -> None:
    project = render(template_dir, tmp_path / "project", webhooks=False)
    for path in WEBHOOK_FILES:
        assert not (project / path).exists(), path
    # The empty section the configuration composes without the answer: no variable, no setting.
    section = (project / "src" / "infrastructure" / "config" / "webhooks.ts").read_text()
    assert "export const WebhooksEnv = Type.Object({});" in section and "() => ({})" in section
    assert "ebhooks" not in (project / "src" / "app.ts").read_text()
    assert "undici" not in (project / "package.json").read_text()
    assert "WEBHOOKS_" not in (project / ".env.example").read_text()
    assert "## Webhooks" not in (project / "README.md").read_text()


def test_other_presets_refuse_the_answer_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scalefold",
            "new",
            str(tmp_path / "shop"),
            "--preset",
            "microservices",
            "--defaults",
            "--no-git",
            "--no-install",
            "--data",
            "webhooks=true",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == (
        "error: webhooks does not apply to this project: the template asks it only when preset == 'monolith' "
        "(here preset is 'microservices')"
    )
    assert not (tmp_path / "shop").exists()
