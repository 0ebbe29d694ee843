"""A slow fixture says what it is doing; a quick one says nothing."""

from __future__ import annotations

import threading
import time

import pytest

from tests.support.progress import SlowSetupAnnouncer, doing


def wait_for(condition: threading.Event, what: str) -> None:
    assert condition.wait(timeout=60), f"{what} did not happen within 60 s"


class Lines:
    """The announcer's output; ``written`` is set once ``count`` lines have come."""

    def __init__(self, count: int = 1) -> None:
        self.lines: list[str] = []
        self.written = threading.Event()
        self._count = count

    def write(self, line: str) -> None:
        self.lines.append(line)
        if len(self.lines) >= self._count:
            self.written.set()


def test_a_fixture_still_setting_up_is_named_with_what_it_runs() -> None:
    output = Lines()
    announcer = SlowSetupAnnouncer(output.write, after=0, every=3600)
    with doing("npm install in shop-api"):
        with announcer.watching("fixture 'monolith' for tests/e2e/test_monolith.py: The generated monolith"):
            wait_for(output.written, "the announcement")
    lines = output.lines
    assert len(lines) == 2, lines
    assert lines[0].startswith("… fixture 'monolith' for tests/e2e/test_monolith.py: The generated monolith")
    assert lines[0].endswith("; now: npm install in shop-api")
    assert lines[1].startswith("✓ fixture 'monolith' for tests/e2e/test_monolith.py ready after ")


def test_a_quick_fixture_says_nothing() -> None:
    lines: list[str] = []
    announcer = SlowSetupAnnouncer(lines.append, after=3600)
    with announcer.watching("fixture 'quick' for tests/x.py"):
        pass
    assert lines == []


def test_a_long_setup_is_announced_again_each_period() -> None:
    output = Lines(count=3)
    announcer = SlowSetupAnnouncer(output.write, after=0, every=0.01)
    with announcer.watching("fixture 'slow' for tests/x.py"):
        wait_for(output.written, "three announcements")
    lines = output.lines
    assert all(
        line.startswith("… fixture 'slow' for tests/x.py — still setting up after") for line in lines[:-1]
    )
    assert lines[-1].startswith("✓ fixture 'slow' for tests/x.py ready after ")


def test_one_period_gives_one_announcement_however_often_it_is_checked() -> None:
    output = Lines()
    announcer = SlowSetupAnnouncer(output.write, after=0, every=3600)
    with announcer.watching("fixture 'once' for tests/x.py"):
        wait_for(output.written, "the announcement")
        time.sleep(0.2)  # many polls' worth of waiting: still one line until the next period
    assert [line[:17] for line in output.lines] == ["… fixture 'once' ", "✓ fixture 'once' "]


@pytest.fixture(scope="module")
def documented() -> str:
    """A fixture whose docstring's first line describes it."""
    return "ready"


def test_the_hook_watches_module_fixtures(documented: str, pytestconfig: pytest.Config) -> None:
    from tests.support.progress import _ANNOUNCER

    assert documented == "ready"
    assert isinstance(pytestconfig.stash.get(_ANNOUNCER, None), SlowSetupAnnouncer)
