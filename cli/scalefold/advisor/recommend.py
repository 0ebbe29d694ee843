"""Turning answers into a recommendation by reading the rule tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scalefold.advisor.answers import ScaleAnswers
from scalefold.advisor.options import OPTIONS, answered_by, template_answers
from scalefold.advisor.rules import NOTE_RULES, OPTION_RULES, PRESET_RULES, NoteRule, OptionRule, PresetRule
from scalefold.questions import Question, load_questions


@dataclass(frozen=True)
class SwitchedOn:
    """An option the recommendation calls for, with its value and the one-sentence reason.

    With a ``question``, a template answer generates it (``scalefold new`` passes the answer to
    Copier); without one, it is advice, and ``advice`` says what the team does to have it.
    """

    option: str
    title: str
    value: Any
    reason: str
    rule: str
    #: The template question whose answer generates it (``preset`` for what a preset renders).
    question: str | None = None
    advice: str = ""

    @property
    def generated(self) -> bool:
        return self.question is not None

    def to_dict(self) -> dict[str, Any]:
        common = {"id": self.option, "title": self.title, "reason": self.reason, "rule": self.rule}
        if self.question is None:
            return {**common, "advice": self.advice}
        return {**common, "question": self.question, "value": self.value}


@dataclass(frozen=True)
class Note:
    reason: str
    rule: str

    def to_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "rule": self.rule}


@dataclass(frozen=True)
class Recommendation:
    preset: str
    reason: str
    rule: str
    options: tuple[SwitchedOn, ...] = ()
    notes: tuple[Note, ...] = ()

    @property
    def option_values(self) -> dict[str, Any]:
        """Option id → value, for the options switched on."""
        return {switched.option: switched.value for switched in self.options}

    @property
    def generated(self) -> tuple[SwitchedOn, ...]:
        """Options a template answer generates."""
        return tuple(switched for switched in self.options if switched.generated)

    @property
    def advice(self) -> tuple[SwitchedOn, ...]:
        """Options the template does not generate: the team's to build."""
        return tuple(switched for switched in self.options if not switched.generated)

    def to_dict(self) -> dict[str, Any]:
        return {
            "preset": self.preset,
            "reason": self.reason,
            "rule": self.rule,
            "template_answers": [switched.to_dict() for switched in self.generated],
            "advice": [switched.to_dict() for switched in self.advice],
            "notes": [note.to_dict() for note in self.notes],
        }


def options_for(
    answers: ScaleAnswers,
    preset: str,
    option_rules: Sequence[OptionRule] = OPTION_RULES,
    template_questions: Mapping[str, Question] | None = None,
) -> tuple[SwitchedOn, ...]:
    """The options the answers call for with ``preset`` (the first applying rule gives each its reason),
    each a template answer when ``template_questions`` (default: this scalefold's) has one for it.

    Also used when the user picks another preset than the recommended one.
    """
    questions = template_questions if template_questions is not None else load_questions()
    first_rule_per_option: dict[str, OptionRule] = {}
    for rule in option_rules:
        if rule.option not in first_rule_per_option and rule.applies(answers, preset):
            first_rule_per_option[rule.option] = rule
    advised = template_answers(
        {option.id: option.value(answers) for option in OPTIONS if option.id in first_rule_per_option},
        questions,
    )
    switched_on: list[SwitchedOn] = []
    for option in OPTIONS:  # in the catalogue's order, whatever the rules' order
        if (deciding := first_rule_per_option.get(option.id)) is not None:
            reason = deciding.reason(answers, preset)
            question = answered_by(option.id, preset, questions, advised)
            value = preset if question == "preset" else option.value(answers)
            switched_on.append(
                SwitchedOn(option.id, option.title, value, reason, deciding.id, question, option.advice)
            )
    return tuple(switched_on)


def recommend(
    answers: ScaleAnswers,
    *,
    preset_rules: Sequence[PresetRule] = PRESET_RULES,
    option_rules: Sequence[OptionRule] = OPTION_RULES,
    note_rules: Sequence[NoteRule] = NOTE_RULES,
) -> Recommendation:
    """The preset of the first preset rule that applies, then every option and note that follows."""
    chosen = next((rule for rule in preset_rules if rule.applies(answers)), None)
    if chosen is None:  # the shipped table has a rule for any answers; a test proves it
        raise LookupError(f"no preset rule applies to {answers}")
    preset = chosen.preset
    notes = tuple(
        Note(rule.reason(answers, preset), rule.id) for rule in note_rules if rule.applies(answers, preset)
    )
    return Recommendation(
        preset, chosen.reason(answers), chosen.id, options_for(answers, preset, option_rules), notes
    )
