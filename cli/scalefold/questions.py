"""The template's questions, read from ``copier.yml``, and validation of answers against them.

scalefold validates every answer before Copier renders anything, so bad input gets one clear
line (naming the question) instead of a half-written project. The validators are the template's
own Jinja expressions, rendered with the same filters Copier uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment

from scalefold.errors import UsageError
from scalefold.resources import copier_yml

_JINJA_EXTENSIONS = ["jinja2_ansible_filters.AnsibleCoreFiltersExtension"]


@dataclass(frozen=True)
class Question:
    name: str
    type: str = "str"
    help: str = ""
    default: Any = None
    choices: dict[str, Any] = field(default_factory=dict)
    validator: str | None = None
    hidden: bool = False
    #: Copier's ``when``: a bool, or a Jinja expression over the earlier answers.
    when: Any = True

    @property
    def choice_values(self) -> list[Any]:
        return list(self.choices.values())

    def coerce(self, value: Any) -> Any:
        """Convert a raw value (``--data`` gives strings) to the question's type."""
        if self.type == "int":
            if isinstance(value, bool):
                raise UsageError(f"{self.name}: expected a whole number, got {value!r}")
            try:
                return int(value)
            except (TypeError, ValueError):
                raise UsageError(f"{self.name}: expected a whole number, got {value!r}") from None
        if self.type == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"true", "yes", "y", "1", "on"}:
                return True
            if text in {"false", "no", "n", "0", "off"}:
                return False
            raise UsageError(f"{self.name}: expected true or false, got {value!r}")
        if self.type == "str":
            return value if isinstance(value, str) else str(value)
        return value


def _normalise_choices(raw: Any) -> dict[str, Any]:
    if raw is None:
        return {}
    if isinstance(raw, Mapping):
        return {str(label): value for label, value in raw.items()}
    return {str(value): value for value in raw}


@cache
def load_questions(path: Path | None = None) -> dict[str, Question]:
    """Every question of the template, in the order ``copier.yml`` declares them."""
    return parse_questions((path or copier_yml()).read_text(encoding="utf-8"))


def parse_questions(text: str) -> dict[str, Question]:
    """The questions of a ``copier.yml``'s text (another version's, for ``scalefold new --vcs-ref``)."""
    data = yaml.safe_load(text) or {}
    questions: dict[str, Question] = {}
    for name, spec in data.items():
        if name.startswith("_"):
            continue
        spec = spec if isinstance(spec, Mapping) else {"default": spec}
        questions[name] = Question(
            name=name,
            type=str(spec.get("type", "str")),
            help=str(spec.get("help", "")),
            default=spec.get("default"),
            choices=_normalise_choices(spec.get("choices")),
            validator=spec.get("validator"),
            hidden=spec.get("when") is False,
            when=spec.get("when", True),
        )
    return questions


@cache
def _jinja() -> SandboxedEnvironment:
    return SandboxedEnvironment(extensions=_JINJA_EXTENSIONS)


def _render(template: str, answers: Mapping[str, Any]) -> str:
    return _jinja().from_string(template).render(**answers).strip()


def is_asked(question: Question, answers: Mapping[str, Any]) -> bool:
    """Whether Copier would ask ``question`` given the earlier answers (its ``when``)."""
    if isinstance(question.when, str):
        return _render(question.when, answers).lower() not in {"", "false", "no", "n", "off", "0", "none"}
    return bool(question.when)


def default_for(question: Question, answers: Mapping[str, Any]) -> Any:
    """The question's default, rendered when it is a Jinja template over the earlier answers."""
    default = question.default
    if isinstance(default, str) and ("{{" in default or "{%" in default):
        return _render(default, answers)
    return default


def validation_error(question: Question, value: Any, answers: Mapping[str, Any]) -> str | None:
    """The reason ``value`` is not a valid answer to ``question``, or ``None`` when it is."""
    if question.choices and value not in question.choice_values:
        allowed = ", ".join(str(choice) for choice in question.choice_values)
        return f"{value!r} is not one of: {allowed}"
    if question.validator:
        context = {**answers, question.name: value}
        message = _jinja().from_string(question.validator).render(**context).strip()
        return message or None
    return None


def validate_answers(
    answers: Mapping[str, Any], questions: Mapping[str, Question] | None = None, *, complete: bool = True
) -> dict[str, Any]:
    """Coerce and validate answers; raise :class:`UsageError` on the first bad one.

    Unknown keys are refused (a typo would otherwise be silently ignored by Copier). With ``complete``
    (the answers a project is rendered with, the ones not given taking their defaults), an answer to a
    question that Copier would not ask given the others (its ``when``) is refused too: Copier would
    drop it without a word. ``complete=False`` is for answers given before the others are known.
    """
    known = questions if questions is not None else load_questions()
    unknown = sorted(set(answers) - set(known))
    if unknown:
        names = ", ".join(name for name, q in known.items() if not q.hidden)
        raise UsageError(f"unknown answer {unknown[0]!r}; the template's questions are: {names}")
    coerced = {name: known[name].coerce(value) for name, value in answers.items()}
    for name, value in coerced.items():
        reason = validation_error(known[name], value, coerced)
        if reason:
            raise UsageError(f"invalid {name} {value!r}: {reason}")
    if complete:
        _refuse_inapplicable(coerced, known)
    return coerced


def _refuse_inapplicable(answers: Mapping[str, Any], questions: Mapping[str, Question]) -> None:
    """Refuse an answer to a question whose ``when`` is false, judged as Copier does: in question order,
    over the earlier answers, a question not given taking its default."""
    context: dict[str, Any] = {}
    for name, question in questions.items():
        if question.hidden:
            continue
        if name in answers:
            if not is_asked(question, context):
                raise UsageError(f"{name} does not apply to this project: {_condition(question, context)}")
            context[name] = answers[name]
        elif question.default is not None:
            context[name] = question.coerce(default_for(question, context))


def _condition(question: Question, answers: Mapping[str, Any]) -> str:
    """``the template asks it only when preset != 'monolith' (here preset is 'monolith')``."""
    expression = str(question.when).strip().removeprefix("{{").removesuffix("}}").strip()
    names = sorted(meta.find_undeclared_variables(_jinja().parse(str(question.when))))
    here = ", ".join(f"{name} is {answers.get(name)!r}" for name in names)
    return f"the template asks it only when {expression}" + (f" (here {here})" if here else "")


def parse_data_pairs(pairs: list[str]) -> dict[str, str]:
    """Turn ``--data key=value`` options into a mapping."""
    data: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--data expects key=value, got {pair!r}")
        data[key.strip()] = value
    return data
