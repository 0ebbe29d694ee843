"""Running the dependency audit tools: a missing tool or a timeout is a failed run, never an exception."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scalefold.audit.project import Project

AUDIT_TIMEOUT_SECONDS = 180


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: str
    stderr: str


Runner = Callable[[list[str], Path], Completed]


def run_command(args: list[str], cwd: Path) -> Completed:
    try:
        done = subprocess.run(
            args, cwd=cwd, capture_output=True, text=True, timeout=AUDIT_TIMEOUT_SECONDS, check=False
        )
    except FileNotFoundError:
        return Completed(127, "", f"{args[0]} not found")
    except subprocess.TimeoutExpired:
        return Completed(124, "", f"{args[0]} timed out after {AUDIT_TIMEOUT_SECONDS} s")
    return Completed(done.returncode, done.stdout, done.stderr)


def runner_for(project: Project) -> Runner:
    return project.command_runner or run_command
