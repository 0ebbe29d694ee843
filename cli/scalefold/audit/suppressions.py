"""Inline suppressions: `// scalefold-ignore RULE-ID: reason` on the flagged line or the line above."""

from __future__ import annotations

import re
from dataclasses import dataclass

_COMMENT = re.compile(
    r"(?://|#|/\*|<!--)\s*scalefold-ignore\s+(?P<ids>[A-Za-z][A-Za-z0-9-]*(?:\s*,\s*[A-Za-z][A-Za-z0-9-]*)*)"
    r"(?:\s*:\s*(?P<reason>.*?))?\s*(?:\*/|-->)?\s*$"
)
_COMMENT_ONLY = re.compile(r"^\s*(?://|#|/\*|\*|<!--)")


@dataclass(frozen=True)
class InlineSuppression:
    rule_ids: frozenset[str]
    reason: str
    line: int


def parse_line(text: str, line: int) -> InlineSuppression | None:
    match = _COMMENT.search(text)
    if match is None:
        return None
    ids = frozenset(part.strip().upper() for part in match.group("ids").split(","))
    return InlineSuppression(ids, (match.group("reason") or "").strip(), line)


def find(lines: list[str], line: int, rule_id: str) -> InlineSuppression | None:
    """The suppression for ``rule_id`` at 1-based ``line``: on the line itself, or alone on the line above."""
    candidates = []
    if 0 < line <= len(lines):
        candidates.append((lines[line - 1], line))
    if 1 < line <= len(lines) + 1 and _COMMENT_ONLY.match(lines[line - 2]):
        candidates.append((lines[line - 2], line - 1))
    for text, number in candidates:
        found = parse_line(text, number)
        if found is not None and rule_id in found.rule_ids:
            return found
    return None
