"""The update's parts on their own: versions, the changelog, conflict detection, answers, sources, trust, settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.version import Version

from scalefold.errors import UsageError
from scalefold.settings import DEFAULT_TEMPLATE_SOURCE, load_settings, template_version
from scalefold.upgrade.answers import read_answers, record_template
from scalefold.upgrade.changelog import entries_between, parse_changelog
from scalefold.upgrade.conflicts import ConflictKind, count_marker_regions, find_conflicts
from scalefold.upgrade.source import TemplateSource
from scalefold.upgrade.trust import is_trusted
from scalefold.upgrade.versions import parse_version, release_tags, require_tag, resolve_tag


@pytest.mark.parametrize(
    ("ref", "expected"),
    [("v0.2.0", "0.2.0"), ("0.2.0", "0.2.0"), ("v1.0.0rc1", "1.0.0rc1"), ("v0.2.0-3-g1a2b3c4", "0.2.0.post3+1a2b3c4")],
)
def test_versions_are_read_from_tags_and_described_commits(ref: str, expected: str) -> None:
    assert parse_version(ref) == Version(expected)


def test_a_commit_hash_is_not_a_version() -> None:
    assert parse_version("1a2b3c4d") is None


def test_tags_resolve_with_or_without_the_v() -> None:
    tags = ["v0.1.0", "v0.10.0", "v0.2.0", "nightly"]
    assert resolve_tag("0.2.0", tags) == "v0.2.0"
    assert resolve_tag("v0.2.0", tags) == "v0.2.0"
    assert resolve_tag("0.3.0", tags) is None
    assert release_tags(tags) == ["v0.1.0", "v0.2.0", "v0.10.0"]  # by version, not by text


def test_an_unknown_tag_names_the_known_ones() -> None:
    with pytest.raises(UsageError, match=r"unknown template version '0\.3\.0': src has v0\.1\.0, v0\.2\.0"):
        require_tag("0.3.0", ["v0.2.0", "v0.1.0"], "src")


CHANGELOG = """# Changelog

Intro text that is not a release.

## [0.3.0] - 2025-09-01

- Third.

## v0.2.0 — renames

- Second, with a sub-heading:

### Migration

Run the update.

## 0.1.0

