"""Creating a project: render the template, install dependencies, make the first commit.

Plain library code: the ``new`` command (and the interactive flow) call :func:`create_project`
with answers that were already validated.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scalefold import __version__
from scalefold.errors import StepFailed, UsageError
from scalefold.resources import template_root

#: Called with a step's title when it starts; the CLI shows it as Rich progress.
StepReporter = Callable[[str], None]


@dataclass(frozen=True)
class NewOptions:
    destination: Path
    answers: Mapping[str, Any]
    force: bool = False
    install: bool = True
    git: bool = True


def slugify(name: str) -> str:
    """A folder name turned into a valid project name (``My API`` → ``my-api``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if slug and not slug[0].isalpha():
        slug = f"app-{slug}"
    return slug


def check_destination(destination: Path, *, force: bool) -> None:
    """Refuse to write over anything the user has, unless ``--force``."""
    if destination.exists() and not destination.is_dir():
        raise UsageError(f"destination {destination} exists and is not a folder")
    if destination.is_dir() and any(destination.iterdir()) and not force:
        raise UsageError(f"destination {destination} is not empty; choose another folder or pass --force")


@contextmanager
def _removed_on_failure(destination: Path) -> Iterator[None]:
    """Remove ``destination`` if it did not exist before and the block fails or is interrupted."""
    existed = destination.exists()
    try:
        yield
    except BaseException:
        if not existed:
            shutil.rmtree(destination, ignore_errors=True)
        raise


def render(destination: Path, answers: Mapping[str, Any], *, overwrite: bool) -> None:
    """Render the bundled template into ``destination`` with Copier."""
    from copier import run_copy  # imported late: it is the slowest import of the tool

    data = {"scalefold_version": __version__, **answers}
    run_copy(
        str(template_root()),
        str(destination),
        data=data,
        defaults=True,
        overwrite=overwrite,
        quiet=True,
        unsafe=False,
    )


def _run(command: list[str], cwd: Path, what: str) -> None:
    if shutil.which(command[0]) is None:
        raise StepFailed(f"{what} needs {command[0]}, which is not on PATH; install it or pass --no-{what.split()[0]}")
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env={**os.environ, "CI": "true"})
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        last = detail[-1] if detail else f"exit code {result.returncode}"
        raise StepFailed(f"{what} failed in {cwd}: {last}")


def install_dependencies(destination: Path) -> None:
    """``npm install`` creates ``package-lock.json``, which the first commit records."""
    _run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], destination, "install dependencies")


def _git_identity(destination: Path) -> list[str]:
    """Use the user's git identity when configured; otherwise a neutral one for this commit only."""
    configured = subprocess.run(
        ["git", "config", "user.email"], cwd=destination, capture_output=True, text=True
    ).stdout.strip()
    return [] if configured else ["-c", "user.name=scalefold", "-c", "user.email=scalefold@localhost"]


def initial_commit(destination: Path) -> None:
    if shutil.which("git") is None:
        raise StepFailed("git is not on PATH; install it or pass --no-git")
    if not (destination / ".git").exists():
        _run(["git", "init", "--quiet", "--initial-branch=main"], destination, "git init")
    _run(["git", "add", "--all"], destination, "git add")
    message = f"Initial commit from scalefold {__version__}"
    _run(["git", *_git_identity(destination), "commit", "--quiet", "-m", message], destination, "git commit")


def create_project(options: NewOptions, report: StepReporter = lambda _title: None) -> None:
    """Render, install and commit, leaving nothing behind if rendering fails or is interrupted."""
    destination = options.destination
    check_destination(destination, force=options.force)
    with _removed_on_failure(destination):
        report("Rendering the template")
        render(destination, options.answers, overwrite=options.force)
    if options.install:
        report("Installing dependencies (npm install)")
        install_dependencies(destination)
    if options.git:
        report("Creating the first git commit")
        initial_commit(destination)
