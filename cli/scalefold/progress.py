"""Progress for a sequence of steps: a spinner on the running step, a tick on each done one.

In a terminal it is Rich's live progress. Elsewhere (a pipe, a log, CI) nothing is animated: each
step is written once, when it is done, so a step that fails leaves no half-drawn line before its
error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from scalefold.console import console


class StepProgress:
    """Shows each step as it starts and marks the previous one done."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._current: TaskID | None = None

    def __call__(self, title: str) -> None:
        self._finish_current()
        self._current = self._progress.add_task(title, total=1)

    def _finish_current(self) -> None:
        if self._current is not None:
            self._progress.update(self._current, completed=1)

    def close(self) -> None:
        self._finish_current()


class StepLog:
    """The same steps as plain lines, each written when it is done."""

    def __init__(self, output: Console) -> None:
        self._output = output
        self._current: str | None = None

    def __call__(self, title: str) -> None:
        self.close()
        self._current = title

    def close(self) -> None:
        if self._current is not None:
            self._output.print(f"[ok]✓[/ok] {escape(self._current)}", soft_wrap=True)
            self._current = None


@contextmanager
def step_progress() -> Iterator[StepProgress | StepLog]:
    if not console.is_terminal:
        log = StepLog(console)
        yield log  # a step that raises is not written: its error says what happened
        log.close()
        return
    columns = (
        SpinnerColumn(finished_text="[ok]✓[/ok]"),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        steps = StepProgress(progress)
        yield steps
        steps.close()
