"""The corpus manifest: which public repository, at which commit, under which licence, and what of it
is kept."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.audit_corpus.paths import MANIFEST

PERMISSIVE_LICENCES = frozenset({"MIT", "ISC", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "0BSD"})
_COMMIT = re.compile(r"[0-9a-f]{40}\Z")
_REPOSITORY = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+\Z")
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
_KEYS = {
    "repository",
    "commit",
    "licence",
    "licence_files",
    "licence_commit",
    "styles",
    "exclude",
    "include",
    "stubbed",
    "notes",
    "synthetic",
    "path",
}


class ManifestError(ValueError):
    """The manifest does not have the documented shape."""


@dataclass(frozen=True)
class CorpusRepo:
    name: str
    repository: str  # owner/name on GitHub, or "" for a synthetic sample kept in this repository
    commit: str
    licence: str
    licence_files: tuple[str, ...]
    licence_commit: str  # when the pinned commit predates its LICENSE file: the commit to take it from
    styles: tuple[str, ...]  # framework, language, layout and tooling tags, for the reader
    exclude: tuple[str, ...]  # globs left out of the copy (front-ends, documentation sites, vendored code)
    include: tuple[str, ...]  # globs kept beyond the defaults
    stubbed: tuple[str, ...]  # lockfiles replaced by a small stub (presence is what the auditor reads)
    notes: str
    synthetic: bool  # written for the tests, kept out of the published figures
    path: str  # for a synthetic sample: its folder, relative to the corpus folder

    @property
    def url(self) -> str:
        return f"https://github.com/{self.repository}/tree/{self.commit}" if self.repository else ""


def _strings(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ManifestError(f"{where}: expected a list of strings")
    return tuple(value)


def _repo(name: str, entry: object) -> CorpusRepo:
    if not _NAME.match(name):
        raise ManifestError(f"{name!r}: names are lower-case words joined by '-'")
    if not isinstance(entry, dict):
        raise ManifestError(f"{name}: expected a mapping")
    unknown = set(entry) - _KEYS
    if unknown:
        raise ManifestError(f"{name}: unknown keys {sorted(unknown)}")
    synthetic = bool(entry.get("synthetic", False))
    repository = str(entry.get("repository", ""))
    commit = str(entry.get("commit", ""))
    licence = str(entry.get("licence", ""))
    if synthetic:
        if not entry.get("path"):
            raise ManifestError(f"{name}: a synthetic sample needs a path")
    else:
        if not _REPOSITORY.match(repository):
            raise ManifestError(f"{name}: repository must be owner/name")
        if not _COMMIT.match(commit):
            raise ManifestError(f"{name}: commit must be a full 40-character SHA")
        if licence not in PERMISSIVE_LICENCES:
            raise ManifestError(f"{name}: licence {licence!r} is not one of {sorted(PERMISSIVE_LICENCES)}")
        if not entry.get("licence_files"):
            raise ManifestError(f"{name}: licence_files must name the licence text kept with the copy")
        if entry.get("licence_commit") and not _COMMIT.match(str(entry["licence_commit"])):
            raise ManifestError(f"{name}: licence_commit must be a full 40-character SHA")
    return CorpusRepo(
        name=name,
        repository=repository,
        commit=commit,
        licence=licence,
        licence_files=_strings(entry.get("licence_files"), f"{name}.licence_files"),
        licence_commit=str(entry.get("licence_commit", "")),
        styles=_strings(entry.get("styles"), f"{name}.styles"),
        exclude=_strings(entry.get("exclude"), f"{name}.exclude"),
        include=_strings(entry.get("include"), f"{name}.include"),
        stubbed=_strings(entry.get("stubbed"), f"{name}.stubbed"),
        notes=str(entry.get("notes", "")).strip(),
        synthetic=synthetic,
        path=str(entry.get("path", "")),
    )


def load_manifest(path: Path = MANIFEST) -> list[CorpusRepo]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    repos = data.get("repos") if isinstance(data, dict) else None
    if not isinstance(repos, dict) or not repos:
        raise ManifestError(f"{path.name}: expected a 'repos' mapping")
    return [_repo(str(name), entry) for name, entry in repos.items()]
