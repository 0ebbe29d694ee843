"""Fixtures shared by every test folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.node import ensure_node_bin, node_environment

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def node_bin() -> Path:
    """A folder holding node >= 22 (installed from the npm registry when the machine's is older)."""
    return ensure_node_bin()


@pytest.fixture(scope="session")
def node_env(node_bin: Path) -> dict[str, str]:
    """An environment for subprocesses with that node first on PATH."""
    return node_environment(node_bin)