- First.
"""


def test_the_changelog_shows_the_versions_a_project_has_not_seen() -> None:
    entries = parse_changelog(CHANGELOG)
    assert [str(entry.version) for entry in entries] == ["0.3.0", "0.2.0", "0.1.0"]
    assert "### Migration" in entries[1].body  # sub-headings stay in their release
    unseen = entries_between(entries, after=Version("0.1.0"), upto=Version("0.2.0"))
    assert [entry.heading for entry in unseen] == ["v0.2.0 — renames"]
    assert [str(e.version) for e in entries_between(entries, None, Version("0.3.0"))] == ["0.3.0", "0.2.0", "0.1.0"]


def test_the_shipped_changelog_has_an_entry_for_this_version() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "CHANGELOG.md").read_text(encoding="utf-8")
    from scalefold import __version__

    assert Version(__version__) in {entry.version for entry in parse_changelog(text)}


def test_conflict_markers_are_counted_per_region() -> None:
    text = b"a\n<<<<<<< before updating\nx\n=======\ny\n>>>>>>> after updating\nb\n<<<<<<< ours\n=======\n>>>>>>> theirs\n"
    assert count_marker_regions(text) == 2
    assert count_marker_regions(b"<<<<<<< only an opening line\n") == 0
    assert count_marker_regions(b"a <<<<<<< not at the start of a line\n") == 0


def test_only_changed_files_are_scanned_for_conflicts(tmp_path: Path) -> None:
    (tmp_path / "merged.ts").write_text("<<<<<<< before updating\na\n=======\nb\n>>>>>>> after updating\n")
    (tmp_path / "fixture.txt").write_text("<<<<<<< before updating\n>>>>>>> after updating\n")
    (tmp_path / "clean.ts").write_text("ok\n")
    (tmp_path / "app.ts.rej").write_text("@@ -1 +1 @@\n")

    conflicts = find_conflicts(tmp_path, ["merged.ts", "clean.ts", "app.ts.rej", "gone.ts"])

    assert [(c.path, c.kind) for c in conflicts] == [("app.ts.rej", ConflictKind.REJECTED), ("merged.ts", ConflictKind.MARKERS)]
    assert "apply the hunks in app.ts.rej to app.ts" in conflicts[0].advice
    assert "git add merged.ts" in conflicts[1].advice


def test_recording_the_template_rewrites_only_its_two_lines(tmp_path: Path) -> None:
    path = tmp_path / ".copier-answers.yml"
    path.write_text("# Changes here will be overwritten by Copier\n_commit: 1a2b3c4\n_src_path: /opt/x/_data\nport: 3000\n")

    record_template(path, src_path="https://git.example.com/platform/scalefold.git", commit="v0.1.0")

    assert path.read_text() == (
        "# Changes here will be overwritten by Copier\n_commit: v0.1.0\n"
        "_src_path: https://git.example.com/platform/scalefold.git\nport: 3000\n"
    )
    answers = read_answers(tmp_path)
    assert (answers.src_path, answers.commit, answers.answers) == (
        "https://git.example.com/platform/scalefold.git", "v0.1.0", {"port": 3000}
    )


def test_a_missing_record_is_added(tmp_path: Path) -> None:
    path = tmp_path / ".copier-answers.yml"
    path.write_text("port: 3000\n")
    record_template(path, src_path="/srv/template", commit="v0.1.0")
    assert read_answers(tmp_path).commit == "v0.1.0"
    assert read_answers(tmp_path).src_path == "/srv/template"


def test_sources_are_urls_or_absolute_folders(tmp_path: Path) -> None:
    assert TemplateSource.parse("gh:scalefold/scalefold").location == "https://github.com/scalefold/scalefold.git"
    assert TemplateSource.parse("git@github.com:scalefold/scalefold.git").is_remote
    assert TemplateSource.parse("file:///srv/git/scalefold.git").is_remote
    local = TemplateSource.parse("templates/scalefold", relative_to=tmp_path)
    assert not local.is_remote
    assert local.location == (tmp_path / "templates" / "scalefold").as_posix()
    assert TemplateSource.parse("https://github.com/scalefold/scalefold").same_as(
        TemplateSource.parse("https://github.com/scalefold/scalefold.git/")
    )


def test_copier_trust_entries_match_exactly_or_by_prefix() -> None:
    source = TemplateSource.parse("https://git.example.com/platform/scalefold.git")
    assert is_trusted(["https://git.example.com/platform/"], source)
    assert is_trusted(["https://git.example.com/platform/scalefold"], source)
    assert not is_trusted(["https://git.example.com/platform/scalefold-fork.git"], source)
    assert not is_trusted(["https://git.example.com/plat"], source)
    assert not is_trusted([], source)


def test_the_template_source_setting_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "scalefold.toml"
    monkeypatch.setenv("SCALEFOLD_CONFIG", str(config))
    assert load_settings().template_source == DEFAULT_TEMPLATE_SOURCE

    config.write_text('template_source = "https://git.example.com/platform/scalefold.git"\n')
    assert load_settings().template_source == "https://git.example.com/platform/scalefold.git"
    assert load_settings().template_source_origin == str(config)

    monkeypatch.setenv("SCALEFOLD_TEMPLATE_SOURCE", "/srv/git/scalefold")
    assert load_settings().template_source == "/srv/git/scalefold"

    assert load_settings("gh:me/scalefold").template_source == "gh:me/scalefold"


def test_a_broken_config_file_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "scalefold.toml"
    monkeypatch.setenv("SCALEFOLD_CONFIG", str(config))
    config.write_text("template_source = \n")
    with pytest.raises(UsageError, match="is not valid TOML"):
        load_settings()
    config.write_text("template_source = 3\n")
    with pytest.raises(UsageError, match="must be a non-empty string"):
        load_settings()


def test_the_template_version_is_the_release_tag() -> None:
    assert template_version("1.4.0") == "v1.4.0"
