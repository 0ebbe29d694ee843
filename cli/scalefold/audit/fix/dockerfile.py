"""Where things are in a Dockerfile's text, for edits: the lines of each instruction, and the words
of a `RUN` with their offsets (the parsed form the rules read has no offsets)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from dockerfile_parse import DockerfileParser

_OPERATORS = ("&&", "||", ";;", "|&", ";", "|", "&", "(", ")")


def instruction_lines(text: str) -> dict[int, int]:
    """1-based first line → 1-based last line of each instruction (continuation lines included)."""
    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")))
    return {int(item["startline"]) + 1: int(item["endline"]) + 1 for item in parser.structure}


@dataclass(frozen=True)
class Word:
    value: str  # without quotes and escapes
    start: int  # offsets in the scanned text
    end: int


def _quoted_end(text: str, index: int) -> int:
    """The offset just past the quoted string starting at ``index``."""
    quote = text[index]
    index += 1
    while index < len(text) and text[index] != quote:
        index += 2 if quote == '"' and text[index] == "\\" else 1
    return min(index + 1, len(text))


def shell_commands(text: str) -> list[list[Word]]:
    """The simple commands of a shell script, as words with their offsets in ``text``.

    Splits like ``parsers.shell.commands`` (at ``&&``, ``||``, ``;``, ``|``, ``&``, parentheses and
    line ends; ``\\`` + newline continues a line) so an edit lands on the word a rule flagged.
    """
    commands: list[list[Word]] = []
    current: list[Word] = []
    index = 0

    def close() -> None:
        nonlocal current
        if current:
            commands.append(current)
        current = []

    while index < len(text):
        char = text[index]
        if text.startswith("\\\n", index) or text.startswith("\\\r\n", index):
            index += 2 if text[index + 1] == "\n" else 3
        elif char in " \t\r":
            index += 1
        elif char == "\n":
            close()
            index += 1
        elif char == "#":
            while index < len(text) and text[index] != "\n":
                index += 1
        elif any(text.startswith(op, index) for op in _OPERATORS):
            close()
            index += len(next(op for op in _OPERATORS if text.startswith(op, index)))
        else:
            start, value = index, []
            while (
                index < len(text)
                and text[index] not in " \t\r\n"
                and not any(text.startswith(op, index) for op in _OPERATORS)
            ):
                if text[index] in "'\"":
                    end = _quoted_end(text, index)
                    value.append(text[index + 1 : end - 1])
                    index = end
                elif text[index] == "\\" and index + 1 < len(text) and text[index + 1] != "\n":
                    value.append(text[index + 1])
                    index += 2
                elif text.startswith("\\\n", index):
                    break
                else:
                    value.append(text[index])
                    index += 1
            current.append(Word("".join(value), start, index))
    close()
    return commands
