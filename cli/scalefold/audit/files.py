"""Walk the audited tree safely and read its files without ever crashing.

Real repositories hold binary files, huge generated bundles, unreadable files, files left with
merge-conflict markers, names that are not UTF-8, symbolic-link loops and ``node_modules``. Each of
those is skipped (or, for a name, shown escaped) with a note, and no link that leads out of the
audited tree is ever followed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from scalefold.audit.model import Note

# Folders that hold installed or generated code, not the project's own.
SKIPPED_DIRS = frozenset(
    {
        "node_modules",
        ".git",
        ".hg",
        ".svn",
        "dist",
        "build",
        "coverage",
        ".next",
        ".nuxt",
        ".turbo",
        ".cache",
        ".venv",
        "venv",
        "__pycache__",
        ".pytest_cache",
        ".terraform",
        "bower_components",
    }
)
MAX_FILE_BYTES = 2 * 1024 * 1024  # larger files are generated or data, not code to audit
_BINARY_SNIFF = 8192


@dataclass(frozen=True)
class FileEntry:
    rel: str  # POSIX path relative to the root, as reported
    path: str  # where to read it (may be a link inside the tree); a plain string, cheap to pass around
    size: int


@dataclass
class FileTree:
    root: Path
    files: dict[str, FileEntry] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    excluded: int = 0


@lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    pattern = pattern.strip().strip("/")
    tail = ""
    if pattern.endswith("/**"):  # "legacy/**" also matches the folder itself
        pattern, tail = pattern[:-3], "(?:/.*)?"
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + tail + r"\Z")


def glob_match(pattern: str, rel: str) -> bool:
    """True when ``rel`` or one of its parent folders matches the glob ``pattern``.

    ``*`` stays inside one path segment, ``**`` crosses segments, and a pattern without a slash
    matches a name at any depth (so ``fixtures`` excludes every ``fixtures`` folder).
    """
    regex = _glob_regex(pattern)
    parts = rel.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    if "/" not in pattern.strip("/"):
        candidates += parts
    return any(regex.match(c) for c in candidates)


def display_name(name: str) -> str:
    """A file name as reported: bytes that are not UTF-8 shown as ``\\xe9`` escapes.

    Python hands such names over with lone surrogates, which cannot be encoded again (in a
    fingerprint, a JSON or SARIF report, the terminal); the escaped form can, and stays unique.
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return name


def walk(root: Path, exclude: tuple[str, ...] = ()) -> FileTree:
    """Index every regular file under ``root`` that the audit may read."""
    real_root = root.resolve()
    tree = FileTree(root=root)
    skipped_dirs: dict[str, int] = {}
    visited: set[str] = {str(real_root)}
    # (folder, its path as reported, its real path): a folder reached through no link is its
    # parent's real path plus its name, which saves resolving each of thousands of folders again.
    stack: list[tuple[Path, str, str]] = [(root, "", str(real_root))]
    while stack:
        folder, prefix, real_folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            tree.notes.append(
                Note(prefix.rstrip("/") or ".", f"folder not readable, skipped ({exc.strerror or exc})")
            )
            continue
        for entry in entries:
            shown = display_name(entry.name)
            rel = f"{prefix}{shown}"
            if shown != entry.name:
                tree.notes.append(Note(rel, "name is not valid UTF-8; reported with its bytes escaped"))
            if exclude and any(glob_match(p, rel) for p in exclude):
                tree.excluded += 1
                continue
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=False)
                if is_link:
                    target = Path(os.path.realpath(entry.path))
                    if not target.is_relative_to(real_root):
                        tree.notes.append(
                            Note(rel, "symbolic link leads out of the audited tree, not followed")
                        )
                        continue
                    is_dir = target.is_dir()
                    if not is_dir and not target.is_file():
                        tree.notes.append(Note(rel, "broken symbolic link, skipped"))
                        continue
                if is_dir:
                    if entry.name in SKIPPED_DIRS:
                        skipped_dirs[entry.name] = skipped_dirs.get(entry.name, 0) + 1
                        continue
                    real = os.path.realpath(entry.path) if is_link else os.path.join(real_folder, entry.name)
                    if real in visited:
                        loop = real_folder == real or Path(real_folder).is_relative_to(real)
                        message = (
                            "symbolic link loop, not followed"
                            if loop
                            else "symbolic link to a folder audited under its own path, not followed twice"
                        )
                        tree.notes.append(Note(rel, message))
                        continue
                    visited.add(real)
                    stack.append((Path(entry.path), rel + "/", real))
                elif is_link or entry.is_file(follow_symlinks=False):
                    size = entry.stat(follow_symlinks=True).st_size
                    tree.files[rel] = FileEntry(rel=rel, path=entry.path, size=size)
            except OSError as exc:
                tree.notes.append(Note(rel, f"not readable, skipped ({exc.strerror or exc})"))
    for name, count in sorted(skipped_dirs.items()):
        if name in {"node_modules", "dist", "build", "coverage"}:
            plural = "folder" if count == 1 else "folders"
            tree.notes.append(Note(name, f"{count} {name} {plural} skipped (installed or generated code)"))
    return tree


@dataclass(frozen=True)
class ReadResult:
    text: str | None
    note: Note | None = None
    data: bytes | None = None  # the file's UTF-8 bytes (byte-order mark removed) when it was read


_CONFLICT_START = "<<<<<<<"
_CONFLICT_MIDDLE = "======="
_CONFLICT_END = ">>>>>>>"


def has_conflict_markers(text: str) -> bool:
    """Whether the text still holds an unresolved merge conflict (`<<<<<<<`, `=======`, `>>>>>>>` lines).

    A file in that state is neither version of itself; reading it would report what is in
    neither (a route "missing" because it sits between the markers).
    """
    if _CONFLICT_START not in text:
        return False
    started = middle = False
    for line in text.splitlines():
        if line.startswith(_CONFLICT_START):
            started, middle = True, False
        elif started and line.rstrip() == _CONFLICT_MIDDLE:
            middle = True
        elif started and middle and line.startswith(_CONFLICT_END):
            return True
    return False


def read_bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def read_text(entry: FileEntry, max_bytes: int = MAX_FILE_BYTES) -> ReadResult:
    """The file's text, or a note saying why it was skipped (too big, binary, unreadable)."""
    if entry.size > max_bytes:
        return ReadResult(None, Note(entry.rel, f"larger than {max_bytes // 1024} KiB, skipped"))
    try:
        data = read_bytes(entry.path)
    except OSError as exc:
        return ReadResult(None, Note(entry.rel, f"not readable, skipped ({exc.strerror or exc})"))
    if b"\0" in data[:_BINARY_SNIFF]:
        return ReadResult(None, Note(entry.rel, "binary file, skipped"))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return ReadResult(None, Note(entry.rel, "not UTF-8 text, skipped"))
    if has_conflict_markers(text):
        return ReadResult(None, Note(entry.rel, "has unresolved merge-conflict markers, skipped"))
    return ReadResult(text, data=data)
