"""Ctrl-C once rendering has started: nothing half-written is left, whatever step it hit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scalefold import project
from scalefold.errors import StepFailed
from scalefold.project import NewOptions, create_project

ANSWERS = {"project_name": "demo", "preset": "monolith"}


def fake_render(destination: Path, answers: Any, **_options: Any) -> None:
    destination.mkdir(parents=True, exist_ok=True)
    (destination / "package.json").write_text("{}")


def interrupt(*_args: Any, **_kwargs: Any) -> None:
    raise KeyboardInterrupt


def test_ctrl_c_while_rendering_removes_the_destination(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_render(destination: Path, answers: Any, **options: Any) -> None:
        fake_render(destination, answers, **options)
        raise KeyboardInterrupt

    monkeypatch.setattr(project, "render", half_render)
    with pytest.raises(KeyboardInterrupt):
        create_project(NewOptions(tmp_path / "demo", ANSWERS, install=False, git=False))
    assert not (tmp_path / "demo").exists()


def test_ctrl_c_during_npm_install_removes_the_destination(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(project, "render", fake_render)
    monkeypatch.setattr(project, "install_dependencies", interrupt)
    with pytest.raises(KeyboardInterrupt):
        create_project(NewOptions(tmp_path / "demo", ANSWERS, git=False))
    assert not (tmp_path / "demo").exists()


def test_ctrl_c_in_an_empty_folder_leaves_it_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(project, "render", fake_render)
    monkeypatch.setattr(project, "initial_commit", interrupt)
    (tmp_path / "here").mkdir()
    with pytest.raises(KeyboardInterrupt):
        create_project(
            NewOptions(tmp_path / "here", ANSWERS, install=False, extra_files={".scalefold/advice.yml": "x"})
        )
    assert (tmp_path / "here").is_dir() and list((tmp_path / "here").iterdir()) == []


def test_a_failed_install_still_keeps_the_rendered_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_install(_destination: Path) -> None:
        raise StepFailed("install dependencies failed")

    monkeypatch.setattr(project, "render", fake_render)
    monkeypatch.setattr(project, "install_dependencies", failing_install)
    with pytest.raises(StepFailed):
        create_project(NewOptions(tmp_path / "demo", ANSWERS, git=False))
    assert (tmp_path / "demo" / "package.json").is_file()


def test_extra_files_are_written_beside_the_rendered_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(project, "render", fake_render)
    create_project(
        NewOptions(
            tmp_path / "demo",
            ANSWERS,
            install=False,
            git=False,
            extra_files={".scalefold/advice.yml": "schema_version: 1\n"},
        )
    )
    assert (tmp_path / "demo" / ".scalefold" / "advice.yml").read_text() == "schema_version: 1\n"
