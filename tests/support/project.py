"""Generate a project with the CLI and run its npm scripts, failing with the script's output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.progress import doing


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess[str]:
    with doing(f"{_shown(command)} in {cwd.name}"):
        result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} failed with exit code {result.returncode}\n"
            f"--- stdout ---\n{result.stdout[-6000:]}\n--- stderr ---\n{result.stderr[-6000:]}"
        )
    return result


def _shown(command: list[str]) -> str:
    """The command as a person types it (``python -m scalefold new …`` is ``scalefold new …``), cut short."""
    scalefold = command[1:3] == ["-m", "scalefold"]
    words = ["scalefold", *command[3:]] if scalefold else [command[0], *command[1:]]
    words = [Path(word).name if word.startswith("/") else word for word in words]  # paths by their last part
    return " ".join(words[:6]) + (" …" if len(words) > 6 else "")


def npm(script: str, cwd: Path, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return run(["npm", "run", "--silent", script], cwd, env, timeout)


def npm_install(cwd: Path, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return run(["npm", "install", "--no-audit", "--no-fund"], cwd, env, timeout)


def scalefold_new(dest: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "scalefold", "new", str(dest), *args], dest.parent, env)


def delete_redis_keys(workspace: Path, env: dict[str, str], redis_url: str, prefix: str) -> None:
    """Deletes the keys under `prefix` (never the whole Redis), with the ioredis of `workspace`."""
    script = (
        "import { Redis } from 'ioredis';"
        "const redis = new Redis(process.env.REDIS_URL);"
        "const stream = redis.scanStream({ match: `${process.env.PREFIX}:*`, count: 500 });"
        "for await (const keys of stream) if (keys.length > 0) await redis.unlink(...keys);"
        "await redis.quit();"
    )
    run(["node", "--input-type=module", "-e", script], workspace, {**env, "REDIS_URL": redis_url, "PREFIX": prefix})
