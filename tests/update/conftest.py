"""Fixtures for the update tests: an isolated environment and the small template source."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.update.helpers import GIT_ENV, small_template


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the user's scalefold and Copier settings, and scalefold's cache, out of every test."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("SCALEFOLD_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("SCALEFOLD_TEMPLATE_SOURCE", "SCALEFOLD_CONFIG", "COPIER_SETTINGS_PATH"):
        monkeypatch.delenv(name, raising=False)
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    return tmp_path


@pytest.fixture(scope="session")
def small_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small template source, tagged v0.1.0 and v0.2.0 (read-only: tests that change it copy it)."""
    return small_template(tmp_path_factory.mktemp("small"))
