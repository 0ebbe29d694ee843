"""The recommendation table: every branch, the boundaries between them, and the reasons."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from scalefold.advisor import ScaleAnswers, recommend
from scalefold.advisor.recommend import options_for
from scalefold.presets import builtin_presets
from scalefold.questions import load_questions
from scalefold.advisor.rules import (
    CACHE_READ_SHARE,
    CQRS_READ_SHARE,
    CQRS_RPS,
    HIGH_TRAFFIC_RPS,
    NOTE_RULES,
    OPTION_RULES,
    PRESET_RULES,
    PRESET_TITLES,
    REPLICA_READ_SHARE,
    REPLICA_RPS,
    SEVERAL_TEAMS,
)

#: Quiet answers: nothing in them asks for any option or note.
QUIET = ScaleAnswers(rps=100, teams=1, read_ratio=0.5, background="light", target="single-host")


def answers(**changes: object) -> ScaleAnswers:
    return replace(QUIET, **changes)


def options(a: ScaleAnswers) -> dict[str, str]:
    """Option id → the rule that switched it on."""
    return {switched.option: switched.rule for switched in recommend(a).options}


# --- presets -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("teams", "independent", "rps", "preset", "rule"),
    [
        (1, (), 100, "monolith", "monolith-first"),
        (2, (), HIGH_TRAFFIC_RPS - 1, "monolith", "monolith-first"),
        (2, (), HIGH_TRAFFIC_RPS, "monolith", "traffic-scales-out"),
        (1, (), 50_000, "monolith", "traffic-scales-out"),
        (SEVERAL_TEAMS, (), 100, "monolith", "teams-share-a-monolith"),
        (10, (), 50_000, "monolith", "teams-share-a-monolith"),
        (1, ("notifications",), 100, "extracted", "one-part-independent"),
        (SEVERAL_TEAMS, ("orders",), 100, "extracted", "one-part-independent"),
        (10, ("users",), 100, "extracted", "one-part-independent"),
        (SEVERAL_TEAMS - 1, ("orders", "notifications"), 100, "extracted", "few-teams-several-parts"),
        (1, ("users", "orders", "notifications"), 100, "extracted", "few-teams-several-parts"),
        (
            SEVERAL_TEAMS,
            ("orders", "notifications"),
            100,
            "microservices",
            "several-teams-deploy-independently",
        ),
        (8, ("users", "orders", "notifications"), 20, "microservices", "several-teams-deploy-independently"),
    ],
)
def test_the_preset_follows_teams_and_independent_parts(
    teams: int, independent: tuple[str, ...], rps: int, preset: str, rule: str
) -> None:
    recommendation = recommend(answers(teams=teams, independent=independent, rps=rps))
    assert (recommendation.preset, recommendation.rule) == (preset, rule)


def test_exactly_one_preset_rule_applies_to_any_answers() -> None:
    """The preset rules do not depend on their order: for any answers, exactly one applies."""
    parts = [(), ("users",), ("orders", "notifications"), ("users", "orders", "notifications")]
    for teams, independent, rps in itertools.product(
        [1, SEVERAL_TEAMS - 1, SEVERAL_TEAMS, 12], parts, [1, HIGH_TRAFFIC_RPS - 1, HIGH_TRAFFIC_RPS, 10**6]
    ):
        a = answers(teams=teams, independent=independent, rps=rps)
        applying = [rule.id for rule in PRESET_RULES if rule.applies(a)]
        assert len(applying) == 1, (a, applying)


def test_traffic_alone_never_leaves_the_monolith() -> None:
    for rps in (1, 999, 1_000, 10_000, 1_000_000):
        busy = answers(
            rps=rps, read_ratio=0.99, background="heavy", realtime=True, audit_trail=True, target="kubernetes"
        )
        assert recommend(busy).preset == "monolith"


def test_microservices_need_several_teams() -> None:
    everything_independent = ("users", "orders", "notifications")
    assert (
        recommend(answers(teams=SEVERAL_TEAMS - 1, independent=everything_independent)).preset == "extracted"
    )
    assert (
        recommend(answers(teams=SEVERAL_TEAMS, independent=everything_independent)).preset == "microservices"
    )


def test_preset_reasons_quote_the_answers() -> None:
    assert (
        "1 team" in recommend(answers(teams=1)).reason
        and "100 requests per second" in recommend(QUIET).reason
    )
    assert "12,000 requests per second" in recommend(answers(rps=12_000)).reason
    assert "4 teams" in recommend(answers(teams=4)).reason
    extracted = recommend(answers(independent=("orders",))).reason
    assert (
        extracted.startswith("Only orders must deploy") and "shows this step with notifications" in extracted
    )
    assert "shows this step" not in recommend(answers(independent=("notifications",))).reason
    micro = recommend(answers(teams=5, independent=("users", "orders", "notifications"))).reason
    assert "5 teams must ship users, orders and notifications" in micro
    few = recommend(answers(teams=2, independent=("orders", "notifications"))).reason
    assert few.startswith("orders and notifications must deploy") and "2 teams" in few


def test_every_reason_is_one_sentence() -> None:
    loud = answers(
        rps=50_000,
        teams=5,
        independent=("users", "orders"),
        read_ratio=0.95,
        background="heavy",
        realtime=True,
        audit_trail=True,
        target="single-host",
    )
    for a in (QUIET, loud, replace(loud, target="bare-metal"), replace(loud, target="kubernetes")):
        recommendation = recommend(a)
        reasons = (
            [recommendation.reason]
            + [o.reason for o in recommendation.options]
            + [n.reason for n in recommendation.notes]
        )
        for reason in reasons:
            assert reason.endswith(".") and reason.count(". ") == 0, reason


# --- options -----------------------------------------------------------------------------------


def test_quiet_answers_switch_nothing_on() -> None:
    recommendation = recommend(QUIET)
    assert recommendation.options == () and recommendation.notes == ()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"read_ratio": CACHE_READ_SHARE - 0.01}, None),
        ({"read_ratio": CACHE_READ_SHARE}, "cache-read-heavy"),
        ({"rps": HIGH_TRAFFIC_RPS - 1}, None),
        ({"rps": HIGH_TRAFFIC_RPS}, "cache-shared-by-replicas"),
        ({"rps": HIGH_TRAFFIC_RPS, "read_ratio": 0.9}, "cache-read-heavy"),  # the first reason wins
    ],
)
def test_cache_boundaries(changes: dict[str, object], expected: str | None) -> None:
    assert options(answers(**changes)).get("cache") == expected


@pytest.mark.parametrize(
    ("read_ratio", "rps", "switched_on"),
    [
        (REPLICA_READ_SHARE, REPLICA_RPS, True),
        (REPLICA_READ_SHARE - 0.01, REPLICA_RPS, False),
        (REPLICA_READ_SHARE, REPLICA_RPS - 1, False),
        (1.0, 100_000, True),
    ],
)
def test_read_replica_needs_read_heavy_traffic(read_ratio: float, rps: int, switched_on: bool) -> None:
    assert ("read_replica" in options(answers(read_ratio=read_ratio, rps=rps))) is switched_on


@pytest.mark.parametrize(
    ("read_ratio", "rps", "rule"),
    [
        (CQRS_READ_SHARE, CQRS_RPS, "read-model-for-lopsided-load"),
        (CQRS_READ_SHARE - 0.01, CQRS_RPS, None),
        (CQRS_READ_SHARE, CQRS_RPS - 1, None),
    ],
)
def test_read_model_when_reads_and_writes_scale_differently(
    read_ratio: float, rps: int, rule: str | None
) -> None:
    assert options(answers(read_ratio=read_ratio, rps=rps)).get("cqrs_read_model") == rule


def test_audit_trail_switches_on_event_sourcing_and_its_read_model() -> None:
    switched = options(answers(audit_trail=True))
    assert switched["event_sourcing"] == "event-sourcing-for-audit"
    assert switched["cqrs_read_model"] == "read-model-for-event-sourcing"
    assert "event_sourcing" not in options(answers(audit_trail=False))


def test_microservices_bring_their_read_model_broker_and_kubernetes() -> None:
    switched = options(answers(teams=4, independent=("orders", "notifications")))
    assert switched["cqrs_read_model"] == "read-model-in-microservices"
    assert switched["broker"] == "broker-between-services"
    assert switched["kubernetes"] == "kubernetes-for-microservices"


def test_an_extracted_service_gets_a_broker_with_an_outbox() -> None:
    recommendation = recommend(answers(independent=("notifications",)))
    broker = next(o for o in recommendation.options if o.option == "broker")
    assert (broker.value, broker.rule) == ("rabbitmq", "broker-between-services")
    assert "RabbitMQ" in broker.reason and "outbox" in broker.reason
    assert "broker" not in options(QUIET)  # the monolith's events stay in process


def test_real_time_needs_no_broker_in_the_monolith_and_no_particular_one_between_services() -> None:
    """The event stream reaches every replica through Redis Pub/Sub: a broker adds nothing to it."""
    recommendation = recommend(answers(realtime=True))
    assert recommendation.preset == "monolith"
    assert "broker" not in {o.option for o in recommendation.options}
    extracted = next(
        o for o in recommend(answers(realtime=True, independent=("orders",))).options if o.option == "broker"
    )
    assert (extracted.value, extracted.rule) == ("rabbitmq", "broker-between-services")


@pytest.mark.parametrize(
    ("target", "cluster", "kubernetes"),
    [("single-host", False, False), ("bare-metal", True, False), ("kubernetes", False, True)],
)
def test_the_deployment_target_picks_cluster_mode_or_kubernetes(
    target: str, cluster: bool, kubernetes: bool
) -> None:
    switched = options(answers(target=target))
    assert ("cluster_mode" in switched, "kubernetes" in switched) == (cluster, kubernetes)
    # PM2 runs the processes where cluster mode is advised, never elsewhere
    assert ("pm2" in switched) == cluster


def test_options_are_listed_in_catalogue_order_whatever_the_rule_order() -> None:
    loud = answers(rps=5_000, read_ratio=0.95, audit_trail=True, realtime=True, target="kubernetes")
    ids = [o.option for o in recommend(loud, option_rules=tuple(reversed(OPTION_RULES))).options]
    assert ids == ["cache", "read_replica", "cqrs_read_model", "event_sourcing", "kubernetes", "realtime"]


def test_options_for_another_preset_than_the_recommended_one() -> None:
    a = answers(independent=("notifications",))
    assert recommend(a).preset == "extracted"
    assert "broker" not in {o.option for o in options_for(a, "monolith")}


# --- notes -------------------------------------------------------------------------------------


def test_notes() -> None:
    assert [n.rule for n in recommend(answers(background="heavy")).notes] == ["heavy-background-in-worker"]
    assert [n.rule for n in recommend(answers(rps=HIGH_TRAFFIC_RPS)).notes] == ["one-host-at-high-traffic"]
    assert recommend(answers(rps=HIGH_TRAFFIC_RPS - 1)).notes == ()
    assert recommend(answers(rps=HIGH_TRAFFIC_RPS, target="kubernetes")).notes == ()
    assert len(NOTE_RULES) == 2


def test_rule_ids_are_unique() -> None:
    ids = [r.id for r in PRESET_RULES] + [r.id for r in OPTION_RULES] + [r.id for r in NOTE_RULES]
    assert len(ids) == len(set(ids))


def test_every_preset_the_advisor_recommends_ships_and_the_template_renders() -> None:
    # The interactive `new` offers the recommendation to accept as is: a recommended preset without a
    # preset file, or one that copier.yml does not offer, would have nothing to render.
    recommended = {rule.preset for rule in PRESET_RULES}
    assert recommended == set(PRESET_TITLES)
    assert [preset.name for preset in builtin_presets()] == list(PRESET_TITLES)
    assert load_questions()["preset"].choice_values == list(PRESET_TITLES)
