"""`scalefold new` records a git source and a version tag that `copier update` can use later,
not the folder of the installed package it rendered from."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scalefold import __version__
from scalefold.project import render
from scalefold.resources import template_root
from scalefold.settings import DEFAULT_TEMPLATE_SOURCE
from tests.update.helpers import run_scalefold


def recorded(project: Path) -> tuple[str, str]:
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return answers["_src_path"], answers["_commit"]


def test_new_records_the_public_source_and_this_version_by_default(tmp_path: Path) -> None:
    result = run_scalefold("new", str(tmp_path / "svc"), "--defaults", "--no-install", "--no-git", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    src_path, commit = recorded(tmp_path / "svc")
    assert (src_path, commit) == (DEFAULT_TEMPLATE_SOURCE, f"v{__version__}")
    assert str(template_root()) not in (tmp_path / "svc" / ".copier-answers.yml").read_text()


def test_new_records_the_organisations_source_from_the_environment(tmp_path: Path) -> None:
    fork = "https://git.example.com/platform/scalefold.git"
    result = run_scalefold("new", str(tmp_path / "svc"), "--defaults", "--no-install", "--no-git", cwd=tmp_path,
                           env={"SCALEFOLD_TEMPLATE_SOURCE": fork})
    assert result.returncode == 0, result.stderr
    assert recorded(tmp_path / "svc") == (fork, f"v{__version__}")


def test_new_records_the_source_from_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "config" / "scalefold" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('template_source = "git@git.example.com:platform/scalefold.git"\n')
    result = run_scalefold("new", str(tmp_path / "svc"), "--defaults", "--no-install", "--no-git", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert recorded(tmp_path / "svc")[0] == "git@git.example.com:platform/scalefold.git"


def test_a_local_source_is_recorded_as_an_absolute_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    render(tmp_path / "svc", {"project_name": "svc"}, overwrite=False, template_source="mirrors/scalefold")
    assert recorded(tmp_path / "svc")[0] == (tmp_path / "mirrors" / "scalefold").as_posix()
