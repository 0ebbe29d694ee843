"""The few git commands the upgrade needs, each failing with one clear line."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from scalefold.errors import StepFailed, UsageError

#: Identity for the commits scalefold makes in its own scratch repositories (never in the user's).
SCRATCH_IDENTITY = ("-c", "user.name=scalefold", "-c", "user.email=scalefold@localhost", "-c", "commit.gpgsign=false")


class GitError(StepFailed):
    """A git command failed; the message is git's own last line."""


def _environment(extra: Mapping[str, str] | None) -> dict[str, str]:
    # Plain, untranslated output: the upgrade reads what git prints.
    env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}
    env.update(extra or {})
    return env


def git(
    *args: str,
    cwd: Path | None = None,
    input: bytes | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    """Run git and return the completed process (bytes: file contents pass through untouched)."""
    if shutil.which("git") is None:
        raise UsageError("scalefold update needs git, which is not on PATH")
    result = subprocess.run(["git", *args], cwd=cwd, input=input, capture_output=True, env=_environment(env))
    if check and result.returncode != 0:
        raise GitError(f"git {args[0]} failed: {last_line(result)}")
    return result


def git_text(*args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> str:
    return git(*args, cwd=cwd, env=env).stdout.decode("utf-8", "replace").strip()


def last_line(result: subprocess.CompletedProcess[bytes]) -> str:
    text = (result.stderr or result.stdout).decode("utf-8", "replace").strip().splitlines()
    return text[-1] if text else f"exit code {result.returncode}"


def toplevel(path: Path) -> Path | None:
    """The root of the git work tree holding ``path``, or ``None`` outside one."""
    result = git("rev-parse", "--show-toplevel", cwd=path, check=False)
    if result.returncode != 0:
        return None
    return Path(result.stdout.decode().strip()).resolve()


def head_commit(path: Path) -> str | None:
    result = git("rev-parse", "--verify", "--quiet", "HEAD^{commit}", cwd=path, check=False)
    return result.stdout.decode().strip() or None


def uncommitted(path: Path) -> list[str]:
    """Changed, staged and untracked (not ignored) paths under ``path``, as git prints them."""
    out = git("status", "--porcelain", "-z", "--untracked-files=all", "--", ".", cwd=path).stdout.decode("utf-8", "replace")
    # Entries are "XY path"; a rename adds its former path as the next entry, which is not reported twice.
    paths, fields = [], iter(out.split("\0"))
    for entry in fields:
        if entry:
            paths.append(entry[3:])
            if entry[0] in "RC":
                next(fields, None)
    return paths


def commit_all(repo: Path, message: str, paths: Sequence[str] = ()) -> None:
    """Commit in a scratch repository, hooks and signing off."""
    git("add", "--all", "--", *(paths or ["."]), cwd=repo)
    git(*SCRATCH_IDENTITY, "commit", "--quiet", "--no-verify", "--allow-empty", "-m", message, cwd=repo)
