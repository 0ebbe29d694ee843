"""Errors the CLI turns into one clear line and an exit code, never a traceback."""

from __future__ import annotations


class ScalefoldError(Exception):
    """A failure explained to the user in one line.

    ``exit_code`` follows the tool's convention: 2 for usage and input/output errors,
    1 for a step that ran and failed (for example ``npm install``).
    """

    exit_code: int = 2

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(ScalefoldError):
    """Bad input from the user: an unknown preset, an invalid answer, a non-empty destination."""


class StepFailed(ScalefoldError):
    """An external step (npm, git) ran and failed."""

    exit_code = 1


def command_output_reason(exc: Exception) -> str:
    """The last line a failed command printed, for a one-line error.

    ``exc`` is plumbum's ``ProcessExecutionError``, which Copier raises when a git command it runs fails.
    """
    output = str(getattr(exc, "stderr", "") or getattr(exc, "stdout", "") or "").strip().splitlines()
    if output:
        return output[-1]
    argv = getattr(exc, "argv", None) or ["a command"]
    return f"{argv[0]} exited with code {getattr(exc, 'retcode', '?')}"
