"""The template a source checkout holds, as git tracks it: what ``scalefold new`` renders from a checkout.

Copier renders a local git repository by cloning it and, when the work tree has uncommitted changes,
by committing everything ``git add --all`` picks up on top: untracked folders too, and any git
repository nested in the checkout (a project generated inside it becomes a submodule without a URL,
and every render fails). scalefold hands Copier a plain folder instead, holding ``copier.yml`` and
``template/`` as git tracks them, each file as it is in the work tree: uncommitted edits are rendered,
files deleted in the work tree are not, and files git does not track never are (``git add`` a new
template file to render it). An installed wheel carries its template as a plain folder already.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from scalefold.errors import StepFailed
from scalefold.resources import TEMPLATE_PATHS, checkout_root, template_root


@dataclass(frozen=True)
class TemplateFolder:
    """A folder Copier can render, and what was left out of it."""

    path: Path
    #: Files under the template's paths that git does not track: not rendered.
    untracked: list[str] = field(default_factory=list)


@contextmanager
def template_for_rendering() -> Iterator[TemplateFolder]:
    """The bundled template, or a snapshot of the checkout's tracked template files (removed afterwards)."""
    checkout = checkout_root()
    if checkout is None:
        yield TemplateFolder(template_root())
        return
    with tempfile.TemporaryDirectory(prefix="scalefold-template-") as scratch:
        folder = Path(scratch)
        yield TemplateFolder(folder, export_tracked_template(checkout, folder))


def export_tracked_template(checkout: Path, destination: Path) -> list[str]:
    """Copy the template's tracked files from ``checkout``'s work tree; return the untracked ones left out.

    A checkout that git does not know (an unpacked source archive), or one read without git on PATH,
    is copied whole: nothing in it can be told apart.
    """
    tracked = _listed(checkout, "--cached") if _in_git(checkout) else []
    if "copier.yml" not in tracked:
        for name in TEMPLATE_PATHS:
            _copy_whole(checkout / name, destination / name)
        return []
    for relative in tracked:
        _copy_file(checkout / relative, destination / relative)
    return _listed(checkout, "--others", "--exclude-standard")


def _in_git(checkout: Path) -> bool:
    if shutil.which("git") is None:  # nothing can tell tracked files apart: the folders are taken as they are
        return False
    result = subprocess.run(
        ["git", "rev-parse", "--is-inside-work-tree"], cwd=checkout, capture_output=True, text=True
    )
    return result.returncode == 0 and result.stdout.strip() == "true"


def _listed(checkout: Path, *selection: str) -> list[str]:
    result = subprocess.run(
        ["git", "-c", "core.quotePath=false", "ls-files", "-z", *selection, "--", *TEMPLATE_PATHS],
        cwd=checkout,
        capture_output=True,
    )
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = lines[-1] if lines else f"exit code {result.returncode}"
        raise StepFailed(
            f"cannot list the template's files in the source checkout {checkout}: {reason}; "
            "repair the checkout (git status shows what is wrong), or install scalefold from a wheel (pip install .)"
        )
    return [name for name in result.stdout.decode("utf-8", "surrogateescape").split("\0") if name]


def _copy_file(source: Path, target: Path) -> None:
    """One tracked path as the work tree has it: a file or a symbolic link (a deleted one is skipped)."""
    if not (source.is_symlink() or source.is_file()):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target, follow_symlinks=False)


def _copy_whole(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, symlinks=True)
    elif source.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
