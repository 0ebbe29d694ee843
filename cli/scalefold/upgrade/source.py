"""The template source: the git repository whose tags version the template.

A source is recorded in a project's ``.copier-answers.yml`` (``_src_path``) as a URL or as an absolute
folder. To read it, scalefold needs a local git repository: a local source is used in place; a remote
one is mirrored once into scalefold's cache and refreshed on each use. When the refresh fails (no
network) the mirror still serves every version it already holds, so an update between known versions
works offline.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scalefold.errors import UsageError
from scalefold.upgrade.git import git, git_text, last_line

# git's scp-like syntax: [user@]host:path (but not a Windows drive such as C:\).
_SCP_LIKE = re.compile(r"^(?:[^/@:\s]+@)?[^/:\s]{2,}:(?!//).+$")
_ALIASES = {"gh:": "https://github.com/", "gl:": "https://gitlab.com/"}


@dataclass(frozen=True)
class TemplateSource:
    """Where the template comes from: a git URL, or the absolute path of a local git repository."""

    location: str

    @classmethod
    def parse(cls, text: str, *, relative_to: Path | None = None) -> TemplateSource:
        text = text.strip()
        for alias, prefix in _ALIASES.items():
            if text.startswith(alias):
                name = text[len(alias) :].strip("/")
                text = prefix + (name if name.endswith(".git") else f"{name}.git")
        if _is_remote(text):
            return cls(text.rstrip("/"))
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = (relative_to or Path.cwd()) / path
        return cls(path.resolve().as_posix())

    @property
    def is_remote(self) -> bool:
        return _is_remote(self.location)

    def same_as(self, other: TemplateSource) -> bool:
        return _comparable(self.location) == _comparable(other.location)

    def __str__(self) -> str:
        return self.location


def _is_remote(text: str) -> bool:
    return "://" in text or bool(_SCP_LIKE.match(text))


def _comparable(location: str) -> str:
    location = location.rstrip("/")
    return location[: -len(".git")] if location.endswith(".git") else location


@dataclass(frozen=True)
class SourceRepository:
    """A local git repository holding the template source's history."""

    source: TemplateSource
    path: Path
    #: False when a remote source could not be refreshed and the cached mirror is used as it was.
    refreshed: bool = True

    def tags(self) -> list[str]:
        return git_text("tag", "--list", cwd=self.path).splitlines()

    def has_commit(self, ref: str) -> bool:
        if ref.startswith("-"):  # read from a project's answers file: never let it pass for an option
            return False
        result = git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=self.path, check=False)
        return result.returncode == 0

    def read(self, ref: str, path: str) -> str | None:
        """A file's text at ``ref``, or ``None`` when that version has no such file."""
        result = git("show", f"{ref}:{path}", cwd=self.path, check=False)
        return result.stdout.decode("utf-8", "replace") if result.returncode == 0 else None


def open_source(source: TemplateSource, cache: Path) -> SourceRepository:
    """A local repository for ``source``: the folder itself, or an up-to-date mirror of a remote."""
    if not source.is_remote:
        path = Path(source.location)
        if not path.is_dir():
            raise UsageError(f"the template source {path} does not exist")
        if git("rev-parse", "--git-dir", cwd=path, check=False).returncode != 0:
            raise UsageError(f"the template source {path} is not a git repository")
        return SourceRepository(source, path)
    return _mirror(source, cache)


def mirror_path(source: TemplateSource, cache: Path) -> Path:
    # The ".git" suffix matters: Copier treats a folder named *.git as a git repository it can clone.
    digest = hashlib.sha256(_comparable(source.location).encode()).hexdigest()[:24]
    return cache / "templates" / f"{digest}.git"


def _is_mirror(path: Path) -> bool:
    if not (path / "objects").is_dir():
        return False
    result = git("rev-parse", "--is-bare-repository", cwd=path, check=False)
    return result.stdout.decode().strip() == "true"


def _mirror(source: TemplateSource, cache: Path) -> SourceRepository:
    mirror = mirror_path(source, cache)
    if _is_mirror(mirror):
        # --prune-tags: a tag moved or deleted upstream must not linger here.
        fetched = git("fetch", "--quiet", "--prune", "--prune-tags", "origin", cwd=mirror, check=False)
        return SourceRepository(source, mirror, refreshed=fetched.returncode == 0)
    if mirror.exists():
        shutil.rmtree(mirror)  # a partial copy left by an interrupted clone
    mirror.parent.mkdir(parents=True, exist_ok=True)
    # Clone beside the final place, then move: a concurrent scalefold never sees half a mirror.
    with tempfile.TemporaryDirectory(prefix="clone-", dir=mirror.parent) as staging:
        staged = Path(staging) / "mirror.git"
        result = git("clone", "--quiet", "--mirror", "--", source.location, str(staged), check=False)
        if result.returncode != 0:
            raise UsageError(f"cannot fetch the template from {source.location}: {last_line(result)}")
        try:
            staged.rename(mirror)
        except OSError:
            if not _is_mirror(mirror):
                raise
    return SourceRepository(source, mirror)
