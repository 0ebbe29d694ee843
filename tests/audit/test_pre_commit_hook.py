"""The pre-commit hook (.pre-commit-hooks.yaml): pre-commit from PyPI installs it from a local copy
of this repository into its own environment and runs it on a generated project in a git repository.

Network: none while pre-commit runs. It installs the hook with pip from a folder of wheels
(``PIP_NO_INDEX``), filled once per set of dependencies from PyPI and kept in
``~/.cache/scalefold-tests``; only that first fill needs PyPI.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import pytest
import yaml

from .generated import render_project

REPO = Path(__file__).resolve().parents[2]
HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
#: What `pip install .` of the hook repository reads (the wheel's contents and its metadata).
PACKAGE_FILES = (
    "pyproject.toml",
    "README.md",
    "copier.yml",
    "cli",
    "template",
    "presets",
    ".pre-commit-hooks.yaml",
)
GIT = (
    "git",
    "-c",
    "user.name=scalefold tests",
    "-c",
    "user.email=tests@example.invalid",
    "-c",
    "commit.gpgsign=false",
)


def test_the_hook_runs_scalefold_check_on_the_whole_repository() -> None:
    (hook,) = HOOKS
    assert hook["id"] == "scalefold-check" and hook["language"] == "python"
    assert hook["entry"] == "scalefold check"
    # The audit is of the repository, not of the changed files: no file names, and it runs even when
    # the commit only deletes a file a rule looks for (pre-commit lists no deleted files).
    assert hook["pass_filenames"] is False and hook["always_run"] is True and "files" not in hook
    assert hook["require_serial"] is True


def _wheelhouse() -> Path:
    """Wheels of the hook's build and runtime dependencies, filled from PyPI once per dependency set."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    requirements = [*project["build-system"]["requires"], *project["project"]["dependencies"]]
    key = hashlib.sha256("\n".join(requirements).encode()).hexdigest()[:12]
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "scalefold-tests"
    wheels = base / f"pre-commit-wheels-{key}"
    if not wheels.is_dir():
        base.mkdir(parents=True, exist_ok=True)
        filling = Path(tempfile.mkdtemp(dir=base, prefix=".wheels-"))
        result = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir", str(filling), *requirements],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            shutil.rmtree(filling, ignore_errors=True)
            pytest.fail(f"filling the wheel folder needs PyPI once: {result.stderr.strip()[-800:]}")
        try:
            filling.rename(wheels)
        except OSError:  # another worker filled it first
            shutil.rmtree(filling, ignore_errors=True)
    return wheels


def _hook_repository(dest: Path) -> str:
    """A git repository holding this checkout's package files as they are now; its commit."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *PACKAGE_FILES],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for rel in filter(None, listed.split("\0")):
        source = REPO / rel
        if source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    subprocess.run([*GIT, "init", "-q", str(dest)], check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=dest, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "scalefold"], cwd=dest, check=True)
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=dest, capture_output=True, text=True
    ).stdout.strip()


def _pre_commit(project: Path, home: Path, wheels: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "PIP_NO_INDEX": "1",  # everything the hook installs comes from the wheel folder
        "PIP_FIND_LINKS": str(wheels),
    }
    pre_commit = [sys.executable, "-m", "pre_commit"]
    return subprocess.run(
        [*pre_commit, *args], cwd=project, env=env, capture_output=True, text=True, timeout=900
    )


def test_pre_commit_installs_the_hook_offline_and_it_gates_the_commit(
    tmp_path: Path, template_dir: Path
) -> None:
    wheels = _wheelhouse()
    hooks_repo = tmp_path / "scalefold"
    rev = _hook_repository(hooks_repo)
    project = render_project(template_dir, tmp_path / "demo-svc")
    subprocess.run([*GIT, "init", "-q", str(project)], check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=project, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "generated"], cwd=project, check=True)
    home = tmp_path / "pre-commit-home"

    clean = _pre_commit(project, home, wheels, "try-repo", str(hooks_repo), "scalefold-check", "--all-files")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "scalefold check" in clean.stdout and "Passed" in clean.stdout

    dockerfile = project / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("USER node\n", ""))
    failing = _pre_commit(
        project, home, wheels, "try-repo", str(hooks_repo), "scalefold-check", "--all-files"
    )
    assert failing.returncode == 1 and "Failed" in failing.stdout
    assert "DKR-002" in failing.stdout and "Dockerfile" in failing.stdout

    # As a project configures it: `args` reach `scalefold check` (here: only another rule, so it passes).
    config = {
        "repos": [
            {
                "repo": str(hooks_repo),
                "rev": rev,
                "hooks": [{"id": "scalefold-check", "args": ["--rule", "SEC-014"]}],
            }
        ]
    }
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    configured = _pre_commit(project, home, wheels, "run", "--all-files")
    assert configured.returncode == 0, configured.stdout + configured.stderr
