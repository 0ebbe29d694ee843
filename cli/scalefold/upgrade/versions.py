"""Template versions: git tags ``vX.Y.Z``, compared as PEP 440 versions the way Copier compares them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from packaging.version import InvalidVersion, Version

from scalefold.errors import UsageError

# `git describe --tags` output for a commit after a tag: v0.2.0-3-g1a2b3c4.
_DESCRIBED = re.compile(r"^(?P<tag>.+)-(?P<count>\d+)-g(?P<hash>[0-9a-f]+)$")


def parse_version(ref: str) -> Version | None:
    """The version a tag (``v0.2.0``) or a described commit (``v0.2.0-3-gabc1234``) stands for."""
    described = _DESCRIBED.match(ref)
    text = f"{described['tag']}.post{described['count']}+{described['hash']}" if described else ref
    try:
        return Version(text)
    except InvalidVersion:
        return None


def release_tags(tags: Iterable[str]) -> list[str]:
    """The tags that name a version, oldest first."""
    versioned = [(version, tag) for tag in tags if (version := parse_version(tag)) is not None]
    return [tag for _version, tag in sorted(versioned)]


def resolve_tag(requested: str, tags: Iterable[str]) -> str | None:
    """The tag for ``requested``, accepting ``0.2.0`` for ``v0.2.0`` and the reverse."""
    available = set(tags)
    bare = requested[1:] if requested[:1] in {"v", "V"} else requested
    for candidate in (requested, f"v{bare}", bare):
        if candidate in available:
            return candidate
    return None


def require_tag(requested: str, tags: Iterable[str], source: str) -> str:
    tags = list(tags)
    tag = resolve_tag(requested, tags)
    if tag is None:
        known = ", ".join(release_tags(tags)[-8:]) or "no version tags"
        raise UsageError(f"unknown template version {requested!r}: {source} has {known}")
    return tag
