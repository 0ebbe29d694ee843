"""The wheel carries the template and the presets: an installed scalefold needs no checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(repo_root)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    return next(out.glob("scalefold-*.whl"))


def test_wheel_contains_the_template_and_presets(wheel: Path, repo_root: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "scalefold/_data/copier.yml" in names
    assert "scalefold/_data/presets/monolith.yml" in names
    template_files = {
        str(path.relative_to(repo_root)) for path in (repo_root / "template").rglob("*") if path.is_file()
    }
    assert template_files, "the template folder is empty"
    missing = {name for name in template_files if f"scalefold/_data/{name}" not in names}
    assert not missing, f"template files missing from the wheel: {sorted(missing)[:5]}"


def test_installed_wheel_generates_a_project_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", str(target), str(wheel)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    # Only the installed wheel (first on the path) and its dependencies; no network is needed.
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYTHONPATH": str(target)}
    where = subprocess.run([sys.executable, "-c", "import scalefold; print(scalefold.__file__)"],
                           cwd=workdir, env=env, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(target))
    result = subprocess.run(
        [sys.executable, "-m", "scalefold", "new", "svc", "--preset", "monolith", "--defaults", "--no-install", "--no-git"],
        cwd=workdir, env=env, capture_output=True, text=True, input="", timeout=300,
    )
    assert result.returncode == 0, result.stderr
    answers = yaml.safe_load((workdir / "svc" / ".copier-answers.yml").read_text())
    assert answers["project_name"] == "svc"
