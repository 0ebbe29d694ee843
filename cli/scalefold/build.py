"""Which scalefold is running: a release, or a development build from a source checkout.

The version is written in one place, ``scalefold.__version__``; a release is the commit tagged
``v<version>`` (docs/releasing.md), and PyPI carries what the release workflow built from that tag.
An installed package is that release. A source checkout (an editable install, the tests) can tell
more: unless its HEAD is the release tag and the package's files are unchanged, it is a development
build, and the generated pipeline says so next to the release it installs (``copier.yml``'s
``scalefold_build``).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from scalefold import __version__
from scalefold.resources import checkout_root
from scalefold.settings import template_version

#: The paths a wheel is built from: a change under them makes a different scalefold.
PACKAGE_PATHS = ("cli", "copier.yml", "template", "presets")


@dataclass(frozen=True)
class Build:
    version: str
    #: ``None`` for a release; otherwise which development build this is: the checkout's
    #: ``git describe`` (``v0.1.0-3-g1a2b3c4``: 3 commits after v0.1.0), and its uncommitted changes.
    development: str | None = None

    @property
    def is_release(self) -> bool:
        return self.development is None

    def __str__(self) -> str:
        return self.version if self.is_release else f"{self.version} (development build {self.development})"


@cache
def current_build() -> Build:
    checkout = checkout_root()
    if checkout is None:
        return Build(__version__)
    if shutil.which("git") is None:
        return Build(__version__, "a source checkout at an unknown commit (git is not on PATH)")
    return describe_checkout(checkout, __version__)


def describe_checkout(checkout: Path, version: str) -> Build:
    """The build a checkout makes: the release when HEAD is its tag and the package's files are unchanged."""
    if _git(checkout, "ls-files", "--error-unmatch", "cli/scalefold/__init__.py") is None:
        return Build(version)  # not in git (an unpacked source archive): nothing tells it from the release
    described = _git(checkout, "describe", "--tags", "--always", "--match", "v*") or "an unknown commit"
    changed = bool(_git(checkout, "status", "--porcelain", "--untracked-files=no", "--", *PACKAGE_PATHS))
    if described == template_version(version) and not changed:
        return Build(version)
    return Build(version, f"{described}, with uncommitted changes" if changed else described)


def _git(checkout: Path, *args: str) -> str | None:
    result = subprocess.run(["git", *args], cwd=checkout, capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else None
