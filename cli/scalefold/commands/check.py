"""`scalefold check [PATH]`: audit a Node.js backend against the rule catalogue."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TextIO

import typer
from rich.console import Console

from scalefold.audit import AuditOptions, exit_code, get_rule, run_audit
from scalefold.audit.report import TEXT_RENDERERS
from scalefold.audit.report.table import render_table
from scalefold.console import THEME, console
from scalefold.errors import UsageError


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    markdown = "markdown"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    note = "note"
    never = "never"


def check(
    path: Path = typer.Argument(Path("."), help="The repository to audit.", show_default=True),
    output_format: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Report format."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the report to FILE instead of the terminal."
    ),
    fail_on: FailOn = typer.Option(
        FailOn.error, "--fail-on", help="Exit 1 when a finding reaches this severity."
    ),
    deps: bool = typer.Option(False, "--deps", help="Also run the dependency audit (npm audit, pip-audit)."),
    config: Path | None = typer.Option(
        None, "--config", help="Configuration file (default: PATH/.scalefold.yml)."
    ),
    baseline: Path | None = typer.Option(
        None, "--baseline", help="Suppress the findings recorded in this baseline file."
    ),
    write_baseline: Path | None = typer.Option(
        None, "--write-baseline", help="Record today's findings in FILE (then they show as suppressed)."
    ),
    only: list[str] = typer.Option([], "--rule", "-r", help="Run only this rule (repeatable)."),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Show the traceback of a rule that crashed (table format)."
    ),
) -> None:
    """Audit a Node.js backend: Docker, CI, security, observability, performance, reliability,
    architecture, Kubernetes (and dependencies with --deps).

    Exit codes: 0 nothing at or above --fail-on, 1 something is, 2 usage or I/O error, nothing to
    audit, or a rule that crashed (the report is still written).
    """
    selected: frozenset[str] | None = None
    if only:
        rules = []
        for rule_id in only:
            found = get_rule(rule_id)
            if found is None:
                raise UsageError(f"unknown rule {rule_id!r} (see `scalefold rules`)")
            rules.append(found.id)
        selected = frozenset(rules)
    report = run_audit(
        path,
        AuditOptions(
            deps=deps, config=config, baseline=baseline, write_baseline=write_baseline, rules=selected
        ),
    )
    if output_format is OutputFormat.table:
        if output is None:
            render_table(report, console, fail_on=fail_on.value, verbose=verbose)
        else:
            _write(
                output,
                lambda handle: render_table(
                    report,
                    Console(file=handle, theme=THEME, width=120, no_color=True, highlight=False),
                    fail_on=fail_on.value,
                    verbose=verbose,
                ),
            )
    else:
        text = TEXT_RENDERERS[output_format.value](report, fail_on=fail_on.value)
        if output is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            _write(output, lambda handle: handle.write(text))
    code = exit_code(report, fail_on.value)
    if code:
        raise typer.Exit(code)


def _write(output: Path, write: Callable[[TextIO], object]) -> None:
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as handle:
            write(handle)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None


def register(app: typer.Typer) -> None:
    app.command("check")(check)
