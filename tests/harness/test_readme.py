"""The README's two commands, in the order it gives them, from one fresh clone: set up and generate a
service, then run the test suite. The suite here is its `smoke` subset (the tests that render from the
checkout), and a project generated inside the clone as well must not change its outcome."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.update.helpers import GIT_ENV, clone_this_repository, git

pytestmark = pytest.mark.e2e


def readme_commands(readme: str) -> tuple[str, str]:
    """The set-up command and the test-suite command of the README's "Set-up" section."""
    section = readme.split("\n## Set-up\n", 1)[1].split("\n## ", 1)[0]
    set_up, test_suite = (block.strip() for block in re.findall(r"```bash\n(.*?)\n```", section, re.DOTALL)[:2])
    return set_up, test_suite


def fresh_shell(node_bin: Path) -> dict[str, str]:
    """A new user's shell: no virtual environment or pytest of ours, a Node.js >= 22 on PATH."""
    ours = Path(sys.executable).parent
    path = [entry for entry in os.environ["PATH"].split(os.pathsep) if Path(entry) != ours]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "npm_")) and key not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"}
    }
    return {**env, **GIT_ENV, "PATH": os.pathsep.join([str(node_bin), *path])}


def shell(command: str, cwd: Path, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True,
                          input="", timeout=timeout)


def test_the_readme_set_up_then_its_test_suite_in_one_fresh_clone(
    tmp_path: Path, repo_root: Path, node_bin: Path
) -> None:
    set_up, test_suite = readme_commands((repo_root / "README.md").read_text())
    assert test_suite == "./scripts/test"
    clone = clone_this_repository(tmp_path / "scalefold")
    env = fresh_shell(node_bin)

    done = shell(set_up, clone, env, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    service = tmp_path / "my-service"
    assert (service / "package-lock.json").is_file() and (service / ".git").is_dir()
    assert git(clone, "status", "--porcelain") == ""  # the clone holds nothing new but its ignored .venv

    # Users generate inside the checkout too: a nested repository the test suite must not trip over.
    inside = shell(".venv/bin/scalefold new my-other-service --preset monolith --defaults --no-install", clone,
                   env, timeout=600)
    assert inside.returncode == 0, inside.stderr

    tested = shell(f"{test_suite} -m smoke -p no:cacheprovider", clone, env, timeout=3600)
    summary = tested.stdout.strip().splitlines()[-1] if tested.stdout.strip() else ""
    assert tested.returncode == 0, tested.stdout[-6000:] + tested.stderr[-3000:]
    assert re.search(r"\b\d+ passed\b", summary) and "failed" not in summary and "error" not in summary, summary
