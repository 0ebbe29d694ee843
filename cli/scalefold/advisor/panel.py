"""The recommendation as a person reads it: one Rich panel."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from scalefold import __version__
from scalefold.advisor.answers import ScaleAnswers, describe
from scalefold.advisor.recommend import Recommendation
from scalefold.advisor.rules import PRESET_TITLES


def not_shipped_message(preset: str, shipped_presets: Sequence[str]) -> str:
    names = [f"'{name}'" for name in shipped_presets]
    listed = (
        f"the {names[0]} preset"
        if len(names) == 1
        else f"the presets {', '.join(names[:-1])} and {names[-1]}"
    )
    return (
        f"scalefold {__version__} ships only {listed}; '{preset}' comes in a later release. "
        "Start from a shipped preset: its module boundaries keep the later move small."
    )


def recommendation_panel(
    answers: ScaleAnswers, recommendation: Recommendation, *, shipped_presets: Sequence[str]
) -> Panel:
    parts: list[RenderableType] = [Text(describe(answers), style="muted"), Text()]

    why = Table.grid(padding=(0, 2))
    why.add_column(style="accent", no_wrap=True)
    why.add_column()
    why.add_row("Why", recommendation.reason)
    parts.append(why)

    if recommendation.options:
        parts += [Text(), Text("Switches on", style="bold")]
        options = Table.grid(padding=(0, 2))
        options.add_column(style="accent", no_wrap=True)
        options.add_column()
        for switched in recommendation.options:
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

    if recommendation.preset not in shipped_presets:
        parts += [Text(), Text(not_shipped_message(recommendation.preset, shipped_presets), style="warn")]

    title = f"[ok]Recommended: {recommendation.preset}[/ok] — {PRESET_TITLES.get(recommendation.preset, '')}"
    return Panel(Group(*parts), title=title, title_align="left", padding=(1, 2))
