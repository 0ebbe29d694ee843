"""The recommendation rules: three tables read top to bottom, and the thresholds they use.

"Monolith first": a modular monolith unless the answers show a real need; extracted services when
one or two modules must deploy or scale on their own; microservices when several teams must deploy
independently. The preset rules are mutually exclusive (a test checks that exactly one applies to
any answers); option and note rules each add a line when they apply, the first reason per option
winning. Every reason is one sentence built from the answers that triggered it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scalefold.advisor.answers import ScaleAnswers
from scalefold.advisor.options import BROKER_NAMES, broker_for

#: From this many teams, coordinating one release train costs more than running services.
SEVERAL_TEAMS = 3
#: From this peak, the API runs as several replicas behind a load balancer.
HIGH_TRAFFIC_RPS = 1_000
#: Share of reads from which a cache pays for itself.
CACHE_READ_SHARE = 0.7
#: A read replica when this share of reads meets this much traffic.
REPLICA_READ_SHARE = 0.8
REPLICA_RPS = 500
#: A separate read model when reads dominate this strongly at this much traffic.
CQRS_READ_SHARE = 0.9
CQRS_RPS = 2_000

PRESET_TITLES = {
    "monolith": "modular monolith",
    "extracted": "monolith with extracted services",
    "microservices": "microservices behind a gateway",
}
SERVICE_PRESETS = ("extracted", "microservices")


@dataclass(frozen=True)
class PresetRule:
    id: str
    preset: str
    applies: Callable[[ScaleAnswers], bool]
    reason: Callable[[ScaleAnswers], str]


@dataclass(frozen=True)
class OptionRule:
    """Switches ``option`` on; ``applies`` also sees the preset chosen by the preset rules."""

    id: str
    option: str
    applies: Callable[[ScaleAnswers, str], bool]
    reason: Callable[[ScaleAnswers, str], str]


@dataclass(frozen=True)
class NoteRule:
    """Advice that switches nothing on but follows from the answers."""

    id: str
    applies: Callable[[ScaleAnswers, str], bool]
    reason: Callable[[ScaleAnswers, str], str]


def _teams(count: int) -> str:
    return f"{count} team" if count == 1 else f"{count} teams"


def _parts(names: tuple[str, ...]) -> str:
    """``orders`` / ``orders and notifications`` / ``users, orders and notifications``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _extract_one(a: ScaleAnswers) -> str:
    part = a.independent[0]
    example = "" if part == "notifications" else " (the extracted preset shows this step with notifications)"
    return (
        f"Only {part} must deploy or scale on its own: extract it into a service fed by events{example} "
        "and keep the rest one modular monolith."
    )


PRESET_RULES: tuple[PresetRule, ...] = (
    PresetRule(
        "several-teams-deploy-independently",
        "microservices",
        applies=lambda a: a.teams >= SEVERAL_TEAMS and len(a.independent) >= 2,
        reason=lambda a: (
            f"{_teams(a.teams)} must ship {_parts(a.independent)} on their own schedules: one service per "
            "module behind a gateway lets each team deploy without waiting for the others."
        ),
    ),
    PresetRule(
        "one-part-independent",
        "extracted",
        applies=lambda a: len(a.independent) == 1,
        reason=_extract_one,
    ),
    PresetRule(
        "few-teams-several-parts",
        "extracted",
        applies=lambda a: a.teams < SEVERAL_TEAMS and len(a.independent) >= 2,
        reason=lambda a: (
            f"{_parts(a.independent)} must deploy or scale on their own, but for {_teams(a.teams)} a few "
            "services extracted beside one API cost far less to run than full microservices."
        ),
    ),
    PresetRule(
        "teams-share-a-monolith",
        "monolith",
        applies=lambda a: a.teams >= SEVERAL_TEAMS and not a.independent,
        reason=lambda a: (
            f"{_teams(a.teams)}, but no part must deploy on its own: a modular monolith with enforced module "
            "boundaries lets each team own a module without running a distributed system."
        ),
    ),
    PresetRule(
        "traffic-scales-out",
        "monolith",
        applies=lambda a: a.teams < SEVERAL_TEAMS and not a.independent and a.rps >= HIGH_TRAFFIC_RPS,
        reason=lambda a: (
            f"{a.rps:,} requests per second calls for more replicas, not more services: the monolith scales "
            "out behind a load balancer, and no part needs its own deployment."
        ),
    ),
    PresetRule(
        "monolith-first",
        "monolith",
        applies=lambda a: a.teams < SEVERAL_TEAMS and not a.independent and a.rps < HIGH_TRAFFIC_RPS,
        reason=lambda a: (
            f"{a.rps:,} requests per second, {_teams(a.teams)} and no part that must deploy on its own: a "
            "modular monolith is the simplest design that works, and its module boundaries keep a later "
            "split cheap."
        ),
    ),
)


