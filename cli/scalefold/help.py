"""Help screens where a flag (an option that takes no value) shows no value type.

Typer's help lists each option with the type of the value it takes; for a plain flag such as
``--force`` it prints ``<bool>``, which reads as if the flag took a value. These command classes
leave that column empty for flags; every command of the CLI uses them.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup


def _without_flag_types(params: list[Any]) -> list[Any]:
    for param in params:
        if getattr(param, "is_flag", False) and getattr(param, "metavar", None) is None:
            param.metavar = ""  # shown in place of the type: nothing
    return params


class Command(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _without_flag_types(super().get_params(ctx))


class Group(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _without_flag_types(super().get_params(ctx))


def use_flag_help(app: typer.Typer) -> None:
    """Give ``app``, its commands and its sub-command groups the classes above."""
    app.info.cls = Group
    for command in app.registered_commands:
        if command.cls in (None, TyperCommand):  # Typer's default: no command chose its own
            command.cls = Command
    for group in app.registered_groups:
        if group.typer_instance is not None:
            use_flag_help(group.typer_instance)
