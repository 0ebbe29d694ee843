"""Bringing a change the template makes to a file into the project's copy, keeping the team's edits."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from scalefold.errors import UsageError


def merge_three_way(ours: bytes, base: bytes, theirs: bytes) -> bytes | None:
    """``base`` → ``theirs`` applied to ``ours`` (git merge-file); None when the changes overlap."""
    if ours == base:
        return theirs
    if shutil.which("git") is None:
        raise UsageError("the project's copy of a file the module changes was edited, and merging it needs git, "
                         "which is not on PATH")
    with tempfile.TemporaryDirectory(prefix="scalefold-merge-") as scratch:
        folder = Path(scratch)
        paths = []
        for name, content in (("ours", ours), ("base", base), ("theirs", theirs)):
            (folder / name).write_bytes(content)
            paths.append(str(folder / name))
        merged = subprocess.run(["git", "merge-file", "-p", *paths], check=False, capture_output=True)
    # git merge-file exits with the number of conflicts (negative on an error).
    return merged.stdout if merged.returncode == 0 else None