OPTION_RULES: tuple[OptionRule, ...] = (
    OptionRule(
        "cache-read-heavy",
        "cache",
        applies=lambda a, _p: a.read_ratio >= CACHE_READ_SHARE,
        reason=lambda a, _p: (
            f"{a.read_percent}% of requests are reads: Redis cache-aside answers repeated reads without a "
            "database round trip."
        ),
    ),
    OptionRule(
        "cache-shared-by-replicas",
        "cache",
        applies=lambda a, _p: a.rps >= HIGH_TRAFFIC_RPS,
        reason=lambda a, _p: (
            f"At {a.rps:,} requests per second the API runs as several replicas: Redis gives them one shared "
            "cache and one set of rate-limit counters."
        ),
    ),
    OptionRule(
        "replica-for-read-heavy-traffic",
        "read_replica",
        applies=lambda a, _p: a.read_ratio >= REPLICA_READ_SHARE and a.rps >= REPLICA_RPS,
        reason=lambda a, _p: (
            f"{a.read_percent}% reads at {a.rps:,} requests per second: a read replica serves the queries "
            "and leaves the primary to the writes."
        ),
    ),
    OptionRule(
        "read-model-for-lopsided-load",
        "cqrs_read_model",
        applies=lambda a, _p: a.read_ratio >= CQRS_READ_SHARE and a.rps >= CQRS_RPS,
        reason=lambda a, _p: (
            f"{a.read_percent}% of {a.rps:,} requests per second are reads: a read model fed by events lets "
            "queries scale apart from the write path."
        ),
    ),
    OptionRule(
        "read-model-for-event-sourcing",
        "cqrs_read_model",
        applies=lambda a, _p: a.audit_trail,
        reason=lambda _a, _p: (
            "Event sourcing stores changes rather than current rows, so queries read a projection built "
            "from the events."
        ),
    ),
    OptionRule(
        "read-model-in-microservices",
        "cqrs_read_model",
        applies=lambda _a, preset: preset == "microservices",
        reason=lambda _a, _p: (
            "The microservices preset gives orders a read model fed by events, so order queries scale apart "
            "from order writes."
        ),
    ),
    OptionRule(
        "event-sourcing-for-audit",
        "event_sourcing",
        applies=lambda a, _p: a.audit_trail,
        reason=lambda _a, _p: (
            "You need an audit trail: every change of an order is appended to an event stream the database "
            "keeps append-only, so who changed what and when is never lost, and any order's state at a past "
            "moment can be asked for."
        ),
    ),
    OptionRule(
        "event-stream-for-realtime",
        "realtime",
        applies=lambda a, _p: a.realtime,
        reason=lambda _a, _p: (
            "Clients need real-time updates: a Server-Sent Events route streams each user's order status "
            "changes, fanned out to every instance through Redis Pub/Sub, resumable with Last-Event-ID."
        ),
    ),
    OptionRule(
        "webhooks-for-other-systems",
        "webhooks",
        applies=lambda a, _p: a.webhooks,
        reason=lambda _a, _p: (
            "Other systems want your events: customers subscribe a URL to their order events, delivered "
            "from the outbox, signed (Standard Webhooks), retried with backoff and recorded per delivery."
        ),
    ),
    OptionRule(
        "broker-between-services",
        "broker",
        applies=lambda _a, preset: preset in SERVICE_PRESETS,
        reason=lambda a, _p: (
            f"Events such as order.placed now cross service boundaries: {BROKER_NAMES[broker_for(a)]} "
            "carries them, fed by a transactional outbox so none is lost while the broker is down."
        ),
    ),
    OptionRule(
        "cluster-on-bare-metal",
        "cluster_mode",
        applies=lambda a, _p: a.target == "bare-metal",
        reason=lambda _a, _p: (
            "On bare-metal hosts no orchestrator runs a process per core: cluster mode runs one per core and "
            "respawns any that crash."
        ),
    ),
    OptionRule(
        "pm2-on-bare-metal",
        "pm2",
        applies=lambda a, _p: a.target == "bare-metal",
        reason=lambda _a, _p: (
            "Bare-metal deploys replace the code in place: PM2 runs the processes in place of the generated "
            "cluster supervisor (one mechanism, not both), reloads them one at a time without dropping a "
            "request and replaces one that outgrows its memory limit."
        ),
    ),
    OptionRule(
        "nginx-in-front-of-hosts",
        "nginx",
        # Bare metal runs several hosts; one host at high traffic runs several instances (the note below).
        applies=lambda a, _p: (
            a.target == "bare-metal" or (a.target == "single-host" and a.rps >= HIGH_TRAFFIC_RPS)
        ),
        reason=lambda _a, _p: (
            "Without an orchestrator, something must spread requests over the instances and take a dead "
            "one out: Nginx balances them, retries idempotent requests on another instance, caches public "
            "reads and rate-limits sign-in at the edge."
        ),
    ),
    OptionRule(
        "kubernetes-target",
        "kubernetes",
        applies=lambda a, _p: a.target == "kubernetes",
        reason=lambda _a, _p: (
            "You deploy to Kubernetes: Kustomize manifests with probes, resource limits, an autoscaler, a "
            "disruption budget and a network policy come ready."
        ),
    ),
    OptionRule(
        "kubernetes-for-microservices",
        "kubernetes",
        applies=lambda _a, preset: preset == "microservices",
        reason=lambda _a, _p: (
            "Services that deploy on their own need an orchestrator: the microservices preset ships "
            "Kubernetes manifests for each of them."
        ),
    ),
)


NOTE_RULES: tuple[NoteRule, ...] = (
    NoteRule(
        "heavy-background-in-worker",
        applies=lambda a, _p: a.background == "heavy",
        reason=lambda _a, _p: (
            "Heavy background work runs in the separate worker process (npm run worker), which you scale "
            "apart from the API; CPU-bound work in a request, such as the order export, runs in the API's "
            "worker-thread pool (CPU_POOL_MAX_THREADS), never on its event loop."
        ),
    ),
    NoteRule(
        "one-host-at-high-traffic",
        applies=lambda a, _p: a.target == "single-host" and a.rps >= HIGH_TRAFFIC_RPS,
        reason=lambda a, _p: (
            f"At {a.rps:,} requests per second one host is a single point of failure: run at least two "
            "behind a load balancer, or move to Kubernetes."
        ),
    ),
)
