"""Running ``scalefold check`` on a project after its update.

It runs as a separate process, so the audit's own output (its table, its exit code) is exactly what
``scalefold check PATH`` shows, and a crash in a rule cannot undo or hide the update.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

from scalefold.console import console


@dataclass(frozen=True)
class CheckOutcome:
    #: ``scalefold check``'s exit code: 0 clean, 1 findings at or above --fail-on, 2 could not run.
    exit_code: int

    @property
    def summary(self) -> str:
        return {
            0: "[ok]scalefold check passed[/ok]",
            1: "[warn]scalefold check reported findings (above); the update is applied regardless[/warn]",
        }.get(self.exit_code, f"[warn]scalefold check could not run (exit code {self.exit_code})[/warn]")


def check_available() -> bool:
    return find_spec("scalefold.commands.check") is not None


def run_check(project: Path) -> CheckOutcome:
    """Audit ``project``, its report printed as it comes."""
    console.file.flush()
    result = subprocess.run([sys.executable, "-m", "scalefold", "check", str(project)], check=False)
    return CheckOutcome(result.returncode)
