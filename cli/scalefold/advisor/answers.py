"""The scale questions and the answers a team gives to them.

Each question knows how to read an answer from a flag, an answers file or a prompt (all three
give text or YAML scalars), so every entry point validates the same way and says the same reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

#: The template's modules: the parts of the backend that could deploy or scale on their own.
MODULES = ("users", "orders", "notifications")
BACKGROUND_LEVELS = ("none", "light", "heavy")
#: Deployment targets, with the words a person reads.
TARGETS = {
    "single-host": "containers on one host (Docker Compose)",
    "kubernetes": "Kubernetes",
    "bare-metal": "bare-metal hosts (or VMs) running Node directly",
}


class InvalidAnswer(ValueError):
    """An answer that does not fit its question; the message is the reason, for a person."""


@dataclass(frozen=True)
class ScaleAnswers:
    """A team's answers to the scale questions, already validated."""

    rps: int
    teams: int
    independent: tuple[str, ...] = ()
    read_ratio: float = 0.8
    background: str = "light"
    realtime: bool = False
    webhooks: bool = False
    audit_trail: bool = False
    target: str = "single-host"

    @property
    def read_percent(self) -> int:
        return round(self.read_ratio * 100)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["independent"] = list(self.independent)
        return data


def parse_rps(raw: Any) -> int:
    return _whole_number(raw, minimum=1)


def parse_teams(raw: Any) -> int:
    return _whole_number(raw, minimum=1)


def _whole_number(raw: Any, *, minimum: int) -> int:
    if isinstance(raw, bool):
        raise InvalidAnswer(f"expected a whole number, got {raw!r}")
    if isinstance(raw, int):
        number = raw
    else:
        # People type thousands separators: "5,000" and "5_000" both mean 5000.
        text = str(raw).strip().replace(",", "").replace("_", "")
        if not text.isdigit():
            raise InvalidAnswer(f"expected a whole number, got {str(raw).strip()!r}")
        number = int(text)
    if number < minimum:
        raise InvalidAnswer(f"must be at least {minimum}, got {number}")
    return number


def parse_independent(raw: Any) -> tuple[str, ...]:
    """Module names, as a list or comma-separated text; ``none`` (or nothing) for none."""
    items = raw if isinstance(raw, (list, tuple)) else [] if raw is None else [raw]
    names: list[str] = []
    for item in items:
        for name in str(item).split(","):
            name = name.strip().lower()
            if not name or name == "none":
                continue
            if name not in MODULES:
                raise InvalidAnswer(f"unknown part {name!r}; choose from {', '.join(MODULES)} (or none)")
            if name not in names:
                names.append(name)
    # In the modules' own order, so the same answers always read the same way.
    return tuple(module for module in MODULES if module in names)


def parse_read_ratio(raw: Any) -> float:
    """The share of requests that are reads: ``0.9``, ``90%`` or ``9:1`` (reads to writes)."""
    expected = "expected the share of reads, such as 0.9, 90% or 9:1"
    if isinstance(raw, bool):
        raise InvalidAnswer(f"{expected}; got {raw!r}")
    text = str(raw).strip()
    try:
        if ":" in text:
            reads_text, _, writes_text = text.partition(":")
            reads, writes = float(reads_text), float(writes_text)
            ratio = (
                reads / (reads + writes) if reads >= 0 and writes >= 0 and reads + writes > 0 else math.nan
            )
        elif text.endswith("%"):
            ratio = float(text[:-1]) / 100
        else:
            ratio = float(text)
    except ValueError:
        raise InvalidAnswer(f"{expected}; got {text!r}") from None
    if not math.isfinite(ratio) or not 0 <= ratio <= 1:
        raise InvalidAnswer(f"the share of reads must be between 0 and 1 (0% to 100%), got {text!r}")
    return round(ratio, 4)


def parse_background(raw: Any) -> str:
    return _one_of(raw, BACKGROUND_LEVELS, "background work")


def parse_target(raw: Any) -> str:
    return _one_of(raw, tuple(TARGETS), "deployment target")


def _one_of(raw: Any, allowed: tuple[str, ...], what: str) -> str:
    value = str(raw).strip().lower()
    if value not in allowed:
        raise InvalidAnswer(f"unknown {what} {str(raw).strip()!r}; choose one of: {', '.join(allowed)}")
    return value


def parse_yes_no(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"y", "yes", "true", "on", "1"}:
        return True
    if text in {"n", "no", "false", "off", "0"}:
        return False
    raise InvalidAnswer(f"answer yes or no, got {str(raw).strip()!r}")


def _show_bool(value: bool) -> str:
    return "yes" if value else "no"


@dataclass(frozen=True)
class ScaleQuestion:
    """One scale question: how it is asked, read, shown, and its default (``None``: must be answered)."""

    key: str
    flag: str
    prompt: str
    help: str
    parse: Callable[[Any], Any]
    default: Any = None
    show: Callable[[Any], str] = str
    choices: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        return self.default is None


