"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scalefold.snapshot import template_for_rendering

from tests.support import progress
from tests.support.node import ensure_node_bin, node_environment
from tests.support.services import port_open, postgres_available

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def template_dir() -> Iterator[Path]:
    """The template as `scalefold new` renders it from this checkout: its tracked files, edits included.

    Give this to Copier rather than the checkout itself: Copier would add whatever else lies in the
    work tree (an untracked folder, a project generated inside the checkout) to its copy of the template.
    """
    with template_for_rendering() as template:
        yield template.path


@pytest.fixture(scope="session")
def node_bin() -> Path:
    """A folder holding node >= 22 (installed from the npm registry when the machine's is older)."""
    with progress.doing("npm install node-linux (Node.js 24, once per machine)"):
        return ensure_node_bin()


@pytest.fixture(scope="session")
def node_env(node_bin: Path) -> dict[str, str]:
    """An environment for subprocesses with that node first on PATH."""
    return node_environment(node_bin)


@pytest.fixture(scope="session")
def services_available() -> None:
    """The local PostgreSQL and Redis answer (the end-to-end and fault tests need them)."""
    if not postgres_available():
        pytest.fail("PostgreSQL is not answering on 127.0.0.1:5432; the end-to-end tests need it")
    if not port_open("127.0.0.1", 6379):
        pytest.fail("Redis is not answering on 127.0.0.1:6379; the end-to-end tests need it")


GROUPING_LOST = pytest.StashKey[bool]()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Notes on a worker whether its ``xdist_group`` marks were ignored.

    Grouped cases share a generated project, a scratch folder or a benchmark run; split over two
    workers they race on it. pytest-xdist groups them by tagging node ids, which some pytest releases
    silently undo, so check that the tag took.
    """
    if getattr(config.option, "loadgroup", False):
        for item in items:
            if item.get_closest_marker("xdist_group") and "@" not in item.nodeid:
                item.stash[GROUPING_LOST] = True


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.stash.get(GROUPING_LOST, False):
        pytest.fail(
            "--dist loadgroup ignored this case's xdist_group mark, so grouped cases would race: "
            "this pytest and pytest-xdist do not work together; install the versions pyproject.toml allows",
            pytrace=False,
        )


def pytest_configure(config: pytest.Config) -> None:
    progress.configure(config)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[object], request: pytest.FixtureRequest) -> object:
    """A module or session fixture still setting up after a while says so (tests/support/progress.py)."""
    with progress.watching_setup(fixturedef, request):
        return (yield)
