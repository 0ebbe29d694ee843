"""``scalefold presets`` and ``scalefold presets show NAME``."""

from __future__ import annotations

import typer
import yaml
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table

from scalefold.console import console
from scalefold.presets import builtin_presets, load_preset

presets_app = typer.Typer(help="List the presets, or show one preset's answers and architecture.")


@presets_app.callback(invoke_without_command=True)
def list_presets(ctx: typer.Context) -> None:
    """List the presets shipped with scalefold."""
    if ctx.invoked_subcommand is not None:
        return
    table = Table(title="Presets", title_justify="left")
    table.add_column("name", style="accent")
    table.add_column("summary")
    for preset in builtin_presets():
        table.add_row(preset.name, preset.summary)
    console.print(table)
    console.print("[muted]Show one with 'scalefold presets show NAME'; use one with 'scalefold new DEST --preset NAME'.[/muted]")


@presets_app.command("show")
def show_preset(name: str = typer.Argument(..., help="A preset name, or the path of a preset YAML file.")) -> None:
    """Print a preset's answers and the architecture it produces."""
    preset = load_preset(name)
    body = "\n".join(f"• {line}" for line in preset.architecture) or "(no architecture notes)"
    console.print(Panel(body, title=f"[accent]{preset.name}[/accent] — {preset.summary}", title_align="left"))
    answers = yaml.safe_dump(preset.answers, sort_keys=False).rstrip()
    console.print(Syntax(answers, "yaml", theme="ansi_dark", background_color="default"))


def register(app: typer.Typer) -> None:
    app.add_typer(presets_app, name="presets")
