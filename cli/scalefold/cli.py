"""The ``scalefold`` command line: one function per command, each delegating to library code."""

from __future__ import annotations

import importlib
import os
import sys
import typer

from scalefold import __version__
from scalefold.console import console, fail
from scalefold.errors import ScalefoldError

app = typer.Typer(
    name="scalefold",
    help="Bootstrap production-grade, scalable Node.js/TypeScript backends and keep them honest afterwards.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

#: Command modules under scalefold.commands, in the order --help lists them.
COMMANDS = ("new", "advise", "presets", "check", "rules", "update")


def _print_version(value: bool) -> None:
    if value:
        console.print(f"scalefold {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", help="Show the version and exit.", callback=_print_version, is_eager=True
    ),
) -> None:
    """Bootstrap production-grade, scalable Node.js/TypeScript backends and keep them honest afterwards."""


for _name in COMMANDS:
    try:
        _module = importlib.import_module(f"scalefold.commands.{_name}")
    except ModuleNotFoundError as _missing:
        if _missing.name != f"scalefold.commands.{_name}":
            raise
        continue
    _module.register(app)


def main() -> None:
    """Entry point: turns every expected failure into one line and an exit code.

    Typer already maps usage errors to exit code 2 and Ctrl-C to 130.
    """
    try:
        app()
    except ScalefoldError as exc:
        fail(str(exc))
        sys.exit(exc.exit_code)
    except Exception as exc:  # the one place a bug is caught, so the user still gets a single line
        if os.environ.get("SCALEFOLD_DEBUG"):
            raise
        fail(f"unexpected {type(exc).__name__}: {exc} (set SCALEFOLD_DEBUG=1 for the traceback)")
        sys.exit(1)
