"""``scalefold add module NAME``: grow a generated project by a domain module."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.panel import Panel

from scalefold.console import console
from scalefold.grow import AddModuleRequest, apply_plan, plan_module
from scalefold.progress import step_progress

add_app = typer.Typer(help="Add to a generated project: a domain module (scalefold add module NAME).")


@add_app.command("module")
def add_module(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The module's name: lowercase letters and digits (e.g. inventory).")],
    path: Annotated[Path, typer.Option("--path", "-C", metavar="PATH", help="The generated project (default: the current folder).")] = Path("."),
    pretend: Annotated[bool, typer.Option("--pretend", "-n", help="Show the files it would create and change; write nothing.")] = False,
) -> None:
    """Add a domain module (monolith, extracted's apps/api): routes, service, repository, migration, tests.

    The module is registered in the app and recorded in the project's answers (modules), so 'scalefold
    update' keeps it. A file you edited that the module changes (src/app.ts) gets the change merged; a
    file the module would create is never written over; on a refusal nothing is written (exit code 2).
    """
    with step_progress() as steps:
        steps(f"Rendering the template with module {name}")
        plan = plan_module(AddModuleRequest(path, name))
        if not pretend:
            apply_plan(plan)
    created, changed = ("would create", "would change") if pretend else ("created", "changed")
    for file in sorted(plan.created):
        console.print(f"  [ok]{created}[/ok] {file}", soft_wrap=True)
    for file in sorted(plan.changed):
        console.print(f"  [accent]{changed}[/accent] {file}", soft_wrap=True)
    if pretend:
        console.print("[muted]--pretend: nothing was written.[/muted]")
        return
    migrate = "npm run migrate" if plan.deployable == "." else f"npm run migrate --workspace {plan.deployable}"
    steps_text = "\n".join(
        [
            "npm run lint && npm run typecheck && npm test",
            f"{migrate:<28}# creates the module's table",
            f'git add -A && git commit -m "Add the {name} module"',
        ]
    )
    console.print(Panel(steps_text, title=f"[ok]Module {name} added[/ok] — next steps", title_align="left"))


def register(app: typer.Typer) -> None:
    app.add_typer(add_app, name="add")
