"""The recommendation as a person reads it: one Rich panel."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from scalefold.advisor.answers import ScaleAnswers, describe
from scalefold.advisor.recommend import Recommendation
from scalefold.advisor.rules import PRESET_TITLES


def _value(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def recommendation_panel(answers: ScaleAnswers, recommendation: Recommendation) -> Panel:
    parts: list[RenderableType] = [Text(describe(answers), style="muted"), Text()]

    why = Table.grid(padding=(0, 2))
    why.add_column(style="accent", no_wrap=True)
    why.add_column()
    why.add_row("Why", recommendation.reason)
    parts.append(why)

    if recommendation.generated:
        parts += [Text(), Text("Template answers: scalefold new generates them", style="bold")]
        answers = Table.grid(padding=(0, 2))
        answers.add_column(style="accent", no_wrap=True)
        answers.add_column(style="muted", no_wrap=True)
        answers.add_column()
        for switched in recommendation.generated:
            answers.add_row(
                f"  {switched.title}", f"{switched.question}={_value(switched.value)}", switched.reason
            )
        parts.append(answers)

    if recommendation.advice:
        parts += [Text(), Text("Advice: not generated, yours to set up or build", style="bold")]
        advice = Table.grid(padding=(0, 2))
        advice.add_column(style="accent", no_wrap=True)
        advice.add_column()
        for switched in recommendation.advice:
            advice.add_row(f"  {switched.title}", f"{switched.reason} {switched.advice}")
        parts.append(advice)

    if recommendation.notes:
        parts += [Text(), Text("Also", style="bold")]
        notes = Table.grid(padding=(0, 1))
        notes.add_column(no_wrap=True)
        notes.add_column()
        for note in recommendation.notes:
            notes.add_row("  •", note.reason)
        parts.append(notes)

    title = f"[ok]Recommended: {recommendation.preset}[/ok] — {PRESET_TITLES.get(recommendation.preset, '')}"
    return Panel(Group(*parts), title=title, title_align="left", padding=(1, 2))
