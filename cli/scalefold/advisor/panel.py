"""The recommendation as a person reads it: one Rich panel."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from scalefold.advisor.answers import ScaleAnswers, describe
from scalefold.advisor.recommend import Recommendation
from scalefold.advisor.rules import PRESET_TITLES


def recommendation_panel(answers: ScaleAnswers, recommendation: Recommendation) -> Panel:
    parts: list[RenderableType] = [Text(describe(answers), style="muted"), Text()]

    why = Table.grid(padding=(0, 2))
    why.add_column(style="accent", no_wrap=True)
    why.add_column()
    why.add_row("Why", recommendation.reason)
    parts.append(why)

    for heading, switched_on in (
        ("Generated", recommendation.generated),
        ("Advice: not generated, yours to build when you need it", recommendation.advice),
    ):
        if switched_on:
            parts += [Text(), Text(heading, style="bold")]
            options = Table.grid(padding=(0, 2))
            options.add_column(style="accent", no_wrap=True)
            options.add_column()
            for switched in switched_on:
                options.add_row(f"  {switched.title}", switched.reason)
            parts.append(options)

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
