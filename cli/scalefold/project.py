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
from scalefold.build import current_build
from scalefold.console import err_console
from scalefold.errors import StepFailed, UsageError, command_output_reason
from scalefold.node import engines_warning
from scalefold.pinned import PinnedTemplate
from scalefold.resources import checkout_root
from scalefold.settings import load_settings, template_version
from scalefold.snapshot import template_for_rendering
from scalefold.upgrade.answers import ANSWERS_FILE, record_template
from scalefold.upgrade.source import TemplateSource

#: Called with a step's title when it starts; the CLI shows it as Rich progress.
StepReporter = Callable[[str], None]
#: Called with a warning the user should see before the next step runs.
Warn = Callable[[str], None]
#: Folders the template never writes into, left out when looking for the files it replaced.
_NEVER_RENDERED = {".git", "node_modules"}


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
    #: One version of the template read from its git source (``--vcs-ref``); ``None``: this scalefold's.
    pinned: PinnedTemplate | None = None


@dataclass(frozen=True)
class Created:
    """What ``create_project`` did that the user must hear about."""

    #: Files that were in the destination and were written over (``--force``), relative to it.
    replaced: list[str] = field(default_factory=list)


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
    destination: Path,
    answers: Mapping[str, Any],
    *,
    overwrite: bool,
    template_source: str | None = None,
    pinned: PinnedTemplate | None = None,
) -> None:
    """Render the template into ``destination`` with Copier, recording the template's git source.

    The template is this scalefold's own (the wheel's copy, or a checkout's tracked files: see
    :mod:`scalefold.snapshot`), rendered with no network; or ``pinned``, one version read from its git
    source (``--vcs-ref``). The answers file then names the template's git source (``template_source``,
    else the configured one: see :mod:`scalefold.settings`) and the version's tag, not a local folder:
    that is where ``scalefold update`` and a plain ``copier update`` fetch later versions from.
    """
    if pinned is not None:
        # That version's own pipeline pins the release it belongs to (none for a commit between releases).
        data = {"scalefold_version": pinned.release, "scalefold_build": "" if pinned.release else pinned.commit}
        with pinned.folder() as folder:
            run_copier(folder, destination, {**data, **answers}, overwrite=overwrite,
                       what=f"template version {pinned.commit} of {pinned.source}",
                       fix="check that it is a version of scalefold's template")
        record_template(destination / ANSWERS_FILE, src_path=pinned.source.location, commit=pinned.commit)
        return
    source = TemplateSource.parse(load_settings(template_source).template_source)
    build = current_build()
    data = {"scalefold_version": build.version, "scalefold_build": build.development or ""}
    with template_for_rendering() as template:
        if template.untracked:
            _note_untracked(template.untracked)
        run_copier(template.path, destination, {**data, **answers}, overwrite=overwrite, **own_template())
    record_template(destination / ANSWERS_FILE, src_path=source.location, commit=template_version())


def _note_untracked(paths: list[str]) -> None:
    shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
    err_console.print(
        f"[warn]note:[/warn] not rendered, because git does not track them (git add them to render them): {shown}",
        soft_wrap=True,
    )


def own_template() -> dict[str, str]:
    """How to name this scalefold's template in an error, and what to do about one."""
    checkout = checkout_root()
    if checkout is None:
        return {"what": "the template", "fix": "reinstall scalefold (pip install --force-reinstall scalefold)"}
    return {"what": f"the template of the source checkout {checkout}", "fix": "fix the file it names there"}


def run_copier(
    template: Path, destination: Path, data: Mapping[str, Any], *, overwrite: bool, what: str, fix: str
) -> None:
    """Copier's render of the folder ``template``; a failure is one line naming ``what`` and the ``fix``."""
    from copier import run_copy  # imported late: it is the slowest import of the tool
    from copier.errors import CopierError
    from jinja2 import TemplateError, TemplateSyntaxError
    from plumbum import ProcessExecutionError  # what Copier raises when a command it runs fails

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Copier's warnings are about its own internals
            run_copy(str(template), str(destination), data=dict(data), defaults=True, overwrite=overwrite,
                     quiet=True, unsafe=False)
    except ProcessExecutionError as exc:
        raise StepFailed(f"Copier could not render {what}: {command_output_reason(exc)}; {fix}") from None
    except TemplateSyntaxError as exc:
        where = f"{exc.name}, line {exc.lineno}" if exc.name else f"line {exc.lineno}"
        reason = (exc.message or "syntax error").rstrip(".")
        raise StepFailed(f"Copier could not render {what}: {where}: {reason}; {fix}") from None
    except (CopierError, TemplateError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise StepFailed(f"Copier could not render {what}: {reason}; {fix}") from None


def _run(command: list[str], cwd: Path, what: str) -> None:
    if shutil.which(command[0]) is None:
        raise StepFailed(f"{what} needs {command[0]}, which is not on PATH; install it or pass --no-{what.split()[0]}")
    result = subprocess.run(command, cwd=cwd, check=False, capture_output=True, text=True, env={**os.environ, "CI": "true"})
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
        ["git", "config", "user.email"], cwd=destination, check=False, capture_output=True, text=True
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


def _file_stamps(destination: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of each file under ``destination``: a file written over changes them."""
    stamps: dict[str, tuple[int, int]] = {}
    for folder, subfolders, files in os.walk(destination):
        subfolders[:] = [name for name in subfolders if name not in _NEVER_RENDERED]
        for name in files:
            path = Path(folder, name)
            try:
                stat = path.lstat()
            except OSError:
                continue
            stamps[path.relative_to(destination).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return stamps


def _replaced(destination: Path, before: Mapping[str, tuple[int, int]]) -> list[str]:
    after = _file_stamps(destination)
    return sorted(path for path, stamp in before.items() if path in after and after[path] != stamp)


def create_project(
    options: NewOptions, report: StepReporter = lambda _title: None, warn: Warn = lambda _message: None
) -> Created:
    """Render, install and commit, leaving nothing behind if rendering fails or anything is interrupted.

    A failed install or commit keeps the rendered project (the user can rerun the step); Ctrl-C at
    any step means "stop": a destination that was absent or empty is left absent or empty again.
    """
    destination = options.destination
    check_destination(destination, force=options.force)
    existed = destination.exists()
    was_empty = not existed or not any(destination.iterdir())
    before = {} if was_empty else _file_stamps(destination)
    try:
        with _removed_on_failure(destination):
            report("Rendering the template")
            render(destination, options.answers, overwrite=options.force, template_source=options.template_source,
                   pinned=options.pinned)
            write_extra_files(destination, options.extra_files)
        created = Created(replaced=_replaced(destination, before))
        old_node = engines_warning(destination)
        if old_node:
            warn(old_node)
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
    return created
