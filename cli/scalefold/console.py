"""The Rich consoles every line shown to a person goes through."""

from __future__ import annotations

from rich.console import Console
from rich.theme import Theme

THEME = Theme(
    {
        "ok": "green",
        "warn": "yellow",
        "err": "bold red",
        "muted": "dim",
        "accent": "bold cyan",
    }
)

console = Console(theme=THEME, highlight=False)
err_console = Console(theme=THEME, stderr=True, highlight=False)


def fail(message: str) -> None:
    """Print one error line on stderr."""
    err_console.print(f"[err]error:[/err] {message}", soft_wrap=True)
