"""The generated project: `scalefold new`, build, migrations, production start command, `scalefold check`."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from harness.errors import BenchError

REPO_ROOT = Path(__file__).resolve().parents[2]
PROJECT_NAME = "bench-svc"


def _run(
    command: list[str], cwd: Path, env: dict[str, str], log: Path, what: str, timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(f"$ {shlex.join(command)}\n--- stdout ---\n{done.stdout}\n--- stderr ---\n{done.stderr}")
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        raise BenchError(
            f"{what} failed (exit {done.returncode}): {lines[-1] if lines else ''} [logs/{log.name}]"
        )
    return done


def scalefold_new(dest: Path, env: dict[str, str], log: Path, *, install: bool) -> float:
    """Renders the monolith into ``dest`` (npm install too when ``install``); the wall time in seconds."""
    command = [
        sys.executable,
        "-m",
        "scalefold",
        "new",
        str(dest),
        "--preset",
        "monolith",
        "--defaults",
        "--data",
        f"project_name={PROJECT_NAME}",
        "--no-git",
    ]
    if not install:
        command.append("--no-install")
    started = time.perf_counter()
    _run(command, REPO_ROOT, env, log, "scalefold new")
    return time.perf_counter() - started


@dataclass(frozen=True)
class CheckRun:
    seconds: float
    exit_code: int
    findings: dict[str, int]


def scalefold_check(project: Path, env: dict[str, str], report: Path) -> CheckRun:
    """`scalefold check` on the project: exit 0 (clean) and 1 (findings) both mean it completed."""
    command = [
        sys.executable,
        "-m",
        "scalefold",
        "check",
        str(project),
        "--format",
        "json",
        "--output",
        str(report),
    ]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise BenchError(f"scalefold check failed (exit {done.returncode}): {done.stderr.strip()[-300:]}")
    counts = json.loads(report.read_text())["summary"]["counts"]
    return CheckRun(seconds, done.returncode, {k: v for k, v in counts.items() if isinstance(v, int)})


@dataclass(frozen=True)
class GeneratedProject:
    root: Path

    def build(self, env: dict[str, str], log: Path) -> None:
        if not (self.root / "node_modules").is_dir():
            _run(
                ["npm", "install", "--no-audit", "--no-fund"],
                self.root,
                env,
                log.with_name("npm-install.log"),
                "npm install in the generated project",
            )
        _run(["npm", "run", "build"], self.root, env, log, "npm run build in the generated project")

    def migrate(self, env: dict[str, str], log: Path) -> None:
        _run(["node", "dist/migrate.js"], self.root, env, log, "migrations of the generated project")

    def start_command(self, node: Path) -> list[str]:
        """The `start` script of package.json (the production entry point, with its preloads)."""
        scripts = json.loads((self.root / "package.json").read_text()).get("scripts", {})
        words = shlex.split(scripts.get("start", "node dist/server.js"))
        if not words or words[0] != "node" or any(word in ("&&", "|", ";") for word in words):
            raise BenchError(f"cannot run the start script directly: {scripts.get('start')!r}")
        return [str(node), *words[1:]]

    @property
    def name(self) -> str:
        return json.loads((self.root / "package.json").read_text())["name"]
