"""``scalefold update [PATH]``: move a generated project to a later template version, keeping the team's work."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table

from scalefold.console import console
from scalefold.progress import step_progress
from scalefold.settings import template_version
from scalefold.upgrade import ChangeKind, UpdatePlan, UpdateRequest, UpdateResult, plan_update, run_update
from scalefold.upgrade.audit import check_available, run_check

_KIND_STYLE = {
    ChangeKind.ADDED: "ok",
    ChangeKind.MODIFIED: "accent",
    ChangeKind.DELETED: "warn",
    ChangeKind.RENAMED: "accent",
    ChangeKind.TYPE_CHANGED: "accent",
}


def _show_plan(plan: UpdatePlan, pretend: bool) -> None:
    verb = "Would update" if pretend else "Updating"
    console.print(
        f"{verb} [accent]{plan.project.name}[/accent] from template [accent]{plan.current}[/accent] "
        f"to [accent]{plan.target}[/accent] [muted]({plan.source})[/muted]"
    )
    if plan.switches_source:
        console.print(f"[muted]The project records {plan.recorded_source}; it will record {plan.source} from now on.[/muted]")
    if not plan.template.refreshed:
        console.print(f"[warn]Could not refresh {plan.source}; its cached copy was used.[/warn]")


def _show_changelog(plan: UpdatePlan) -> None:
    for entry in plan.changelog:
        console.print(Panel(Markdown(entry.body or "(no notes)"), title=f"Template {entry.heading}", title_align="left"))


def _show_changes(result: UpdateResult) -> None:
    if not result.changes:
        console.print("[muted]The template's changes were already in the project: no file changes.[/muted]")
        return
    conflicted = {conflict.path for conflict in result.conflicts}
    table = Table(title="Files the update would change" if not result.written else "Files changed", title_justify="left")
    table.add_column("change")
    table.add_column("path")
    for change in result.changes:
        label = f"[{_KIND_STYLE[change.kind]}]{change.kind.value}[/]"
        if change.path in conflicted:
            label = "[err]conflict[/err]"
        path = f"{change.previous} → {change.path}" if change.previous else change.path
        table.add_row(label, path)
    console.print(table)


def _show_conflicts(result: UpdateResult) -> None:
    if not result.conflicts:
        return
    verb = "would conflict" if not result.written else "conflict"
    console.print(f"[err]{len(result.conflicts)} file(s) {verb}[/err] — your change and the template's touch the same lines:")
    for conflict in result.conflicts:
        console.print(f"  [err]✗[/err] [accent]{conflict.path}[/accent]: {conflict.advice}", soft_wrap=True)


def _next_steps(result: UpdateResult) -> str:
    steps = ["git status && git diff      # review the update"]
    if result.conflicts:
        steps.append("resolve each conflict above, then git add the file")
    if any(change.path == "package.json" for change in result.changes):
        steps.append("npm install                 # package.json changed: refresh the lockfile")
    steps.append("npm test")
    steps.append(f'git add -A && git commit -m "Update to scalefold template {result.plan.target}"')
    return "\n".join(steps)


def update(
    path: Path = typer.Argument(Path("."), metavar="PATH", help="The generated project (default: the current folder)."),
    to: Optional[str] = typer.Option(
        None, "--to", metavar="VERSION", help=f"Template version to move to (default: this scalefold's, {template_version()})."
    ),
    template_source: Optional[str] = typer.Option(
        None,
        "--template-source",
        metavar="URL|PATH",
        help="Git source to read the template from, recorded in the project from now on (default: the one it records).",
    ),
    pretend: bool = typer.Option(False, "--pretend", "-n", help="Show what would change and what would conflict; write nothing."),
    trust: bool = typer.Option(
        False, "--trust", help="Run the template's migrations even when its source is not the configured one."
    ),
    no_check: bool = typer.Option(False, "--no-check", help="Do not run 'scalefold check' after the update."),
) -> None:
    """Upgrade a generated project to a later template version through Copier's three-way update.

    Your edits survive; where yours and the template's touch the same lines the file gets conflict
    markers and is listed. The project must be committed first (exit code 2 otherwise); exit code 1
    means the update was applied with conflicts to resolve (with --pretend: that it would conflict).
    """
    result: UpdateResult | None = None
    with step_progress() as steps:
        steps("Reading the project and the template source")
        plan = plan_update(UpdateRequest(path, to=to, template_source=template_source, trust=trust))
        if not plan.up_to_date:
            steps(f"Merging template {plan.target} with your changes{' (pretend)' if pretend else ''}")
            result = run_update(plan, pretend=pretend)
    if result is None:
        console.print(f"[ok]{plan.project.name} is already at template version {plan.current}[/ok]: nothing to update.")
        return
    _show_plan(plan, pretend)
    _show_changelog(plan)
    _show_changes(result)
    _show_conflicts(result)
    if pretend:
        console.print("[muted]--pretend: nothing was written.[/muted]")
        if result.conflicts:
            raise typer.Exit(1)  # the exit code the update itself would have
        return
    console.print(Panel(_next_steps(result), title="[ok]Updated[/ok] — next steps", title_align="left"))
    if not no_check:
        if check_available():
            console.rule("scalefold check")
            console.print(run_check(plan.project).summary)
        else:
            console.print("[muted]scalefold check is not available in this installation; skipped.[/muted]")
    if result.conflicts:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(update)
