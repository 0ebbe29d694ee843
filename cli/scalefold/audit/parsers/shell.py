"""Shell command lines (Dockerfile `RUN`, workflow `run:` scripts) split into simple commands.

``shlex`` tokenises the script the way a POSIX shell would (quotes, escapes, comments); the
token stream is then cut at the operators that separate commands (``&&``, ``||``, ``;``, ``|``,
``&``) and at line ends, so rules can ask "is there a command ``npm test``?" instead of searching
the script's text.
"""

from __future__ import annotations

import shlex

_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", ";;", "|&"})


def commands(script: str) -> list[list[str]]:
    """The simple commands of ``script``, each as its list of words (assignments like ``X=1`` kept)."""
    found: list[list[str]] = []
    for line in script.replace("\\\n", " ").splitlines():
        try:
            lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            tokens = list(lexer)
        except ValueError:  # an unbalanced quote: fall back to words
            tokens = line.split()
        current: list[str] = []
        for token in tokens:
            if token in _SEPARATORS or token in {"(", ")", "{", "}"}:
                if current:
                    found.append(current)
                current = []
            else:
                current.append(token)
        if current:
            found.append(current)
    return found


def program(words: list[str]) -> tuple[str, list[str]]:
    """(program name, its arguments) of a command, skipping `VAR=value` prefixes and `sudo`/`env`."""
    index = 0
    while index < len(words) and ("=" in words[index] and not words[index].startswith("-")):
        index += 1
    while index < len(words) and words[index] in {"sudo", "env", "exec", "time", "command"}:
        index += 1
    if index >= len(words):
        return "", []
    return words[index].rsplit("/", 1)[-1], words[index + 1 :]


def positional(args: list[str]) -> list[str]:
    """The arguments that are not flags."""
    return [a for a in args if not a.startswith("-")]
