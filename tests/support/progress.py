"""What a slow fixture is doing, said while pytest would otherwise show nothing for minutes.

The end-to-end fixtures generate, install and build real projects once per module: the first of them
keeps pytest silent for minutes. A module- or session-scoped fixture still setting up after
``ANNOUNCE_AFTER`` seconds gets one line naming it, its docstring and the command it is running; then
one line every ``REPEAT_EVERY`` seconds while it goes on, and one when it is ready. Quick fixtures
print nothing.

The lines go to the terminal pytest started on, past pytest's output capture, from each xdist worker
too (which inherit it), prefixed with the worker's name.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import TextIO

import pytest

#: Seconds before a fixture still setting up is announced; the environment variable overrides it.
ANNOUNCE_AFTER = float(os.environ.get("SCALEFOLD_TESTS_ANNOUNCE_AFTER", "20"))
REPEAT_EVERY = 120.0

_activity: list[str] = []


@contextmanager
def doing(what: str) -> Iterator[None]:
    """Name what the current fixture (or test) is running, for the announcement."""
    _activity.append(what)
    try:
        yield
    finally:
        _activity.pop()


def current_activity() -> str | None:
    return _activity[-1] if _activity else None


class SlowSetupAnnouncer:
    """Writes a line about a block still running after ``after`` seconds, and when it ends."""

    def __init__(
        self, write: Callable[[str], None], after: float = ANNOUNCE_AFTER, every: float = REPEAT_EVERY
    ):
        self._write = write
        self._after = after
        self._every = every

    @contextmanager
    def watching(self, what: str) -> Iterator[None]:
        started = time.monotonic()
        done = threading.Event()
        announced = threading.Event()

        def watch() -> None:
            wait = self._after
            while not done.wait(wait):
                doing_now = current_activity()
                now = f"; now: {doing_now}" if doing_now else ""
                self._write(f"… {what} — still setting up after {time.monotonic() - started:.0f} s{now}")
                announced.set()
                wait = self._every

        watcher = threading.Thread(target=watch, name="slow-fixture-announcer", daemon=True)
        watcher.start()
        try:
            yield
        finally:
            done.set()
            watcher.join()
            if announced.is_set():
                self._write(f"✓ {what.split(':', 1)[0]} ready after {time.monotonic() - started:.0f} s")


_ANNOUNCER = pytest.StashKey[SlowSetupAnnouncer]()


def _terminal(config: pytest.Config) -> TextIO:
    """A stream to the terminal pytest started on, opened while output capture is suspended."""
    capture = config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture is not None else nullcontext():
        descriptor = os.dup(sys.stderr.fileno())
    return os.fdopen(descriptor, "w", buffering=1, encoding="utf-8", errors="replace")


def configure(config: pytest.Config) -> None:
    stream = _terminal(config)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    prefix = f"[{worker}] " if worker else ""

    def write(line: str) -> None:
        stream.write(f"\n{prefix}{line}\n")  # pytest's progress may be mid-line: start a line of our own

    config.stash[_ANNOUNCER] = SlowSetupAnnouncer(write)
    config.add_cleanup(stream.close)


def describe(fixturedef: pytest.FixtureDef[object], request: pytest.FixtureRequest) -> str:
    doc = (getattr(fixturedef.func, "__doc__", None) or "").strip().splitlines()
    summary = f": {doc[0]}" if doc else ""
    return f"fixture {fixturedef.argname!r} for {request.node.nodeid or 'the session'}{summary}"


@contextmanager
def watching_setup(fixturedef: pytest.FixtureDef[object], request: pytest.FixtureRequest) -> Iterator[None]:
    announcer = request.config.stash.get(_ANNOUNCER, None)
    if announcer is None or fixturedef.scope == "function":
        yield
        return
    with announcer.watching(describe(fixturedef, request)):
        yield
