"""Option → template answer wiring, the JSON report, and the record kept in a project."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from scalefold import __version__
from scalefold.advisor import (
    SCHEMA_VERSION,
    InvalidAnswer,
    ScaleAnswers,
    advice_file_text,
    build_report,
    parse_answers,
    read_answers_file,
    recommend,
)
from scalefold.advisor.options import OPTIONS_BY_ID, TEMPLATE_ANSWERS, TemplateAnswer, template_answers
from scalefold.advisor.rules import OPTION_RULES
from scalefold.questions import load_questions

ANSWERS = ScaleAnswers(
    rps=3000,
    teams=2,
    independent=("notifications",),
    read_ratio=0.9,
    realtime=True,
    audit_trail=True,
    target="kubernetes",
)


def test_every_option_rule_names_a_known_option() -> None:
    assert {rule.option for rule in OPTION_RULES} == set(OPTIONS_BY_ID)


def test_wired_options_name_questions_the_template_has() -> None:
    questions = load_questions()
    for option_id, wiring in TEMPLATE_ANSWERS.items():
        assert option_id in OPTIONS_BY_ID
        assert wiring.question in questions and not questions[wiring.question].hidden


def test_one_table_entry_wires_an_option_to_a_question() -> None:
    table = {"kubernetes": TemplateAnswer("kubernetes", off=False), "broker": TemplateAnswer("broker")}
    questions = {"kubernetes": object(), "broker": object()}
    assert template_answers({"kubernetes": True, "broker": "nats"}, questions, table) == {
        "kubernetes": True,
        "broker": "nats",
    }
    # off: a bool question is answered False; a choice keeps the template's default (no answer)
    assert template_answers({}, questions, table) == {"kubernetes": False}
    # until the template has the question, the option stays advice
    assert template_answers({"kubernetes": True}, {}, table) == {}


def test_options_the_template_implements_become_answers_and_the_rest_stay_advice() -> None:
    # Kubernetes manifests, the broker, cluster mode, Nginx and event sourcing (for the audit trail) are
    # template questions; cache, read replica and CQRS are advice. The broker is RabbitMQ, real-time updates or not (they reach every
    # replica through Redis); Kubernetes runs a process per pod, so no cluster mode, and balances the pods
    # itself, so no Nginx.
    assert recommend(ANSWERS).preset == "extracted"
    # (the webhooks answer is set whatever the preset; Copier's `when` drops it outside the monolith)
    assert template_answers(recommend(ANSWERS).option_values, load_questions()) == {
        "kubernetes": True,
        "broker": "rabbitmq",
        "cluster_mode": False,
        "nginx": False,
        "realtime": True,
        "webhooks": False,
        "event_sourcing": True,
    }
    # without real-time updates the extracted services need the same broker
    no_realtime = ScaleAnswers(rps=100, teams=1, independent=("notifications",), target="single-host")
    assert recommend(no_realtime).preset == "extracted"
    assert template_answers(recommend(no_realtime).option_values, load_questions()) == {
        "kubernetes": False,
        "broker": "rabbitmq",
        "cluster_mode": False,
        "nginx": False,
        "realtime": False,
        "webhooks": False,
        "event_sourcing": False,
    }
    # a monolith needs no broker, so the broker question keeps its own default (no answer)
    single_host = ScaleAnswers(rps=100, teams=1, target="single-host")
    assert template_answers(recommend(single_host).option_values, load_questions()) == {
        "kubernetes": False,
        "cluster_mode": False,
        "nginx": False,
        "realtime": False,
        "webhooks": False,
        "event_sourcing": False,
    }
    # one host at high traffic runs several instances: Nginx in front of them
    busy_host = ScaleAnswers(rps=5000, teams=1, target="single-host")
    assert template_answers(recommend(busy_host).option_values, load_questions())["nginx"] is True
    # no orchestrator on bare-metal hosts: cluster mode, one process per core run by PM2 (which reloads
    # them in place), Nginx across the hosts
    bare_metal = ScaleAnswers(rps=100, teams=1, target="bare-metal")
    assert template_answers(recommend(bare_metal).option_values, load_questions()) == {
        "kubernetes": False,
        "cluster_mode": True,
        "process_manager": "pm2",
        "nginx": True,
        "realtime": False,
        "webhooks": False,
        "event_sourcing": False,
    }


def test_options_the_project_does_not_have_are_advice_apart_from_the_generated_ones() -> None:
    recommendation = recommend(ANSWERS)
    generated = {switched.option: switched.question for switched in recommendation.generated}
    advice = {switched.option for switched in recommendation.advice}
    # Only what a template answer changes is generated: the broker and the manifests. The cache and the
    # replica's URL are in every project whatever the answers, so recommending them is configuration
    # advice; CQRS is not generated by the extracted preset. Event sourcing and the real-time stream
    # are (their answers), in every preset.
    assert generated == {
        "broker": "broker",
        "kubernetes": "kubernetes",
        "event_sourcing": "event_sourcing",
        "realtime": "realtime",
    }
    assert advice == {"cache", "read_replica", "cqrs_read_model"}
    report = build_report(ANSWERS, recommendation, shipped_presets=["extracted"])["recommendation"]
    assert [entry["id"] for entry in report["template_answers"]] == ["event_sourcing", "broker", "kubernetes", "realtime"]
    assert [entry["id"] for entry in report["advice"]] == ["cache", "read_replica", "cqrs_read_model"]
    assert "options" not in report
    # An advice entry says what to do, never a value the project would have been generated with.
    replica = next(entry for entry in report["advice"] if entry["id"] == "read_replica")
    assert "DATABASE_READ_URL" in replica["advice"] and "value" not in replica and "question" not in replica
    # The microservices preset has a CQRS read model (the orders projector): the preset answer makes it.
    many = ScaleAnswers(rps=20000, teams=8, independent=("users", "orders", "notifications"), read_ratio=0.95)
    assert recommend(many).preset == "microservices"
    read_model = next(s for s in recommend(many).generated if s.option == "cqrs_read_model")
    assert (read_model.question, read_model.value) == ("preset", "microservices")


def test_the_real_time_stream_is_a_template_answer_in_every_preset() -> None:
    # The deployable holding the orders module streams them: the monolith, apps/api, services/orders.
    for scale, preset in [
        (ScaleAnswers(rps=100, teams=1, realtime=True), "monolith"),
        (ScaleAnswers(rps=100, teams=1, independent=("notifications",), realtime=True), "extracted"),
        (ScaleAnswers(rps=20000, teams=8, independent=("users", "orders", "notifications"), realtime=True),
         "microservices"),
    ]:
        recommendation = recommend(scale)
        assert recommendation.preset == preset
        realtime = next(s for s in recommendation.generated if s.option == "realtime")
        assert (realtime.question, realtime.value) == ("realtime", True)
        assert "realtime" not in {s.option for s in recommendation.advice}


def test_webhooks_are_generated_by_the_monolith_and_advice_with_the_other_presets() -> None:
    from rich.console import Console
    from scalefold.advisor.panel import recommendation_panel
    from scalefold.console import THEME

    monolith_answers = ScaleAnswers(rps=100, teams=1, webhooks=True)
    monolith = recommend(monolith_answers)
    assert monolith.preset == "monolith"
    webhooks = next(s for s in monolith.generated if s.option == "webhooks")
    assert (webhooks.question, webhooks.value) == ("webhooks", True)
    assert webhooks.rule == "webhooks-for-other-systems"
    assert template_answers(monolith.option_values, load_questions())["webhooks"] is True
    console = Console(width=200, record=True, theme=THEME)
    console.print(recommendation_panel(monolith_answers, monolith))
    text = console.export_text()
    answers_at = text.index("Template answers: scalefold new generates them")
    webhooks_at = text.index("Outgoing webhooks")
    assert answers_at < webhooks_at < text.index("webhooks=true")
    assert "Advice: not" not in text[answers_at:webhooks_at]
    # Without the answer, nothing recommends them.
    assert "webhooks" not in {s.option for s in recommend(ScaleAnswers(rps=100, teams=1)).generated}

    extracted = recommend(ScaleAnswers(rps=100, teams=1, independent=("notifications",), webhooks=True))
    assert extracted.preset == "extracted"
    advice = next(s for s in extracted.advice if s.option == "webhooks")
    assert "monolith preset only" in advice.advice
    assert "webhooks" not in {s.option for s in extracted.generated}


def test_the_panel_shows_advice_under_its_own_heading() -> None:
    from rich.console import Console
    from scalefold.advisor.panel import recommendation_panel
    from scalefold.console import THEME

    console = Console(width=200, record=True, theme=THEME)
    console.print(recommendation_panel(ANSWERS, recommend(ANSWERS)))
    text = console.export_text()
    answers_at, advice_at = text.index("Template answers: scalefold new generates them"), text.index("Advice: not")
    assert answers_at < text.index("Message broker") < text.index("broker=rabbitmq") < advice_at
    assert answers_at < text.index("kubernetes=true") < advice_at
    assert answers_at < text.index("Event sourcing") < text.index("event_sourcing=true") < advice_at
    for title in ("Redis cache", "Read replica", "CQRS read model"):
        assert text.index(title) > advice_at
    assert "Switches on" not in text and "Generated\n" not in text


def test_report_shape() -> None:
    recommendation = recommend(ANSWERS)
    report = build_report(ANSWERS, recommendation, shipped_presets=["monolith"], defaulted=["background"])
    assert report["schema_version"] == SCHEMA_VERSION == 2
    assert report["scalefold_version"] == __version__
    assert report["answers"]["independent"] == ["notifications"] and report["answers"]["rps"] == 3000
    assert report["defaulted"] == ["background"]
    assert report["recommendation"]["preset"] == "extracted"
    assert report["recommendation"]["shipped"] is False
    assert report["shipped_presets"] == ["monolith"]
    broker = next(o for o in report["recommendation"]["template_answers"] if o["id"] == "broker")
    assert (broker["question"], broker["value"]) == ("broker", "rabbitmq")
    assert broker["reason"] and broker["rule"] == "broker-between-services"
    assert "chosen_preset" not in report
    # shipped is read from the presets this scalefold ships, whatever they are
    both = build_report(ANSWERS, recommendation, shipped_presets=["monolith", "extracted"])
    assert both["recommendation"]["shipped"] is True


def test_the_advice_record_reads_back_as_the_same_answers(tmp_path: Path) -> None:
    report = build_report(ANSWERS, recommend(ANSWERS), shipped_presets=["monolith"], chosen_preset="monolith")
    record = tmp_path / "advice.yml"
    record.write_text(advice_file_text(report))
    assert record.read_text().startswith("# The scale advisor's answers")
    assert yaml.safe_load(record.read_text())["chosen_preset"] == "monolith"
    assert parse_answers(read_answers_file(record)) == ANSWERS.to_dict() | {"independent": ("notifications",)}


def test_answers_files_may_be_plain_yaml_or_json(tmp_path: Path) -> None:
    plain = tmp_path / "a.yml"
    plain.write_text("rps: 200\nteams: 1\nrealtime: yes\n")
    assert read_answers_file(plain) == {"rps": 200, "teams": 1, "realtime": True}
    as_json = tmp_path / "a.json"
    as_json.write_text('{"rps": 200, "independent": ["orders"]}')
    assert read_answers_file(as_json) == {"rps": 200, "independent": ["orders"]}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("rps: [1\n", "is not valid YAML or JSON (line 2)"),
        ("- rps\n", "expected a mapping of answers"),
        ("answers: 3\n", "'answers' must be a mapping"),
        ("answers: {rps: 1}\nextra: 1\n", "unknown key 'extra' beside 'answers'"),
    ],
)
def test_bad_answers_files(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "bad.yml"
    path.write_text(text)
    with pytest.raises(InvalidAnswer, match=re.escape(reason)):
        read_answers_file(path)


def test_a_missing_answers_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidAnswer, match="cannot read"):
        read_answers_file(tmp_path / "nope.yml")
