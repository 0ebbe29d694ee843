"""``scalefold advise``: the scale questions and the recommendation, from flags, a file or prompts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from scalefold.advisor import (
    InvalidAnswer,
    MissingAnswers,
    build_report,
    complete_answers,
    parse_answers,
    read_answers_file,
    recommend,
)
from scalefold.advisor.answers import MODULES, QUESTIONS_BY_KEY, TARGETS
from scalefold.advisor.panel import recommendation_panel
from scalefold.console import console
from scalefold.errors import UsageError
from scalefold.presets import builtin_presets


def _terminal_attached() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _from_flags(flags: dict[str, Any]) -> dict[str, Any]:
    """Parse the flags that were given, naming the flag in any error."""
    parsed: dict[str, Any] = {}
    for key, value in flags.items():
        if value is None:
            continue
        try:
            parsed[key] = QUESTIONS_BY_KEY[key].parse(value)
        except InvalidAnswer as reason:
            raise UsageError(f"{QUESTIONS_BY_KEY[key].flag}: {reason}") from None
    return parsed


def _from_file(path: Path) -> dict[str, Any]:
    try:
        return parse_answers(read_answers_file(path))
    except InvalidAnswer as reason:
        message = str(reason)
        raise UsageError(message if str(path) in message else f"{path}: {message}") from None


def advise(
    rps: str | None = typer.Option(None, "--rps", help="Expected peak requests per second, e.g. 500."),
    teams: str | None = typer.Option(None, "--teams", help="Number of teams working on the backend."),
    independent: list[str] | None = typer.Option(
        None,
        "--independent",
        help=f"A part that must deploy or scale independently ({', '.join(MODULES)}); "
        "repeat or comma-separate; 'none' for none.",
    ),
    read_ratio: str | None = typer.Option(
        None, "--read-ratio", help="Share of requests that are reads: 0.9, 90% or 9:1."
    ),
    background: str | None = typer.Option(
        None, "--background", help="Background work: none, light or heavy."
    ),
    realtime: bool | None = typer.Option(
        None, "--realtime/--no-realtime", help="Clients need real-time updates."
    ),
    webhooks: bool | None = typer.Option(
        None, "--webhooks/--no-webhooks", help="Other systems want your events pushed to them (webhooks)."
    ),
    audit_trail: bool | None = typer.Option(
        None, "--audit-trail/--no-audit-trail", help="Every change must be kept in an audit trail."
    ),
    target: str | None = typer.Option(None, "--target", help=f"Deployment target: {', '.join(TARGETS)}."),
    answers_file: Path | None = typer.Option(
        None,
        "--answers",
        help="A YAML or JSON file of answers (flags override it); also reads 'advise --json' output.",
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print the recommendation as JSON (schema_version 2)."
    ),
) -> None:
    """Ask the scale questions; recommend a preset and options, each with its reason.

    In a terminal, questions that flags and --answers leave open are asked.

    Without one, --rps and --teams are required and the other answers take their defaults.
    """
    given = _from_file(answers_file) if answers_file else {}
    given.update(
        _from_flags(
            {
                "rps": rps,
                "teams": teams,
                "independent": independent,
                "read_ratio": read_ratio,
                "background": background,
                "realtime": realtime,
                "webhooks": webhooks,
                "audit_trail": audit_trail,
                "target": target,
            }
        )
    )

    defaulted: list[str] = []
    if _terminal_attached() and len(given) < len(QUESTIONS_BY_KEY):
        from scalefold.interactive import Prompter, ask_scale_answers, interrupts_end_cleanly

        with interrupts_end_cleanly():
            answers = ask_scale_answers(Prompter(), given)
    else:
        try:
            answers, defaulted = complete_answers(given)
        except MissingAnswers as missing:
            raise UsageError(
                f"missing answers: {missing} (give them as flags or in --answers FILE, or run in a terminal)"
            ) from None

    recommendation = recommend(answers)
    if as_json:
        shipped = [preset.name for preset in builtin_presets()]
        report = build_report(answers, recommendation, shipped_presets=shipped, defaulted=defaulted)
        # Machine output: plain JSON on stdout, never wrapped or coloured.
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
        return
    console.print(recommendation_panel(answers, recommendation))
    if defaulted:
        names = ", ".join(QUESTIONS_BY_KEY[key].flag for key in defaulted)
        console.print(f"[muted]Defaults assumed for: {names}.[/muted]")


def register(app: typer.Typer) -> None:
    app.command()(advise)
