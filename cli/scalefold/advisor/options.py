"""The options the advisor can switch on, and how each maps to the template's answers.

Most options are advice today: the template renders the cache (with its in-memory fallback) and
the read-replica URL in every project, and has no question for cluster mode, a CQRS read model or
event sourcing yet; the broker and the Kubernetes manifests are questions. When copier.yml gains such a question,
wiring it is one entry in :data:`TEMPLATE_ANSWERS`; the interactive ``new`` then offers the
advised value as that question's default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from scalefold.advisor.answers import ScaleAnswers

BROKER_NAMES = {"rabbitmq": "RabbitMQ", "nats": "NATS JetStream"}


def broker_for(answers: ScaleAnswers) -> str:
    """NATS JetStream fans events out to every replica, which real-time pushes need; RabbitMQ otherwise."""
    return "nats" if answers.realtime else "rabbitmq"


@dataclass(frozen=True)
class Option:
    id: str
    title: str
    #: The option's setting when switched on: ``True``, or a choice such as the broker's name.
    value: Callable[[ScaleAnswers], Any] = lambda _answers: True


#: Every option, in the order the recommendation lists them.
OPTIONS: tuple[Option, ...] = (
    Option("cache", "Redis cache"),
    Option("read_replica", "Read replica"),
    Option("cqrs_read_model", "CQRS read model"),
    Option("event_sourcing", "Event sourcing"),
    Option("broker", "Message broker", value=broker_for),
    Option("cluster_mode", "Cluster mode"),
    Option("kubernetes", "Kubernetes manifests"),
)

OPTIONS_BY_ID: dict[str, Option] = {option.id: option for option in OPTIONS}


@dataclass(frozen=True)
class TemplateAnswer:
    """The copier question an option sets: to the option's value when on, to ``off`` when not.

    ``off=None`` leaves the question's own default when the option is off (right for choices
    such as a broker; a bool question wants ``off=False``).
    """

    question: str
    off: Any = None


#: option id → the copier question that implements it. Options without an entry stay advice.
TEMPLATE_ANSWERS: dict[str, TemplateAnswer] = {
    "kubernetes": TemplateAnswer("kubernetes", off=False),
    "broker": TemplateAnswer("broker"),
}


def template_answers(
    switched_on: Mapping[str, Any],
    template_questions: Mapping[str, Any],
    table: Mapping[str, TemplateAnswer] | None = None,
) -> dict[str, Any]:
    """Template answers for the options switched on (option id → value).

    Entries whose question the template does not (yet) have are left out: those options stay advice.
    """
    answers: dict[str, Any] = {}
    for option_id, wiring in (TEMPLATE_ANSWERS if table is None else table).items():
        if wiring.question not in template_questions:
            continue
        if option_id in switched_on:
            answers[wiring.question] = switched_on[option_id]
        elif wiring.off is not None:
            answers[wiring.question] = wiring.off
    return answers
