"""Creating a project: render the template, install dependencies, make the first commit.

Plain library code: the ``new`` command (and the interactive flow) call :func:`create_project`
with answers that were already validated.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scalefold import __version__
from scalefold.errors import StepFailed, UsageError
from scalefold.resources import template_root
from scalefold.settings import load_settings, template_version
from scalefold.upgrade.answers import ANSWERS_FILE, record_template
from scalefold.upgrade.source import TemplateSource

#: Called with a step's title when it starts; the CLI shows it as Rich progress.
StepReporter = Callable[[str], None]


@dataclass(frozen=True)
class NewOptions:
    destination: Path
    answers: Mapping[str, Any]
    force: bool = False
    install: bool = True
    git: bool = True
    #: Files scalefold adds beside the rendered template (relative path → text), e.g. the advisor's
    #: record; written before the first commit, so the commit covers them.
    extra_files: Mapping[str, str] = field(default_factory=dict)
    #: The template's git source to record (``--template-source``); ``None``: the configured one.
    template_source: str | None = None


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


def render(
    destination: Path, answers: Mapping[str, Any], *, overwrite: bool, template_source: str | None = None
) -> None:
    """Render the bundled template into ``destination`` with Copier, recording the template's git source.

    The bundled copy renders with no network. The answers file then names the template's git source
    (``template_source``, else the configured one: see :mod:`scalefold.settings`) and this version's
    tag, not the installed package's folder: that is where ``scalefold update`` and a plain
    ``copier update`` fetch later versions from.
    """
    from copier import run_copy  # imported late: it is the slowest import of the tool
    from copier.errors import DirtyLocalWarning

    source = TemplateSource.parse(load_settings(template_source).template_source)
    data = {"scalefold_version": __version__, **answers}
    with warnings.catch_warnings():
        # In a source checkout Copier renders the work tree, uncommitted edits included, and says so.
        warnings.simplefilter("ignore", DirtyLocalWarning)
        run_copy(
            str(template_root()),
            str(destination),
            data=data,
            vcs_ref="HEAD",  # a checkout renders its work tree, not its latest tag
            defaults=True,
            overwrite=overwrite,
            quiet=True,
            unsafe=False,
        )
    record_template(destination / ANSWERS_FILE, src_path=source.location, commit=template_version())


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


def write_extra_files(destination: Path, files: Mapping[str, str]) -> None:
    for relative, text in files.items():
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def create_project(options: NewOptions, report: StepReporter = lambda _title: None) -> None:
    """Render, install and commit, leaving nothing behind if rendering fails or anything is interrupted.

    A failed install or commit keeps the rendered project (the user can rerun the step); Ctrl-C at
    any step means "stop": a destination that was absent or empty is left absent or empty again.
    """
    destination = options.destination
    check_destination(destination, force=options.force)
    existed = destination.exists()
    was_empty = not existed or not any(destination.iterdir())
    try:
        with _removed_on_failure(destination):
            report("Rendering the template")
            render(destination, options.answers, overwrite=options.force, template_source=options.template_source)
            write_extra_files(destination, options.extra_files)
        if options.install:
            report("Installing dependencies (npm install)")
            install_dependencies(destination)
        if options.git:
            report("Creating the first git commit")
            initial_commit(destination)
    except KeyboardInterrupt:
        if not existed:
            shutil.rmtree(destination, ignore_errors=True)
        elif was_empty:  # e.g. `scalefold new .` in a fresh folder: leave the folder, empty again
            for child in destination.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
        raise
