"""Values a rendered project states itself, read back rather than computed again."""

from __future__ import annotations

from pathlib import Path


def env_example(folder: Path) -> dict[str, str]:
    """The variables ``folder/.env.example`` sets (``NAME=value`` lines), by name; empty if it is absent.

    The template writes each deployable's development defaults there once (copier.yml's ``dev_ports``),
    so what scalefold tells about a project agrees with the project.
    """
    try:
        text = (folder / ".env.example").read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
        return {}
    variables = {}
    for line in text.splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and name and not name.startswith("#"):
            variables[name.strip()] = value.strip()
    return variables
