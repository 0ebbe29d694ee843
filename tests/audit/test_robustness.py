"""Real repositories are messy: nothing in them may crash the audit or lead it out of the tree."""

from __future__ import annotations

import os
from pathlib import Path

from scalefold.audit.files import FileEntry, glob_match, read_text

from .conftest import audit


def _notes(report) -> dict[str, str]:
    return {n.path: n.message for n in report.notes}


def test_binary_invalid_and_huge_files_are_skipped_with_a_note(project) -> None:
    root = project(
        files={
            ".github/workflows/broken.yml": "on: [push\njobs: {\n",
            "services/x/package.json": '{ "name": ',
            "src/blob.ts": "\0\1\2 binary",
            "src/latin1.ts": "",
        }
    )
    (root / "src/latin1.ts").write_bytes(b"export const s = '\xe9';\n")
    (root / "src/huge.js").write_text("// generated\n" + "x = 1;\n" * 400_000)
    report = audit(root)
    notes = _notes(report)
    assert "invalid YAML" in notes[".github/workflows/broken.yml"]
    assert "invalid JSON" in notes["services/x/package.json"]
    assert "binary" in notes["src/blob.ts"]
    assert "UTF-8" in notes["src/latin1.ts"]
    assert "larger than" in notes["src/huge.js"]
    assert report.overall is not None


def test_node_modules_is_never_read(project) -> None:
    root = project(
        files={
            "node_modules/evil/index.js": "eval(process.argv[2]);\n",
            "node_modules/evil/package.json": '{ "name": "evil", "dependencies": { "express": "4" } }',
        }
    )
    report = audit(root)
    assert not any(f.path.startswith("node_modules") for f in report.findings)
    assert "node_modules" in _notes(report)


def test_symlink_loops_and_links_out_of_the_tree_are_not_followed(project, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.ts").write_text("eval('x');\n")
    root = project()
    os.symlink(root / "src", root / "src" / "loop")
    os.symlink(outside, root / "src" / "elsewhere")
    os.symlink(outside / "secret.ts", root / "src" / "secret.ts")
    os.symlink(root / "missing", root / "src" / "dangling.ts")
    report = audit(root)
    notes = _notes(report)
    assert "loop" in notes["src/loop"]
    assert "out of the audited tree" in notes["src/elsewhere"]
    assert "out of the audited tree" in notes["src/secret.ts"]
    assert "broken" in notes["src/dangling.ts"]
    assert not any("secret" in f.path for f in report.findings)


def test_links_inside_the_tree_are_audited_once(project) -> None:
    root = project(
        files={
            "shared/run.ts": "export const run = (s: string) => eval(s);\n",
            "lib/real/task.ts": "export const task = (s: string) => eval(s);\n",
        }
    )
    os.symlink(root / "shared", root / "src" / "shared")  # a folder also reachable by its own path
    os.symlink(root / "lib" / "real", root / "src" / "tasks")  # src/ is walked before lib/ is reached
    report = audit(root, rules=frozenset({"SEC-014"}))
    assert len(report.findings) == 2
    assert {f.path for f in report.findings} & {"shared/run.ts", "src/shared/run.ts"}
    assert {f.path for f in report.findings} & {"lib/real/task.ts", "src/tasks/task.ts"}
    assert "not followed twice" in " ".join(n.message for n in report.notes)


def test_unreadable_files_are_skipped_with_a_note(tmp_path: Path, monkeypatch) -> None:
    # Tests run as root here, so permissions cannot make a file unreadable: simulate the OS error.
    from scalefold.audit import files

    target = tmp_path / "secret.ts"
    target.write_text("x")
    original = files.read_bytes

    def deny(path: str) -> bytes:
        if path == str(target):
            raise PermissionError(13, "Permission denied")
        return original(path)

    monkeypatch.setattr(files, "read_bytes", deny)
    result = read_text(FileEntry("secret.ts", str(target), 1))
    assert result.text is None and result.note is not None
    assert "not readable" in result.note.message and "Permission denied" in result.note.message


def test_an_unreadable_folder_is_skipped_with_a_note(project, monkeypatch) -> None:
    root = project()
    real_scandir = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if str(path).endswith("k8s"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = audit(root)
    assert "folder not readable" in _notes(report)["k8s"]


def test_glob_matching_for_exclusions() -> None:
    assert glob_match("legacy/**", "legacy")
    assert glob_match("legacy/**", "legacy/a/b.ts")
    assert glob_match("fixtures", "test/fixtures/x.json")
    assert glob_match("**/*.gen.ts", "src/a/b.gen.ts")
    assert not glob_match("src/*.ts", "src/a/b.ts")
    assert not glob_match("legacy/**", "src/legacy.ts")


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    import pytest
    from scalefold.errors import UsageError

    with pytest.raises(UsageError, match="no such directory"):
        audit(tmp_path / "missing")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(UsageError, match="not a directory"):
        audit(tmp_path / "file.txt")
