"""The options the advisor can switch on, and how each maps to what the template generates.

An option is *generated* when the project has it: either a template answer sets it (the broker, the
Kubernetes manifests: :data:`TEMPLATE_ANSWERS`) or the preset always renders it (the cache with its
in-memory fallback, the read-replica URL, cluster mode, the microservices preset's CQRS read model:
:data:`ALWAYS_RENDERED`). Every other option is *advice*: the panel and ``--json`` show it apart,
as work the team does itself. When copier.yml gains a question for one, wiring it is one entry in
:data:`TEMPLATE_ANSWERS`; the interactive ``new`` then offers the advised value as its default.
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


#: option id → the presets that render it whatever the answers (an option a preset always has).
ALWAYS_RENDERED: dict[str, frozenset[str]] = {
    # Redis when REDIS_URL is set, in memory otherwise.
    "cache": frozenset({"monolith", "extracted", "microservices"}),
    # Reads go to DATABASE_READ_URL when it is set, to the primary otherwise.
    "read_replica": frozenset({"monolith", "extracted", "microservices"}),
    # WEB_CONCURRENCY workers per HTTP process.
    "cluster_mode": frozenset({"monolith", "extracted", "microservices"}),
    # The orders projector keeps a read model fed by the orders' events.
    "cqrs_read_model": frozenset({"microservices"}),
}


def is_generated(option_id: str, preset: str) -> bool:
    """Whether a project of ``preset`` has the option: set by a template answer, or always rendered."""
    return option_id in TEMPLATE_ANSWERS or preset in ALWAYS_RENDERED.get(option_id, frozenset())


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
