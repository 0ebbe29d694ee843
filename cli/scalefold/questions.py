"""The template's questions, read from ``copier.yml``, and answers judged by Copier's own rules.

scalefold judges every answer before Copier renders anything, so bad input gets one clear line
(naming the question) instead of a half-written project, or worse, an answer Copier drops without a
word. The judging is Copier's: its ``Question`` evaluates ``when``, casts to the question's type,
checks ``choices`` and renders the ``validator``; scalefold only walks the questions in Copier's order
and words the verdict.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from jinja2 import Environment, meta

from scalefold.errors import UsageError
from scalefold.resources import copier_yml

if TYPE_CHECKING:
    from copier._main import Worker
    from copier._user_data import Question as CopierQuestion

#: The words Copier reads as a yes or a no; any other text for a yes/no question is refused, where
#: Copier would take a non-empty word ("maybe") for a yes.
_BOOL_WORDS = {"true", "yes", "y", "on", "1", "false", "no", "n", "off", "0"}
_TYPE_NAMES = {"int": "a whole number", "float": "a number", "bool": "true or false"}


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
    #: The text of the ``copier.yml`` that declares the question, which Copier reads to judge answers.
    source: str = field(default="", repr=False, compare=False)
    #: The question as ``copier.yml`` declares it (every key Copier reads); by default, the fields above.
    spec: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)

    def copier_spec(self) -> dict[str, Any]:
        if self.spec is not None:
            return dict(self.spec)
        spec: dict[str, Any] = {"type": self.type, "help": self.help, "when": self.when}
        if self.default is not None:
            spec["default"] = self.default
        if self.choices:
            spec["choices"] = dict(self.choices)
        if self.validator:
            spec["validator"] = self.validator
        return spec

    @property
    def choice_values(self) -> list[Any]:
        return list(self.choices.values())

    def coerce(self, value: Any) -> Any:
        """Convert a raw value (``--data`` gives strings) to the question's type, as Copier casts it."""
        from copier.errors import InvalidTypeError

        refused = UsageError(f"{self.name}: expected {_TYPE_NAMES.get(self.type, self.type)}, got {value!r}")
        if self.type == "bool" and isinstance(value, str) and value.strip().lower() not in _BOOL_WORDS:
            raise refused
        if self.type in {"int", "float"} and isinstance(value, bool):
            raise refused
        try:
            return _copier_question(self, {}).cast_answer(value)
        except (ValueError, InvalidTypeError):
            raise refused from None


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
            source=text,
            spec=spec,
        )
    return questions


# --- Copier's judgement -----------------------------------------------------------------------------

#: The folders Copier reads the questions' ``copier.yml`` from, kept for the life of the process.
_FOLDERS: list[tempfile.TemporaryDirectory[str]] = []


@cache
def _copier_worker(text: str) -> Worker:
    """A Copier worker over ``text`` alone: what Copier asks with, never run.

    The ``copier.yml`` is copied into a folder of its own: read from a git checkout, Copier would
    clone the checkout's last commit instead of reading the file as it is.
    """
    from copier._main import Worker  # imported late: Copier is the slowest import of the tool

    folder = tempfile.TemporaryDirectory(prefix="scalefold-questions-")
    _FOLDERS.append(folder)
    (Path(folder.name) / "copier.yml").write_text(text, encoding="utf-8")
    return Worker(
        src_path=folder.name,
        dst_path=Path(folder.name) / "project",
        defaults=True,
        quiet=True,
    )


def _copier_question(question: Question, answers: Mapping[str, Any]) -> CopierQuestion:
    """Copier's own ``Question`` for ``question``, over the earlier ``answers``."""
    from copier._user_data import AnswersMap
    from copier._user_data import Question as CopierQuestion

    worker = _copier_worker(question.source or copier_yml().read_text(encoding="utf-8"))
    given = {name: value for name, value in answers.items() if not name.startswith("_")}
    worker.answers = AnswersMap(user=given, metadata=worker.template.metadata)
    return CopierQuestion(
        var_name=question.name,
        answers=worker.answers,
        context=worker._render_context(),
        jinja_env=worker.jinja_env,
        settings=worker.settings,
        **question.copier_spec(),
    )


def is_asked(question: Question, answers: Mapping[str, Any]) -> bool:
    """Whether Copier would ask ``question`` given the earlier answers (its ``when``)."""
    return _copier_question(question, answers).get_when()


def default_for(question: Question, answers: Mapping[str, Any]) -> Any:
    """The question's default as Copier computes it over the earlier answers (``None`` when it has none)."""
    from copier._types import MISSING

    default = _copier_question(question, answers).get_default()
    return None if default is MISSING else default


def validation_error(question: Question, value: Any, answers: Mapping[str, Any]) -> str | None:
    """The reason ``value`` (already of the question's type) is not a valid answer, or ``None``."""
    asked = _copier_question(question, answers)
    try:
        asked.parse_answer(value)
    except ValueError:
        allowed = ", ".join(str(choice) for choice in question.choice_values)
        return f"{value!r} is not one of: {allowed}"
    try:
        asked.validate_answer(value)
    except ValueError as refused:
        return str(refused).removeprefix(f"Validation error for question '{question.name}': ").strip()
    return None


def validate_answers(
    answers: Mapping[str, Any], questions: Mapping[str, Question] | None = None, *, complete: bool = True
) -> dict[str, Any]:
    """Answers cast to their questions' types, judged by Copier; :class:`UsageError` on the first bad one.

    Unknown keys are refused (a typo would otherwise be silently ignored by Copier). With ``complete``
    (the answers a project is rendered with, the ones not given taking their defaults), an answer to a
    question that Copier would not ask given the others (its ``when``) is refused too: Copier would
    drop it without a word. ``complete=False`` is for answers given before the others are known.
    """
    known = questions if questions is not None else load_questions()
    # A computed value (``when: false``, such as ``apps``) is no question: an answer would replace it.
    asked = [name for name, question in known.items() if not question.hidden]
    unknown = sorted(set(answers) - set(asked))
    if unknown:
        names = ", ".join(asked)
        raise UsageError(f"unknown answer {unknown[0]!r}; the template's questions are: {names}")
    if not complete:
        coerced = {name: known[name].coerce(value) for name, value in answers.items()}
        for name, value in coerced.items():
            _refuse_invalid(known[name], value, coerced)
        return coerced
    return _judge_in_order(answers, known)


def _judge_in_order(answers: Mapping[str, Any], questions: Mapping[str, Question]) -> dict[str, Any]:
    """Walk the questions as Copier does: in order, each over the earlier answers, a question not
    given taking its default; an answer to a question Copier would skip (its ``when``) is refused."""
    context: dict[str, Any] = {}
    judged: dict[str, Any] = {}
    for name, question in questions.items():
        if name in answers:
            if not is_asked(question, context):
                raise UsageError(f"{name} does not apply to this project: {_condition(question, context)}")
            value = question.coerce(answers[name])
            _refuse_invalid(question, value, context)
            context[name] = judged[name] = value
        elif (default := default_for(question, context)) is not None:
            context[name] = default
    return judged


def _refuse_invalid(question: Question, value: Any, answers: Mapping[str, Any]) -> None:
    reason = validation_error(question, value, answers)
    if reason:
        raise UsageError(f"invalid {question.name} {value!r}: {reason}")


def _condition(question: Question, answers: Mapping[str, Any]) -> str:
    """``the template asks it only when preset != 'monolith' (here preset is 'monolith')``."""
    expression = str(question.when).strip().removeprefix("{{").removesuffix("}}").strip()
    names = sorted(meta.find_undeclared_variables(Environment().parse(str(question.when))))
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
