"""The ``scalefold`` command line: one function per command, each delegating to library code."""

from __future__ import annotations

import importlib
import os
import sys
from typing import NoReturn

import typer
from typer.exceptions import Abort, TyperException

from scalefold.console import console, err_console, fail
from scalefold.errors import ScalefoldError
from scalefold.help import use_flag_help

app = typer.Typer(
    name="scalefold",
    help="Bootstrap production-grade, scalable Node.js/TypeScript backends and keep them honest afterwards.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

#: Command modules under scalefold.commands, in the order --help lists them.
COMMANDS = ("new", "add", "advise", "presets", "check", "rules", "update")


def _print_version(value: bool) -> None:
    if value:
        from scalefold.build import current_build

        console.print(f"scalefold {current_build()}", soft_wrap=True)
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
use_flag_help(app)


def _usage_error(exc: TyperException) -> NoReturn:
    """Typer's usage errors (unknown option, missing argument, bad value) as one line, exit 2."""
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError":  # bare `scalefold`: show the help
        console.print(exc.format_message())
        sys.exit(0)
    hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
    fail(f"{exc.format_message()}{hint}")
    sys.exit(exc.exit_code)


def main() -> None:
    """Entry point: every expected failure becomes one line on stderr and an exit code.

    2 for usage and input/output errors, 1 for a failed step or a bug, 130 for Ctrl-C.
    """
    try:
        result = app(prog_name="scalefold", standalone_mode=False)
    except ScalefoldError as exc:
        fail(str(exc))
        sys.exit(exc.exit_code)
    except TyperException as exc:
        _usage_error(exc)
    except (Abort, KeyboardInterrupt):
        err_console.print()
        fail("interrupted")
        sys.exit(130)
    except Exception as exc:  # the one place a bug is caught, so the user still gets a single line
        if os.environ.get("SCALEFOLD_DEBUG"):
            raise
        fail(f"unexpected {type(exc).__name__}: {exc} (set SCALEFOLD_DEBUG=1 for the traceback)")
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)
