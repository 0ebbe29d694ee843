"""PM2 from the npm registry, installed once per machine into the tests' cache folder (next to the
Node.js runtime of tests.support.node), and a project's `pm2-runtime` run by a test with a PM2_HOME of
its own, so that its `pm2` commands reach that runtime and no other."""

from __future__ import annotations

import fcntl
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.support.node import cache_dir
from tests.support.processes import LogTail, start

#: The PM2 release line the generated README names.
PM2_MAJOR = 7


def pm2_bin_dir(env: dict[str, str]) -> Path:
    """The folder holding `pm2` and `pm2-runtime`, installing PM2 with the tests' npm when missing."""
    prefix = cache_dir().parent / f"pm2-{PM2_MAJOR}"
    bin_dir = prefix / "node_modules" / ".bin"
    prefix.mkdir(parents=True, exist_ok=True)
    with open(prefix / "install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (bin_dir / "pm2-runtime").exists():
            subprocess.run(
                [
                    "npm",
                    "install",
                    "--no-save",
                    "--no-audit",
                    "--no-fund",
                    "--prefix",
                    str(prefix),
                    f"pm2@{PM2_MAJOR}",
                ],
                check=True,
                capture_output=True,
                text=True,
                timeout=600,
                env=env,
            )
    return bin_dir


@dataclass
class Pm2Runtime:
    """`pm2-runtime start ecosystem.config.cjs` in the foreground, its output followed by `output`."""

    project: Path
    bin_dir: Path
    env: dict[str, str]
    output: LogTail

    def pm2(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """A `pm2` command against this runtime (same PM2_HOME), failing with its output."""
        # Without the runtime, `pm2` would start a daemon of its own in that PM2_HOME.
        assert self.output.alive, f"pm2-runtime has stopped:\n{self.output.output()}"
        result = subprocess.run(
            [str(self.bin_dir / "pm2"), *args],
            cwd=self.project,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, f"pm2 {' '.join(args)}: {result.stdout[-3000:]}{result.stderr[-3000:]}"
        return result

    def online_pids(self) -> set[int]:
        processes = json.loads(self.pm2("jlist").stdout)
        return {process["pid"] for process in processes if process["pm2_env"]["status"] == "online"}

    def stop(self) -> int:
        return self.output.stop(timeout=60)


def start_pm2_runtime(project: Path, env: dict[str, str], pm2_home: Path) -> Pm2Runtime:
    bin_dir = pm2_bin_dir(env)
    pm2_home.mkdir(parents=True, exist_ok=True)
    env = {**env, "PM2_HOME": str(pm2_home)}
    output = start(project, env, str(bin_dir / "pm2-runtime"), "start", "ecosystem.config.cjs")
    return Pm2Runtime(project, bin_dir, env, output)
