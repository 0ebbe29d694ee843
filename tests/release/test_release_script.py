"""scripts/release, which CI and the release workflow run: it refuses a tag that is not the version,
and builds, checks and runs the distributions a release publishes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scalefold import __version__
from scalefold.upgrade.changelog import parse_changelog
from tests.update.helpers import clone_this_repository


def release(checkout: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(checkout / "scripts" / "release"), *args], cwd=checkout,
                          capture_output=True, text=True, timeout=1200)


def test_a_tag_that_is_not_the_version_is_refused_before_anything_is_built(repo_root: Path) -> None:
    dist = repo_root / "dist"
    before = sorted(dist.iterdir()) if dist.exists() else None
    result = release(repo_root, "build", "--tag", "v99.0.0")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"release: the tag v99.0.0 does not name this version: cli/scalefold/__init__.py says {__version__}, "
        f"so the release tag is v{__version__}"
    )
    assert (sorted(dist.iterdir()) if dist.exists() else None) == before


@pytest.mark.e2e
def test_the_release_build_makes_checked_distributions_and_the_notes(tmp_path: Path, repo_root: Path) -> None:
    checkout = clone_this_repository(tmp_path / "scalefold")
    result = release(checkout, "build", "--tag", f"v{__version__}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(path.name for path in (checkout / "dist").iterdir()) == [
        f"scalefold-{__version__}-py3-none-any.whl",
        f"scalefold-{__version__}.tar.gz",
    ]
    changelog = parse_changelog((repo_root / "docs" / "CHANGELOG.md").read_text())
    entry = next(entry for entry in changelog if str(entry.version) == __version__)
    assert (checkout / "build" / "release-notes.md").read_text() == entry.body.strip() + "\n"
