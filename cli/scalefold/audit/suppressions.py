"""Inline suppressions: `// scalefold-ignore RULE-ID until=2027-01-31: reason` on the flagged line or
the line above, and the expiry dates that inline comments and `.scalefold.yml` entries share.

A suppression needs a reason; it may carry an expiry date (ISO 8601, `YYYY-MM-DD`), and it suppresses
up to and including that day. The date is written after the rule ids (`until=2027-01-31`); it is
also accepted at the end of the reason, where people tend to put it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_ID = r"[A-Za-z][A-Za-z0-9-]*"
_COMMENT = re.compile(
    rf"(?://|#|/\*|<!--)\s*scalefold-ignore\s+(?P<ids>{_ID}(?:\s*,\s*{_ID})*)"
    r"(?:\s+until=(?P<until>\S*?))?"
    r"(?:\s*:\s*(?P<reason>.*?))?\s*(?:\*/|-->)?\s*$"
)
_TRAILING_UNTIL = re.compile(r"\s*\(?\buntil=(?P<until>[^\s)]*)\)?$")
_COMMENT_ONLY = re.compile(r"^\s*(?://|#|/\*|\*|<!--)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_until(value: object) -> date:
    """An expiry date: a `date` (YAML reads `2027-01-31` as one) or the text `YYYY-MM-DD`.

    Raises ``ValueError`` for anything else, so a typo never turns into "suppressed for ever".
    """
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)") from None


@dataclass(frozen=True)
class InlineSuppression:
    rule_ids: frozenset[str]
    reason: str
    line: int
    until: date | None = None
    until_error: str | None = None  # why the written `until=` is not a date

    def expired(self, today: date) -> bool:
        return self.until is not None and today > self.until


def parse_line(text: str, line: int) -> InlineSuppression | None:
    match = _COMMENT.search(text)
    if match is None:
        return None
    ids = frozenset(part.strip().upper() for part in match.group("ids").split(","))
    reason = (match.group("reason") or "").strip()
    written = match.group("until")
    if written is None:
        trailing = _TRAILING_UNTIL.search(reason)
        if trailing is not None:
            written = trailing.group("until")
            reason = reason[: trailing.start()].strip()
    until: date | None = None
    error: str | None = None
    if written is not None:
        try:
            until = parse_until(written)
        except ValueError as exc:
            error = str(exc)
    return InlineSuppression(ids, reason, line, until, error)


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
