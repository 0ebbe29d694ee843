"""What a fixer receives and returns.

A rule whose fix is mechanical has a ``fixer``: ``fixer(context, finding) -> Change``. It fixes
every finding of its rule in ``finding.path`` at once, reading the files through the context (which
shows the edits earlier fixers made in this run), and returns the new text of one file. It raises
``CannotFix`` with the reason when the fix is not mechanical in this project (the user must decide).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scalefold.audit.parsers.dockerfile import Dockerfile, parse_dockerfile
from scalefold.audit.project import Project


class CannotFix(Exception):
    """The fix is ambiguous here; ``reason`` says what the user has to decide."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Change:
    path: str  # relative to the audited folder; a new file when it does not exist yet
    text: str  # the file's whole new text
    summary: str  # what changed, in one line ("`npm install` → `npm ci` on line 7")


@dataclass
class FixContext:
    """The project being fixed, with the edits of this run applied on top of the files on disk."""

    root: Path
    project: Project
    pending: dict[str, str] = field(default_factory=dict)

    def read(self, rel: str) -> str | None:
        """The current text of ``rel`` (line endings kept), or ``None`` when it does not exist."""
        if rel in self.pending:
            return self.pending[rel]
        return self.original(rel)

    def original(self, rel: str) -> str | None:
        """The text of ``rel`` on disk, before this run's edits."""
        path = self.root / rel
        if not path.is_file():
            return None
        try:
            return path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CannotFix(f"{rel} could not be read ({exc})") from None

    def exists(self, rel: str) -> bool:
        return rel in self.pending or (self.root / rel).is_file()

    def dockerfile(self, rel: str) -> tuple[str, Dockerfile]:
        text = self.read(rel)
        if text is None:
            raise CannotFix(f"{rel} does not exist")
        return text, parse_dockerfile(rel, text)

    def apply(self, change: Change) -> None:
        if (self.root / change.path).is_symlink():
            raise CannotFix(f"{change.path} is a symbolic link: edit the file it points to yourself")
        self.pending[change.path] = change.text
