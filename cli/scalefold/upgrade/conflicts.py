"""Finding what an update could not merge on its own.

Copier's inline mode writes git-style conflict markers into a file when the project's change and the
template's change touch the same lines (``<<<<<<< before updating`` … ``>>>>>>> after updating``);
a hunk it could not place at all is left in ``FILE.rej``. Only files the update changed are scanned,
so a file that legitimately contains marker-like lines (a test fixture) is not reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

OURS_LABEL = "before updating"
THEIRS_LABEL = "after updating"


class ConflictKind(str, Enum):
    MARKERS = "markers"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Conflict:
    path: str
    kind: ConflictKind
    #: Number of conflicting regions (markers) in the file.
    regions: int = 1

    @property
    def advice(self) -> str:
        if self.kind is ConflictKind.REJECTED:
            target = self.path.removesuffix(".rej")
            return f"apply the hunks in {self.path} to {target} by hand, then delete {self.path}"
        return (
            f"keep your lines (<<<<<<< {OURS_LABEL}), the template's (>>>>>>> {THEIRS_LABEL}) or both, "
            f"delete the markers, then git add {self.path}"
        )


def count_marker_regions(data: bytes) -> int:
    """Conflict regions in a file: each opening marker followed by a closing one."""
    regions, open_marker = 0, False
    for line in data.splitlines():
        if line.startswith(b"<<<<<<< ") or line == b"<<<<<<<":
            open_marker = True
        elif open_marker and (line.startswith(b">>>>>>> ") or line == b">>>>>>>"):
            regions, open_marker = regions + 1, False
    return regions


def find_conflicts(root: Path, changed: Iterable[str]) -> list[Conflict]:
    """Conflicts among ``changed`` paths (relative to ``root``), in path order."""
    conflicts: list[Conflict] = []
    for relative in sorted(set(changed)):
        path = root / relative
        if relative.endswith(".rej"):
            conflicts.append(Conflict(relative, ConflictKind.REJECTED))
            continue
        if not path.is_file() or path.is_symlink():
            continue
        regions = count_marker_regions(path.read_bytes())
        if regions:
            conflicts.append(Conflict(relative, ConflictKind.MARKERS, regions))
    return conflicts
