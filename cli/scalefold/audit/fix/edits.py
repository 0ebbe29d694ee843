"""Minimal edits of text files: insert or append lines, add a JSON member, keeping the file's style
(line endings, indentation, final newline) so the diff shows only what the fix adds."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from scalefold.audit.fix.model import CannotFix


def newline(text: str) -> str:
    """The file's line ending: ``\\r\\n`` when it uses them, else ``\\n``."""
    return "\r\n" if "\r\n" in text else "\n"


def insert_after_line(text: str, line: int, new_lines: list[str]) -> str:
    """``text`` with ``new_lines`` inserted after its 1-based ``line`` (0: at the very start)."""
    end = newline(text)
    lines = text.splitlines(keepends=True)
    if line > 0 and line <= len(lines) and not lines[line - 1].endswith(("\n", "\r")):
        lines[line - 1] += end  # the last line had no final newline
    block = [f"{new}{end}" for new in new_lines]
    return "".join(lines[:line] + block + lines[line:])


def append_lines(text: str, new_lines: list[str], *, separate: bool = True) -> str:
    """``text`` with ``new_lines`` at the end, after a blank line when ``separate`` and the file has text."""
    end = newline(text)
    if text and not text.endswith(("\n", "\r")):
        text += end
    if separate and text.strip() and not text.endswith(end * 2):
        text += end
    return text + "".join(f"{new}{end}" for new in new_lines)


def _json_indent(text: str) -> str | int:
    """The indentation of the first member of a pretty-printed JSON object (npm writes 2 spaces)."""
    for line in text.splitlines()[1:]:
        stripped = line.lstrip(" \t")
        if stripped:
            return line[: len(line) - len(stripped)] or 0
    return 2


def _dump(data: Any, indent: str | int) -> str:
    # JSON.stringify(data, null, indent), as npm writes package.json.
    return json.dumps(data, indent=indent, ensure_ascii=False)


def edit_json(text: str, name: str, edit: Callable[[Any], Any]) -> str:
    """``text`` with its parsed JSON replaced by ``edit(data)``, written back the way it was written:
    same indentation, key order, line endings and final newline.

    Refuses a file that is not laid out the way JSON.stringify / npm lay it out (hand-aligned,
    one-line, comments), rather than reformat the user's file.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CannotFix(f"{name} is not valid JSON (line {exc.lineno})") from None
    end = newline(text)
    body = text.replace(end, "\n") if end != "\n" else text
    indent = _json_indent(body)
    trailing = body[len(body.rstrip("\n")) :]
    if _dump(data, indent) + trailing != body:
        raise CannotFix(f"{name} is not laid out the way npm writes it, so it is left as it is")
    return (_dump(edit(data), indent) + trailing).replace("\n", end)


def with_member(mapping: dict[str, Any], key: str, value: Any, after: tuple[str, ...]) -> dict[str, Any]:
    """A copy of ``mapping`` with ``key`` added right after the last of ``after`` it has (else first)."""
    position = 0
    for index, existing in enumerate(mapping):
        if existing in after:
            position = index + 1
    items = list(mapping.items())
    items.insert(position, (key, value))
    return dict(items)
