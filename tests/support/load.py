"""Steady load on a running service while a test injects a fault, and what became of every request.

Every request has a client deadline: a request still unanswered when it expires is recorded as a
timeout, which is what the fault suite counts as "hung". The load is bounded in requests and time.
"""

from __future__ import annotations

import threading
import time
import urllib.error
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.support.http import Response


@dataclass(frozen=True)
class Outcome:
    """One request: its status, or the client-side error that ended it (timeout, reset, refused)."""

    sequence: int
    started: float
    elapsed: float
    status: int | None
    error: str | None = None
    response: Response | None = None

    @property
    def timed_out(self) -> bool:
        return self.error == "timeout"


@dataclass
class LoadReport:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def statuses(self) -> Counter[int | str]:
        return Counter(o.status if o.status is not None else str(o.error) for o in self.outcomes)

    @property
    def timeouts(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.timed_out]

    @property
    def slowest(self) -> float:
        return max((o.elapsed for o in self.outcomes), default=0.0)

    def with_status(self, *statuses: int) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in statuses]

    def __str__(self) -> str:
        return f"{len(self.outcomes)} requests, {dict(self.statuses)}, slowest {self.slowest:.2f} s"


class Load:
    """`send(sequence)` called from `concurrency` threads until `stop()`, `max_requests` or `max_seconds`.

    `send` performs one request with the client deadline of the test (tests.support.http.request's
    `timeout`) and returns its Response; exceptions are recorded by kind.
    """

    def __init__(self, send: Callable[[int], Response], *, concurrency: int = 4, max_requests: int = 5000,
                 max_seconds: float = 120, pause: float = 0.0) -> None:
        self._send = send
        self._concurrency = concurrency
        self._max_requests = max_requests
        self._max_seconds = max_seconds
        self._pause = pause
        self._report = LoadReport()
        self._lock = threading.Lock()
        self._next = 0
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._deadline = 0.0

    def __enter__(self) -> Load:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self._deadline = time.monotonic() + self._max_seconds
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(self._concurrency)]
        for thread in self._threads:
            thread.start()

    def stop(self) -> LoadReport:
        """Stops sending and waits for the requests in flight (each bounded by its own deadline)."""
        self._stopping.set()
        for thread in self._threads:
            thread.join()
        return self.report

    @property
    def report(self) -> LoadReport:
        with self._lock:
            return LoadReport(sorted(self._report.outcomes, key=lambda o: o.sequence))

    def completed(self) -> int:
        with self._lock:
            return len(self._report.outcomes)

    def wait_for_requests(self, count: int, timeout: float = 60,
                          failing: Callable[[], str | None] = lambda: None) -> None:
        """Blocks until `count` more requests have completed (load is really flowing).

        `failing` says why waiting is pointless (e.g. the service died), or None to go on waiting.
        """
        target = self.completed() + count
        deadline = time.monotonic() + timeout
        while self.completed() < target:
            if (reason := failing()) is not None:
                raise AssertionError(f"{reason}; load so far: {self.report}")
            if time.monotonic() > deadline:
                raise AssertionError(f"fewer than {count} requests completed in {timeout} s: {self.report}")
            time.sleep(0.05)

    def _run(self) -> None:
        while not self._stopping.is_set() and time.monotonic() < self._deadline:
            with self._lock:
                if self._next >= self._max_requests:
                    return
                sequence, self._next = self._next, self._next + 1
            started = time.monotonic()
            try:
                response = self._send(sequence)
                outcome = Outcome(sequence, started, time.monotonic() - started, response.status, response=response)
            except TimeoutError:
                outcome = Outcome(sequence, started, time.monotonic() - started, None, "timeout")
            except urllib.error.URLError as error:
                kind = "timeout" if isinstance(error.reason, TimeoutError) else type(error.reason).__name__
                outcome = Outcome(sequence, started, time.monotonic() - started, None, kind)
            except (ConnectionError, OSError) as error:
                outcome = Outcome(sequence, started, time.monotonic() - started, None, type(error).__name__)
            with self._lock:
                self._report.outcomes.append(outcome)
            if self._pause:
                time.sleep(self._pause)
