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
    # Kubernetes manifests and the broker are template questions; cache, read replica, CQRS and event
    # sourcing are advice only today. Real-time updates call for NATS JetStream.
    assert recommend(ANSWERS).preset == "extracted"
    assert template_answers(recommend(ANSWERS).option_values, load_questions()) == {
        "kubernetes": True,
        "broker": "nats",
    }
    # without real-time updates the extracted services still need a broker: RabbitMQ
    no_realtime = ScaleAnswers(rps=100, teams=1, independent=("notifications",), target="single-host")
    assert recommend(no_realtime).preset == "extracted"
    assert template_answers(recommend(no_realtime).option_values, load_questions()) == {
        "kubernetes": False,
        "broker": "rabbitmq",
    }
    # a monolith needs no broker, so the broker question keeps its own default (no answer)
    single_host = ScaleAnswers(rps=100, teams=1, target="single-host")
    assert template_answers(recommend(single_host).option_values, load_questions()) == {"kubernetes": False}


def test_options_the_project_does_not_have_are_advice_apart_from_the_generated_ones() -> None:
    recommendation = recommend(ANSWERS)
    generated = {switched.option for switched in recommendation.generated}
    advice = {switched.option for switched in recommendation.advice}
    # The extracted preset renders the cache and the read-replica URL whatever the answers, the broker
    # and the manifests are answers; nothing of CQRS or event sourcing is generated.
    assert {"broker", "kubernetes"} <= generated
    assert {"cqrs_read_model", "event_sourcing"} <= advice
    assert not generated & advice
    report = build_report(ANSWERS, recommendation, shipped_presets=["extracted"])
    flags = {option["id"]: option["generated"] for option in report["recommendation"]["options"]}
    assert flags["event_sourcing"] is False and flags["broker"] is True
    # The microservices preset has a CQRS read model (the orders projector): generated there.
    many = ScaleAnswers(rps=20000, teams=8, independent=("users", "orders", "notifications"), read_ratio=0.95)
    assert recommend(many).preset == "microservices"
    assert "cqrs_read_model" in {switched.option for switched in recommend(many).generated}


def test_the_panel_shows_advice_under_its_own_heading() -> None:
    from rich.console import Console
    from scalefold.advisor.panel import recommendation_panel
    from scalefold.console import THEME

    console = Console(width=200, record=True, theme=THEME)
    console.print(recommendation_panel(ANSWERS, recommend(ANSWERS)))
    text = console.export_text()
    generated_at, advice_at = text.index("Generated"), text.index("Advice: not generated")
    assert generated_at < text.index("Message broker") < advice_at < text.index("Event sourcing")
    assert "Switches on" not in text


def test_report_shape() -> None:
    recommendation = recommend(ANSWERS)
    report = build_report(ANSWERS, recommendation, shipped_presets=["monolith"], defaulted=["background"])
    assert report["schema_version"] == SCHEMA_VERSION == 1
    assert report["scalefold_version"] == __version__
    assert report["answers"]["independent"] == ["notifications"] and report["answers"]["rps"] == 3000
    assert report["defaulted"] == ["background"]
    assert report["recommendation"]["preset"] == "extracted"
    assert report["recommendation"]["shipped"] is False
    assert report["shipped_presets"] == ["monolith"]
    broker = next(o for o in report["recommendation"]["options"] if o["id"] == "broker")
    assert broker["value"] == "nats" and broker["reason"] and broker["rule"] == "broker-for-realtime"
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
