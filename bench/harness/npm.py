"""Node.js for the benchmark (the tests' Node 24 provisioning) and `npm ci` of bench's own packages."""

from __future__ import annotations

import subprocess
from pathlib import Path

from harness.errors import BenchError
from tests.support.node import ensure_node_bin, node_environment

__all__ = ["ensure_node_bin", "node_environment", "npm_ci"]


def npm_ci(folder: Path, env: dict[str, str]) -> None:
    """Installs ``folder``'s locked dependencies unless node_modules already matches the lockfile."""
    lockfile = folder / "package-lock.json"
    installed = folder / "node_modules" / ".package-lock.json"
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
        raise BenchError(f"npm ci failed in {folder.name}/: {done.stderr.strip().splitlines()[-1:]}")