QUESTIONS: tuple[ScaleQuestion, ...] = (
    ScaleQuestion(
        "rps",
        "--rps",
        "Expected peak requests per second",
        "The busiest minute you expect in the next year or so, across all endpoints.",
        parse_rps,
        show=lambda value: f"{value:,}",
    ),
    ScaleQuestion(
        "teams",
        "--teams",
        "Teams working on the backend",
        "Teams that change this backend's code and ship it; one team of any size counts as 1.",
        parse_teams,
    ),
    ScaleQuestion(
        "independent",
        "--independent",
        "Parts that must deploy or scale independently",
        f"Comma-separated, from: {', '.join(MODULES)}; or none.",
        parse_independent,
        default=(),
        show=lambda value: ", ".join(value) or "none",
    ),
    ScaleQuestion(
        "read_ratio",
        "--read-ratio",
        "Share of requests that are reads",
        "Reads against writes, as 0.9, 90% or 9:1.",
        parse_read_ratio,
        default=0.8,
        show=lambda value: f"{round(value * 100)}%",
    ),
    ScaleQuestion(
        "background",
        "--background",
        "Background work (emails, reports, imports)",
        "none, light (a few jobs per request) or heavy (long or CPU-bound jobs).",
        parse_background,
        default="light",
        choices=BACKGROUND_LEVELS,
    ),
    ScaleQuestion(
        "realtime",
        "--realtime",
        "Real-time updates pushed to clients (WebSockets, server-sent events)?",
        "Yes when clients must see changes as they happen, without polling.",
        parse_yes_no,
        default=False,
        show=_show_bool,
        choices=("y", "n"),
    ),
    ScaleQuestion(
        "webhooks",
        "--webhooks",
        "Other systems notified of your events (outgoing webhooks)?",
        "Yes when customers or partners want your events (an order placed) pushed to a URL of theirs.",
        parse_yes_no,
        default=False,
        show=_show_bool,
        choices=("y", "n"),
    ),
    ScaleQuestion(
        "audit_trail",
        "--audit-trail",
        "Audit trail of every change required?",
        "Yes when you must show who changed what and when, for compliance or disputes.",
        parse_yes_no,
        default=False,
        show=_show_bool,
        choices=("y", "n"),
    ),
    ScaleQuestion(
        "target",
        "--target",
        "Deployment target",
        "; ".join(f"{name}: {words}" for name, words in TARGETS.items()) + ".",
        parse_target,
        default="single-host",
        choices=tuple(TARGETS),
    ),
)

QUESTIONS_BY_KEY: dict[str, ScaleQuestion] = {question.key: question for question in QUESTIONS}


class MissingAnswers(ValueError):
    """Required answers that were not given; ``questions`` names them."""

    def __init__(self, questions: list[ScaleQuestion]) -> None:
        super().__init__(", ".join(question.flag for question in questions))
        self.questions = questions


def parse_answers(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a (possibly partial) mapping of answers keyed like :data:`QUESTIONS`.

    Raises :class:`InvalidAnswer` naming the key for an unknown key or a bad value.
    """
    unknown = sorted(set(raw) - set(QUESTIONS_BY_KEY))
    if unknown:
        raise InvalidAnswer(
            f"unknown answer {unknown[0]!r}; the scale questions are: {', '.join(QUESTIONS_BY_KEY)}"
        )
    parsed: dict[str, Any] = {}
    for key, value in raw.items():
        try:
            parsed[key] = QUESTIONS_BY_KEY[key].parse(value)
        except InvalidAnswer as reason:
            raise InvalidAnswer(f"{key}: {reason}") from None
    return parsed


def complete_answers(given: Mapping[str, Any]) -> tuple[ScaleAnswers, list[str]]:
    """Fill the defaults in already parsed answers; return them and the keys that took a default.

    Raises :class:`MissingAnswers` when a question without a default was not answered.
    """
    missing = [question for question in QUESTIONS if question.required and question.key not in given]
    if missing:
        raise MissingAnswers(missing)
    defaulted = [question.key for question in QUESTIONS if question.key not in given]
    values = {question.key: given.get(question.key, question.default) for question in QUESTIONS}
    return ScaleAnswers(**values), defaulted


def describe(answers: ScaleAnswers) -> str:
    """The answers in one line, for the recommendation panel."""
    parts = [
        f"{answers.rps:,} req/s peak",
        f"{answers.teams} team{'s' if answers.teams != 1 else ''}",
        f"independent: {', '.join(answers.independent) or 'none'}",
        f"{answers.read_percent}% reads",
        f"{answers.background} background work",
    ]
    if answers.realtime:
        parts.append("real-time")
    if answers.webhooks:
        parts.append("webhooks")
    if answers.audit_trail:
        parts.append("audit trail")
    parts.append(answers.target)
    return " · ".join(parts)
