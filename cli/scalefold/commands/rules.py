"""`scalefold rules [ID]`: list the audit rules, or explain one."""

from __future__ import annotations

import difflib
import json

import typer
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from scalefold.audit import catalogue, get_rule
from scalefold.audit.docs import rule_page_path
from scalefold.audit.model import Category
from scalefold.audit.rule import Rule
from scalefold.console import console
from scalefold.errors import UsageError

_SEVERITY_STYLE = {"error": "err", "warning": "warn", "note": "accent"}


def _rule_json(rule: Rule) -> dict[str, object]:
    return {
        "id": rule.id,
        "name": rule.name,
        "category": rule.category.value,
        "severity": rule.severity.value,
        "title": rule.title,
        "rationale": rule.rationale,
        "fix": rule.fix,
        "needs_deps": rule.needs_deps,
        "fixable": rule.fixer is not None,
    }


def _explain(rule: Rule) -> None:
    style = _SEVERITY_STYLE[rule.severity.value]
    automatic = "Fix automatically: scalefold check --fix (--diff shows the change first)\n" if rule.fixer else ""
    body = (
        f"[bold]{escape(rule.title)}[/bold]\n"
        f"[muted]{rule.category.value} · default severity[/muted] [{style}]{rule.severity.value}[/{style}]"
        f"[muted] · {rule.name}{' · runs with --deps' if rule.needs_deps else ''}[/muted]\n\n"
        f"[bold]Why[/bold]\n{escape(rule.rationale)}\n\n"
        f"[bold]Fix[/bold]\n{escape(rule.fix)}\n{automatic}\n"
        f"[bold]Suppress[/bold] [muted](always with a reason)[/muted]\n"
        f"  // scalefold-ignore {rule.id}: <why this is fine here>\n"
        f'  or in .scalefold.yml: rules: {{ {rule.id}: {{ enabled: false, reason: "…" }} }}\n\n'
        f"[muted]Docs: {rule_page_path(rule)}[/muted]"
    )
    console.print(Panel(body, title=f"[accent]{rule.id}[/accent]", title_align="left", expand=False))


def rules(
    rule_id: str | None = typer.Argument(None, metavar="[ID]", help="A rule id (e.g. SEC-002) to explain."),
    category: Category | None = typer.Option(None, "--category", "-c", help="Only list this category."),
    as_json: bool = typer.Option(False, "--json", help="Print the catalogue (or the rule) as JSON."),
) -> None:
    """List the audit rules, or explain one rule: why it matters and how to fix it."""
    if rule_id is not None:
        rule = get_rule(rule_id)
        if rule is None:
            ids = [r.id for r in catalogue()]
            close = difflib.get_close_matches(rule_id.upper(), ids, n=1)
            hint = f"; did you mean {close[0]}?" if close else " (run `scalefold rules` for the list)"
            raise UsageError(f"unknown rule {rule_id!r}{hint}")
        if as_json:
            console.print_json(json.dumps(_rule_json(rule)))
        else:
            _explain(rule)
        return
    selected = [r for r in catalogue() if category is None or r.category is category]
    if as_json:
        console.print_json(json.dumps([_rule_json(r) for r in selected]))
        return
    table = Table(title=f"{len(selected)} rules", title_justify="left", header_style="bold")
    table.add_column("ID", style="accent", no_wrap=True)
    table.add_column("Category")
    table.add_column("Severity")
    table.add_column("Title")
    for rule in selected:
        style = _SEVERITY_STYLE[rule.severity.value]
        table.add_row(
            rule.id, rule.category.value, f"[{style}]{rule.severity.value}[/{style}]", escape(rule.title)
        )
    console.print(table)
    console.print("[muted]Explain one with 'scalefold rules ID'.[/muted]")


def register(app: typer.Typer) -> None:
    app.command("rules")(rules)
