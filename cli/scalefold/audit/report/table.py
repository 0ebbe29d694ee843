"""The default human report: Rich tables grouped by category, with scores."""

from __future__ import annotations

from itertools import groupby

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from scalefold.audit.model import UNSCORED, Category, Severity, Status
from scalefold.audit.results import Report, exit_code, plural

_STYLE = {Severity.ERROR: "err", Severity.WARNING: "warn", Severity.NOTE: "accent"}


def _score_text(score: float | None) -> str:
    if score is None:
        return "[muted]n/a[/muted]"
    style = "ok" if score >= 9 else "warn" if score >= 6 else "err"
    return f"[{style}]{score:.1f}[/{style}]"


def _plain_score(score: float | None) -> str:
    return "not scored" if score is None else f"{score:.1f}/10"


def render_table(report: Report, console: Console, *, fail_on: str = "error", verbose: bool = False) -> None:
    assert report.overall is not None
    excluded = f", {report.excluded} excluded by configuration" if report.excluded else ""
    console.print(
        f"[accent]scalefold check[/accent] {escape(str(report.root))} "
        f"[muted]({report.files} files{excluded}, {report.seconds:.1f} s)[/muted]"
    )
    summary = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    for column, justify in (
        ("Category", "left"),
        ("Score", "right"),
        ("Passed", "right"),
        ("Failed", "right"),
        ("Undetermined", "right"),
        ("N/A", "right"),
    ):
        summary.add_column(column, justify=justify)  # type: ignore[arg-type]
    for category, score in report.scores.items():
        summary.add_row(
            category.value,
            _score_text(score.score),
            str(score.passed),
            str(score.failed + score.errors),
            str(score.undetermined),
            str(score.not_applicable),
        )
    overall = report.overall
    summary.add_row(
        "[bold]overall[/bold]",
        _score_text(overall.score),
        str(overall.passed),
        str(overall.failed + overall.errors),
        str(overall.undetermined),
        str(overall.not_applicable),
    )
    console.print(summary)

    for category in Category:
        rows = [(r, f) for r in report.results if r.rule.category is category for f in r.findings]
        if not rows:
            continue
        table = Table(
            title=f"{category.value} · {_plain_score(report.scores[category].score)}",
            title_justify="left",
            show_lines=False,
            header_style="bold",
            expand=False,
        )
        table.add_column("Severity")
        table.add_column("Rule")
        table.add_column("Location", overflow="fold")
        table.add_column("Message", overflow="fold")
        for result, finding in rows:
            location = escape(f"{finding.path}:{finding.line}")
            if finding.active:
                style = _STYLE[finding.severity]
                table.add_row(
                    f"[{style}]{finding.severity.value}[/{style}]",
                    result.rule.id,
                    location,
                    escape(finding.message),
                )
            else:
                assert finding.suppression is not None
                table.add_row(
                    "[muted]suppressed[/muted]",
                    f"[muted]{result.rule.id}[/muted]",
                    f"[muted]{location}[/muted]",
                    f"[muted]{escape(finding.message)} ({finding.suppression.kind}: "
                    f"{escape(finding.suppression.reason)})[/muted]",
                )
        console.print()
        console.print(table)

    undetermined = [r for r in report.results if r.status is Status.UNDETERMINED]
    if undetermined:
        console.print()
        console.print("[bold]Undetermined[/bold] [muted](could not decide; not counted as passed)[/muted]")
        for result in undetermined:
            console.print(
                f"  [warn]{result.rule.id}[/warn] {escape(result.rule.title)}: {escape(result.reason)}"
            )
    skipped = [r for r in report.results if r.status in UNSCORED]
    if skipped:
        console.print()
        console.print("[bold]Not scored[/bold]")
        for (category, reason, status), group in groupby(
            skipped, key=lambda r: (r.rule.category, r.reason, r.status)
        ):
            ids = [r.rule.id for r in group]
            label = (
                "disabled"
                if status is Status.DISABLED
                else "not applicable"
                if status is Status.NOT_APPLICABLE
                else "not run"
            )
            shown = ", ".join(ids) if len(ids) <= 3 else f"{ids[0]}…{ids[-1]} ({len(ids)} rules)"
            console.print(f"  [muted]{category.value}: {shown} {label}: {escape(reason)}[/muted]")
    _print_errors(report, console, verbose)
    if report.advice:
        console.print()
        console.print("[bold]Advice[/bold] (suggestions, not findings)")
        for item in report.advice:
            console.print(f"  {item.rule_id} {escape(item.path)}:{item.line}: {escape(item.message)}")
    if report.notes:
        console.print()
        console.print("[bold]Notes[/bold]")
        for note in report.notes[:50]:
            console.print(f"  [muted]{escape(note.path)}: {escape(note.message)}[/muted]")
        if len(report.notes) > 50:
            console.print(f"  [muted]… and {len(report.notes) - 50} more (see --format json)[/muted]")

    counts = report.counts()
    console.print()
    tally = (
        f"{plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}, "
        f"{plural(counts['note'], 'note')}, "
        f"{counts['suppressed']} suppressed"
    )
    if report.baseline_written is not None:
        console.print(f"[ok]Wrote {plural(report.baseline_written, 'finding')} to the baseline.[/ok]")

    code = exit_code(report, fail_on)
    if code == 2:
        crashed = len(report.crashed) + len(report.internal_errors)
        console.print(f"[err]✗ {plural(crashed, 'rule')} crashed[/err]: the audit is incomplete ({tally})")
    elif code:
        console.print(f"[err]✗[/err] {tally} [muted](failing on {fail_on} and above)[/muted]")
    else:
        console.print(f"[ok]✓[/ok] {tally} [muted](nothing at or above {fail_on})[/muted]")


def _print_errors(report: Report, console: Console, verbose: bool) -> None:
    """Rules that crashed: always named, with their traceback under --verbose."""
    if not report.crashed and not report.internal_errors:
        return
    console.print()
    console.print("[err]Errors[/err] [muted](a bug in scalefold: please report it)[/muted]")
    for result in report.crashed:
        console.print(f"  [err]{result.rule.id}[/err] {escape(result.reason)}")
        if verbose and result.error:
            console.print(escape(result.error), style="muted", highlight=False)
    for error in report.internal_errors:
        console.print(f"  [err]{error.source}[/err] crashed on {escape(error.path)}")
        if verbose:
            console.print(escape(error.traceback), style="muted", highlight=False)
    if not verbose:
        console.print("  [muted]run with --verbose (or --format json) for the tracebacks[/muted]")
