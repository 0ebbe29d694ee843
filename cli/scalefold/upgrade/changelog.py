"""The template's changelog (``docs/CHANGELOG.md``): one ``## VERSION`` section per release.

``update`` shows the sections between the project's version and the one it moves to, read from the
template source at the target version, so the notes match what is being applied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from packaging.version import Version

from scalefold.upgrade.versions import parse_version

CHANGELOG_PATH = "docs/CHANGELOG.md"

# "## 0.2.0", "## v0.2.0", "## [0.2.0] - 2025-06-01", "## 0.2.0 — the title"
_VERSION_IN_HEADING = re.compile(r"^\[?v?(?P<version>\d+(?:\.\d+)*[^\s\]]*)\]?")


@dataclass(frozen=True)
class ChangelogEntry:
    version: Version
    heading: str
    body: str


def parse_changelog(text: str) -> list[ChangelogEntry]:
    """Every second-level section whose heading starts with a version, newest first as written."""
    lines = text.splitlines()
    tokens = MarkdownIt("commonmark").parse(text)
    sections: list[tuple[int, int, str]] = []  # (heading line, first body line, heading text)
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2" and token.map:
            sections.append((token.map[0], token.map[1], tokens[index + 1].content.strip()))
    entries: list[ChangelogEntry] = []
    for position, (_start, body_start, heading) in enumerate(sections):
        match = _VERSION_IN_HEADING.match(heading)
        version = parse_version(match["version"]) if match else None
        if version is None:
            continue
        end = sections[position + 1][0] if position + 1 < len(sections) else len(lines)
        body = "\n".join(lines[body_start:end]).strip()
        entries.append(ChangelogEntry(version, heading, body))
    return entries


def entries_between(entries: list[ChangelogEntry], after: Version | None, upto: Version) -> list[ChangelogEntry]:
    """The entries a project moving from ``after`` to ``upto`` has not seen, newest first."""
    chosen = [entry for entry in entries if entry.version <= upto and (after is None or entry.version > after)]
    return sorted(chosen, key=lambda entry: entry.version, reverse=True)
