"""Where the corpus lives in the repository, and the small path glob the manifest uses."""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "audit" / "corpus"
MANIFEST = CORPUS / "manifest.yml"
LABELS = CORPUS / "labels"
REPOS = CORPUS / "repos"
ACCURACY_DOC = ROOT / "docs" / "auditor-accuracy.md"


def path_matches(pattern: str, rel: str) -> bool:
    """True when the POSIX path ``rel`` matches ``pattern``.

    ``folder/**`` matches everything under ``folder``; a pattern with a slash is matched against the
    whole path (``*`` may cross folders); a pattern without one against the file name.
    """
    if pattern.endswith("/**"):
        prefix = pattern[:-3]
        return rel == prefix or rel.startswith(prefix + "/") or fnmatchcase(rel, pattern[:-3] + "/*")
    if "/" in pattern:
        return fnmatchcase(rel, pattern)
    return fnmatchcase(rel.rsplit("/", 1)[-1], pattern)
