"""`scalefold check [PATH]`: audit a Node.js backend against the rule catalogue."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import TextIO

import typer
from rich.console import Console

from scalefold.audit import AuditOptions, Report, exit_code, get_rule, run_audit
from scalefold.audit.fix.engine import FixPlan, describe, plan_fixes
from scalefold.audit.report import TEXT_RENDERERS
from scalefold.audit.report.table import render_table
from scalefold.console import THEME, console, err_console
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
    fix: bool = typer.Option(
        False, "--fix", help="Apply the automatic fixes, print what changed (a diff), then check again."
    ),
    diff: bool = typer.Option(
        False, "--diff", help="Print the automatic fixes as a unified diff and write nothing (exit 1 if any)."
    ),
    reports: list[str] = typer.Option(
        [],
        "--report",
        metavar="FORMAT:FILE",
        help="Also write the report in FORMAT to FILE (repeatable), e.g. sarif:scalefold.sarif.",
    ),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Show the traceback of a rule that crashed (table format)."
    ),
) -> None:
    """Audit a Node.js backend: Docker, CI, security, observability, performance, reliability,
    architecture, Kubernetes (and dependencies with --deps).

    Exit codes: 0 nothing at or above --fail-on, 1 something is, 2 usage or I/O error, nothing to
    audit, or a rule that crashed (the report is still written). With --diff: 1 when there are fixes.
    """
    extra = _parse_reports(reports)
    if diff and (write_baseline is not None or extra or output_format is not OutputFormat.table):
        raise UsageError(
            "--diff prints the fixes as a patch and writes nothing: drop --format, --report and --write-baseline"
        )
    options = AuditOptions(
        deps=deps, config=config, baseline=baseline, write_baseline=write_baseline, rules=_selected(only)
    )
    if diff:
        raise typer.Exit(_show_diff(path, options, output))
    report = _fix(path, options) if fix else run_audit(path, options)
    _render(report, output_format.value, output, fail_on.value, verbose)
    for format_name, target in extra:
        _render(report, format_name, target, fail_on.value, verbose)
    code = exit_code(report, fail_on.value)
    if code:
        raise typer.Exit(code)


def _selected(only: list[str]) -> frozenset[str] | None:
    if not only:
        return None
    rules = []
    for rule_id in only:
        found = get_rule(rule_id)
        if found is None:
            raise UsageError(f"unknown rule {rule_id!r} (see `scalefold rules`)")
        rules.append(found.id)
    return frozenset(rules)


def _parse_reports(reports: list[str]) -> list[tuple[str, Path]]:
    parsed = []
    for item in reports:
        format_name, sep, target = item.partition(":")
        if not sep or not target or format_name not in {f.value for f in OutputFormat}:
            formats = ", ".join(f.value for f in OutputFormat)
            raise UsageError(f"--report expects FORMAT:FILE with FORMAT one of {formats}, got {item!r}")
        parsed.append((format_name, Path(target)))
    return parsed


def _plan(path: Path, options: AuditOptions) -> FixPlan:
    # The baseline is written after the fixes, by the check that follows them.
    return plan_fixes(path, run_audit(path, replace(options, write_baseline=None)), options.today)


def _show_diff(path: Path, options: AuditOptions, output: Path | None) -> int:
    plan = _plan(path, options)
    for line in describe(plan, applied=False):
        err_console.print(line, soft_wrap=True)
    patch = plan.patch()
    if output is None:
        sys.stdout.write(patch)
        sys.stdout.flush()
    else:
        _write(output, lambda handle: handle.write(patch))
    return 1 if plan.changed_files else 0


def _fix(path: Path, options: AuditOptions) -> Report:
    """Apply the fixes, show them on stderr (the report keeps stdout), then check again."""
    plan = _plan(path, options)
    plan.write()
    for line in describe(plan, applied=True):
        err_console.print(line, soft_wrap=True)
    if plan.changed_files:
        err_console.print(plan.patch(), markup=False, highlight=False, soft_wrap=True, end="")
    return run_audit(path, options)


def _render(report: Report, format_name: str, output: Path | None, fail_on: str, verbose: bool) -> None:
    if format_name == OutputFormat.table.value:
        if output is None:
            render_table(report, console, fail_on=fail_on, verbose=verbose)
        else:
            _write(
                output,
                lambda handle: render_table(
                    report,
                    Console(file=handle, theme=THEME, width=120, no_color=True, highlight=False),
                    fail_on=fail_on,
                    verbose=verbose,
                ),
            )
        return
    text = TEXT_RENDERERS[format_name](report, fail_on=fail_on)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        _write(output, lambda handle: handle.write(text))


def _write(output: Path, write: Callable[[TextIO], object]) -> None:
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as handle:
            write(handle)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None


def register(app: typer.Typer) -> None:
    app.command("check")(check)
