"""Rich progress for a sequence of steps: a spinner on the running step, a tick on each done one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def step_progress() -> Iterator[StepProgress]:
    columns = (
        SpinnerColumn(finished_text="[ok]✓[/ok]"),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        steps = StepProgress(progress)
        yield steps
        steps.close()
