"""Node.js for the benchmark (the tests' Node 24 provisioning) and `npm ci` of bench's own packages."""

from __future__ import annotations

import fcntl
import subprocess
from pathlib import Path

from harness.errors import BenchError
from tests.support.node import ensure_node_bin, node_environment

__all__ = ["ensure_node_bin", "node_environment", "npm_ci"]

# npm prints its own failure first and the path of its debug log last: keep enough to show both.
ERROR_LINES_SHOWN = 12


def npm_ci(folder: Path, env: dict[str, str]) -> None:
    """Installs ``folder``'s locked dependencies unless node_modules already matches the lockfile.

    The folders live in the repository, so two benchmark runs may share one: a lock file makes the
    second wait for the first instead of deleting the node_modules the first is writing.
    """
    lockfile = folder / "package-lock.json"
    installed = folder / "node_modules" / ".package-lock.json"
    with open(folder / ".npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if installed.is_file() and installed.stat().st_mtime >= lockfile.stat().st_mtime:
            return
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    if done.returncode != 0:
        output = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        shown = "\n".join(output[-ERROR_LINES_SHOWN:])
        raise BenchError(f"npm ci failed in {folder.name}/ (exit {done.returncode}):\n{shown}")
