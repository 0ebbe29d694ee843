"""The Nginx configuration (`nginx/<project>.conf`, rendered when the `nginx` answer is yes) in every
preset: accepted by Debian's nginx (`nginx -t`), and absent when the answer is no. Its behaviour in front
of running instances is tests/e2e/test_nginx.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from copier import run_copy

from tests.support.http import free_port
from tests.support.nginx import nginx_for

PROJECT_NAME = "shop-app"


def render(template_dir: Path, dest: Path, preset: str, nginx: bool) -> Path:
    run_copy(str(template_dir), dest, data={"project_name": PROJECT_NAME, "preset": preset, "nginx": nginx},
             defaults=True, unsafe=True, quiet=True)
    return dest


@pytest.mark.parametrize("preset", ["monolith", "extracted", "microservices"])
def test_nginx_accepts_the_rendered_configuration(template_dir: Path, tmp_path: Path, preset: str) -> None:
    project = render(template_dir, tmp_path / "project", preset, nginx=True)
    site = project / "nginx" / f"{PROJECT_NAME}.conf"
    checked = nginx_for(site, tmp_path / "nginx", free_port()).test_config()
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr
    text = site.read_text()
    # The instances' deployed port, as compose.yaml and the images publish it.
    assert "server 127.0.0.1:3000 max_fails=3 fail_timeout=10s;" in text
    assert "{{" not in text and "{%" not in text


def test_no_nginx_configuration_unless_asked(template_dir: Path, tmp_path: Path) -> None:
    project = render(template_dir, tmp_path / "project", "monolith", nginx=False)
    assert not (project / "nginx").exists()
    assert "## Nginx in front of the instances" not in (project / "README.md").read_text()
