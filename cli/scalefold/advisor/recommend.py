"""Turning answers into a recommendation by reading the rule tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scalefold.advisor.answers import ScaleAnswers
from scalefold.advisor.options import OPTIONS, is_generated
from scalefold.advisor.rules import NOTE_RULES, OPTION_RULES, PRESET_RULES, NoteRule, OptionRule, PresetRule


@dataclass(frozen=True)
class SwitchedOn:
    """An option the recommendation switches on, with its value and the one-sentence reason."""

    option: str
    title: str
    value: Any
    reason: str
    rule: str
    #: The project has it (a template answer or the preset renders it); otherwise it is advice.
    generated: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.option,
            "title": self.title,
            "value": self.value,
            "reason": self.reason,
            "rule": self.rule,
            "generated": self.generated,
        }


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
            "options": [switched.to_dict() for switched in self.options],
            "notes": [note.to_dict() for note in self.notes],
        }


def options_for(
    answers: ScaleAnswers, preset: str, option_rules: Sequence[OptionRule] = OPTION_RULES
) -> tuple[SwitchedOn, ...]:
    """The options the answers switch on for ``preset`` (the first applying rule gives each its reason).

    Also used when the user picks another preset than the recommended one.
    """
    first_rule_per_option: dict[str, OptionRule] = {}
    for rule in option_rules:
        if rule.option not in first_rule_per_option and rule.applies(answers, preset):
            first_rule_per_option[rule.option] = rule
    switched_on: list[SwitchedOn] = []
    for option in OPTIONS:  # in the catalogue's order, whatever the rules' order
        if (deciding := first_rule_per_option.get(option.id)) is not None:
            reason = deciding.reason(answers, preset)
            switched_on.append(
                SwitchedOn(option.id, option.title, option.value(answers), reason, deciding.id,
                           generated=is_generated(option.id, preset))
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
