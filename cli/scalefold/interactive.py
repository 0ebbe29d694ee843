"""The interactive ``scalefold new``: scale questions, the recommendation, then the project questions.

Every answer is validated where it is typed: a bad one gets its reason on the next line and the
question again. Nothing is written until every answer is in, so Ctrl-C during the questions leaves
nothing behind; ``project.create_project`` takes care of an interrupt once rendering starts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.prompt import Prompt
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from scalefold.advisor import (
    ADVICE_FILE,
    QUESTIONS,
    InvalidAnswer,
    Recommendation,
    ScaleAnswers,
    ScaleQuestion,
    advice_file_text,
    build_report,
    complete_answers,
    recommend,
)
from scalefold.advisor.answers import parse_yes_no
from scalefold.advisor.options import template_answers
from scalefold.advisor.panel import recommendation_panel
from scalefold.advisor.recommend import options_for
from scalefold.console import console as default_console
from scalefold.console import err_console
from scalefold.errors import ScalefoldError, UsageError
from scalefold.presets import Preset, builtin_presets, load_preset
from scalefold.project import check_destination, slugify
from scalefold.questions import (
    Question,
    default_for,
    is_asked,
    load_questions,
    validate_answers,
    validation_error,
)

T = TypeVar("T")


@dataclass
class Prompter:
    """Asks one question at a time through Rich, repeating it with the reason until the answer is valid.

    ``stream`` replaces the keyboard (tests); by default Rich reads the terminal.
    """

    console: Console = field(default_factory=lambda: default_console)
    stream: TextIO | None = None

    def ask(
        self,
        label: str,
        parse: Callable[[str], T],
        *,
        help: str = "",
        default: str | None = None,
        choices: Sequence[str] = (),
    ) -> T:
        if help:
            self.console.print(Text(help, style="muted"))
        prompt = Text(label, style="bold")
        if choices:
            prompt.append(f" [{'/'.join(choices)}]", style="prompt.choices")
        while True:
            if default is None:
                raw = Prompt.ask(prompt, console=self.console, stream=self.stream)
                if not raw.strip():  # Enter alone: there is no default to take
                    self.console.print(Text("  ✗ this question has no default: type an answer", style="err"))
                    continue
            else:
                raw = Prompt.ask(prompt, console=self.console, default=default, stream=self.stream)
                raw = raw if raw.strip() else default  # Enter takes the default (a stream gives "\n")
            try:
                return parse(raw.strip())
            except (InvalidAnswer, ScalefoldError) as reason:
                self.console.print(Text.assemble(("  ✗ ", "err"), (str(reason), "err"), " — try again"))

    def confirm(self, label: str, *, default: bool) -> bool:
        return self.ask(label, parse_yes_no, default="yes" if default else "no", choices=("y", "n"))


@contextmanager
def interrupts_end_cleanly() -> Iterator[None]:
    """Ctrl-C during the questions: one line, exit 130. Closed input: one line, exit 2."""
    try:
        yield
    except KeyboardInterrupt:
        default_console.print()  # end the prompt's line before the message
        err_console.print("[warn]interrupted[/warn]: nothing was written")
        raise typer.Exit(130) from None
    except EOFError:
        default_console.print()
        raise UsageError("input ended before every question was answered; nothing was written") from None


# --- the scale questions -------------------------------------------------------------------------


def ask_scale_question(prompter: Prompter, question: ScaleQuestion) -> Any:
    default = None if question.required else question.show(question.default)
    return prompter.ask(
        question.prompt, question.parse, help=question.help, default=default, choices=question.choices
    )


def ask_scale_answers(prompter: Prompter, given: Mapping[str, Any] | None = None) -> ScaleAnswers:
    """Ask every scale question whose (parsed) answer is not already ``given``."""
    answers = dict(given or {})
    for question in QUESTIONS:
        if question.key not in answers:
            answers[question.key] = ask_scale_question(prompter, question)
    return complete_answers(answers)[0]


def show_recommendation(prompter: Prompter, answers: ScaleAnswers, recommendation: Recommendation) -> None:
    prompter.console.print()
    prompter.console.print(recommendation_panel(answers, recommendation))


# --- the preset ------------------------------------------------------------------------------------


def _preset_choice(questions: Mapping[str, Question] | None) -> Callable[[str], Preset]:
    def parse(raw: str) -> Preset:
        try:
            return load_preset(raw, questions)
        except UsageError as exc:
            raise InvalidAnswer(str(exc)) from None

    return parse


def choose_preset(
    prompter: Prompter,
    recommendation: Recommendation,
    presets: Sequence[Preset],
    questions: Mapping[str, Question] | None = None,
) -> Preset:
    """Accept the recommended preset, or pick another shipped one (or a preset file) instead.

    Every preset the advisor can recommend ships with scalefold (a test holds the advisor's presets,
    the preset files and copier.yml's choices equal), so the recommendation is always one to accept.
    """
    if prompter.confirm(f"Use the recommended preset '{recommendation.preset}'?", default=True):
        return load_preset(recommendation.preset, questions)
    table = Table.grid(padding=(0, 2))
    for preset in presets:
        table.add_row(Text(f"  {preset.name}", style="accent"), preset.summary)
    prompter.console.print(table)
    return prompter.ask(
        "Preset",
        _preset_choice(questions),
        help="One of the presets above, or the path of your own preset .yml file.",
        default=recommendation.preset,
    )


# --- the template's questions ----------------------------------------------------------------------


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _template_answer(
    question: Question, answers: Mapping[str, Any], check: Callable[[Any], None] | None
) -> Callable[[str], Any]:
    label = question.name.replace("_", " ")

    def parse(raw: str) -> Any:
        try:
            value = question.coerce(raw)
        except UsageError as exc:
            raise InvalidAnswer(str(exc)) from None
        reason = validation_error(question, value, answers)
        if reason:
            raise InvalidAnswer(f"invalid {label}: {reason}")
        if check is not None:
            check(value)
        return value

    return parse


def prompt_text(question: Question) -> tuple[str, str]:
    """The question as asked: its help text (``copier.yml``'s ``help``), not its key.

    A parenthesised remark at the end of the help becomes a line of its own above the prompt:
    "Project name (lowercase letters, …)" asks "Project name", with the remark above it.
    """
    text = question.help.strip() or question.name.replace("_", " ").capitalize()
    head, opening, remark = text.partition(" (")
    if opening and remark.endswith(")") and ")" not in remark[:-1]:
        remark = remark[:-1].strip()
        return head, f"{remark[:1].upper()}{remark[1:]}."
    return text, ""


def ask_template_question(
    prompter: Prompter,
    question: Question,
    answers: Mapping[str, Any],
    default: Any,
    check: Callable[[Any], None] | None = None,
) -> Any:
    choices = [_as_text(value) for value in question.choice_values]
    if question.type == "bool":
        choices = ["y", "n"]
    label, detail = prompt_text(question)
    return prompter.ask(
        label,
        _template_answer(question, answers, check),
        help=detail,
        default=None if default is None else _as_text(default),
        choices=choices,
    )


def _folder_is_free(force: bool) -> Callable[[Any], None]:
    def check(project_name: Any) -> None:
        try:
            check_destination(Path(str(project_name)), force=force)
        except UsageError as exc:
            raise InvalidAnswer(str(exc)) from None

    return check


def ask_project_answers(
    prompter: Prompter,
    *,
    fixed: Mapping[str, Any],
    suggested: Mapping[str, Any],
    destination: Path | None,
    force: bool,
    questions: Mapping[str, Question] | None = None,
) -> dict[str, Any]:
    """Ask the template's visible questions in copier.yml's order, except ``preset`` and ``fixed`` ones.

    Defaults: ``suggested`` (the preset's answers, the advised options), else the template's own.
    """
    questions = questions if questions is not None else load_questions()
    answers: dict[str, Any] = dict(fixed)
    for name, question in questions.items():
        if question.hidden or name in fixed or not is_asked(question, answers):
            continue
        if name == "preset":
            answers[name] = suggested.get(name, question.default)
            continue
        default = suggested.get(name, default_for(question, answers))
        check = None
        if name == "project_name":
            if destination is not None:
                default = suggested.get(name) or slugify(destination.resolve().name) or None
            else:  # the project's folder will be named after it: refuse a busy one now, not after rendering
                check = _folder_is_free(force)
        answers[name] = ask_template_question(prompter, question, answers, default, check)
    return validate_answers(answers, questions)


# --- the whole flow --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewProject:
    """What the interactive flow decided: where, with which answers, and the advisor's record."""

    destination: Path
    answers: dict[str, Any]
    extra_files: dict[str, str]


def ask_new_project(
    destination: Path | None,
    data: Mapping[str, str],
    *,
    force: bool = False,
    prompter: Prompter | None = None,
    questions: Mapping[str, Question] | None = None,
) -> NewProject:
    """Run the advisor, let the user accept or change its preset, then ask the project questions.

    ``questions``: the template version's (``--vcs-ref``); by default this scalefold's.
    """
    prompter = prompter or Prompter()
    questions = questions if questions is not None else load_questions()
    # --data answers are checked before any question, not asked again; whether each applies is known only
    # once the preset is chosen, at the end.
    fixed = validate_answers(data, questions, complete=False)
    if destination is not None:
        check_destination(destination, force=force)
    presets = builtin_presets()
    shipped = [preset.name for preset in presets]

    with interrupts_end_cleanly():
        prompter.console.print(Rule("[accent]Scale questions[/accent]", align="left"))
        prompter.console.print(
            "[muted]Your answers shape the recommended architecture. Where a question shows a default in "
            "parentheses, Enter takes it; the others need an answer. Ctrl-C quits without writing anything.[/muted]"
        )
        scale = ask_scale_answers(prompter)
        recommendation = recommend(scale)
        show_recommendation(prompter, scale, recommendation)

        if "preset" in fixed:
            preset = load_preset(str(fixed["preset"]), questions)
            prompter.console.print(f"Preset [accent]{escape(preset.name)}[/accent] (from --data).")
        else:
            preset = choose_preset(prompter, recommendation, presets, questions)
        # Options follow the architecture actually chosen (a preset file names it in its `preset` answer).
        architecture = str(preset.answers.get("preset", preset.name))
        advised = template_answers(
            {switched.option: switched.value for switched in options_for(scale, architecture)},
            questions,
        )

        prompter.console.print()
        prompter.console.print(Rule("[accent]Project questions[/accent]", align="left"))
        answers = ask_project_answers(
            prompter,
            fixed=fixed,
            suggested={**preset.answers, **advised},
            destination=destination,
            force=force,
            questions=questions,
        )

    report = build_report(scale, recommendation, shipped_presets=shipped, chosen_preset=preset.name)
    return NewProject(
        destination=destination or Path(answers["project_name"]),
        answers=answers,
        extra_files={ADVICE_FILE: advice_file_text(report)},
    )
