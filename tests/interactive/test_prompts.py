"""The interactive flow's pieces, driven by typed lines instead of a keyboard."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import typer
import yaml
from rich.console import Console
from scalefold.advisor import ScaleAnswers, recommend
from scalefold.advisor.answers import parse_teams
from scalefold.console import THEME
from scalefold.errors import UsageError
from scalefold.interactive import (
    Prompter,
    ask_new_project,
    ask_project_answers,
    ask_scale_answers,
    choose_preset,
    interrupts_end_cleanly,
)
from scalefold.presets import builtin_presets
from scalefold.questions import Question, default_for, is_asked, load_questions, validate_answers


class Keyboard(io.StringIO):
    """Typed lines; running out of them is end of input, as on a closed terminal."""

    def readline(self, *args: object) -> str:  # type: ignore[override]
        line = super().readline(*args)
        if not line:
            raise EOFError
        return line


class Interrupting(io.StringIO):
    """Types the given lines, then presses Ctrl-C."""

    def readline(self, *args: object) -> str:  # type: ignore[override]
        line = super().readline(*args)
        if not line:
            raise KeyboardInterrupt
        return line


def make_prompter(*lines: str, stream: type[io.StringIO] = Keyboard) -> tuple[Prompter, io.StringIO]:
    screen = io.StringIO()
    console = Console(file=screen, width=120, theme=THEME, color_system=None, force_terminal=False)
    return Prompter(console=console, stream=stream("".join(f"{line}\n" for line in lines))), screen


def test_a_bad_answer_is_refused_with_its_reason_and_asked_again() -> None:
    prompter, screen = make_prompter("two", "0", "3")
    assert prompter.ask("Teams working on the backend", parse_teams, help="Teams that ship it.") == 3
    out = screen.getvalue()
    assert "✗ expected a whole number, got 'two' — try again" in out
    assert "✗ must be at least 1, got 0 — try again" in out
    assert out.count("Teams working on the backend") == 3
    assert out.count("Teams that ship it.") == 1


def test_enter_takes_the_shown_default() -> None:
    prompter, screen = make_prompter("")
    assert prompter.confirm("Audit trail?", default=False) is False
    assert "Audit trail? [y/n] (no):" in screen.getvalue()


def test_enter_at_a_question_without_a_default_asks_for_an_answer() -> None:
    prompter, screen = make_prompter("", "300")
    assert prompter.ask("Expected peak requests per second", parse_teams) == 300
    out = screen.getvalue()
    assert "✗ this question has no default: type an answer" in out
    assert "expected a whole number, got ''" not in out


def test_the_scale_questions_say_which_ones_have_no_default(tmp_path: Path) -> None:
    prompter, screen = make_prompter("300", "1", stream=Interrupting)
    with pytest.raises(typer.Exit):
        ask_new_project(tmp_path / "never", {}, prompter=prompter)
    out = " ".join(screen.getvalue().split())
    intro = "Where a question shows a default in parentheses, Enter takes it; the others need an answer."
    assert intro in out
    first = out.index("Expected peak requests per second")
    assert out.index(intro) < first
    assert out[first:].split(":")[0] == "Expected peak requests per second"  # it shows no default: it needs one


def test_scale_questions_ask_only_what_was_not_given() -> None:
    prompter, screen = make_prompter("1,500", "", "9:1", "heavy", "y", "", "", "bare-metal")
    answers = ask_scale_answers(prompter, given={"teams": 2})
    assert answers == ScaleAnswers(
        rps=1500,
        teams=2,
        independent=(),
        read_ratio=0.9,
        background="heavy",
        realtime=True,
        audit_trail=False,
        target="bare-metal",
    )
    assert "Teams working on the backend" not in screen.getvalue()


def test_scale_questions_show_help_choices_and_defaults() -> None:
    prompter, screen = make_prompter("100", "1", "", "", "", "", "", "", "k8s", "kubernetes")
    assert ask_scale_answers(prompter).target == "kubernetes"
    out = screen.getvalue()
    assert "Share of requests that are reads (80%):" in out
    assert "Background work (emails, reports, imports) [none/light/heavy] (light):" in out
    assert "Deployment target [single-host/kubernetes/bare-metal] (single-host):" in out
    assert "✗ unknown deployment target 'k8s'; choose one of: single-host, kubernetes, bare-metal" in out


# --- preset choice -----------------------------------------------------------------------------


def test_accepting_a_shipped_recommendation() -> None:
    prompter, _ = make_prompter("")
    recommendation = recommend(ScaleAnswers(rps=10, teams=1))
    assert choose_preset(prompter, recommendation, builtin_presets()).name == "monolith"


def test_declining_it_offers_the_shipped_presets() -> None:
    prompter, screen = make_prompter("n", "galaxy", "monolith")
    recommendation = recommend(ScaleAnswers(rps=10, teams=1))
    assert choose_preset(prompter, recommendation, builtin_presets()).name == "monolith"
    available = "available: monolith, extracted, microservices (or a path"
    assert f"✗ unknown preset 'galaxy'; {available}" in screen.getvalue()


def test_accepting_a_shipped_service_recommendation() -> None:
    prompter, screen = make_prompter("")
    recommendation = recommend(ScaleAnswers(rps=10, teams=1, independent=("notifications",)))
    assert recommendation.preset == "extracted"
    assert choose_preset(prompter, recommendation, builtin_presets()).name == "extracted"
    assert "Use the recommended preset 'extracted'? [y/n] (yes):" in screen.getvalue()


#: Several teams that must each ship a part on their own: the advisor recommends microservices.
SEVERAL_TEAMS = ScaleAnswers(rps=10, teams=3, independent=("orders", "notifications"))


def test_accepting_the_microservices_recommendation() -> None:
    prompter, screen = make_prompter("")
    recommendation = recommend(SEVERAL_TEAMS)
    assert recommendation.preset == "microservices"
    chosen = choose_preset(prompter, recommendation, builtin_presets())
    assert (chosen.name, chosen.answers) == ("microservices", {"preset": "microservices", "kubernetes": True})
    assert "Use the recommended preset 'microservices'? [y/n] (yes):" in screen.getvalue()


def test_declining_microservices_offers_every_preset_with_the_recommendation_as_default() -> None:
    prompter, screen = make_prompter("n", "")
    assert choose_preset(prompter, recommend(SEVERAL_TEAMS), builtin_presets()).name == "microservices"
    out = " ".join(screen.getvalue().replace("│", " ").split())
    assert "monolith Modular monolith, one deployable" in out
    assert "extracted Monolith with the notifications module extracted" in out
    assert "microservices Microservices behind a gateway, a database each" in out
    assert "Preset (microservices):" in out


def test_declining_microservices_for_an_earlier_phase() -> None:
    prompter, _ = make_prompter("n", "extracted")
    assert choose_preset(prompter, recommend(SEVERAL_TEAMS), builtin_presets()).name == "extracted"


def test_a_users_own_preset_file_can_be_chosen(tmp_path: Path) -> None:
    preset = tmp_path / "team.yml"
    preset.write_text("summary: Ours\nanswers:\n  preset: monolith\n  port: 4100\n")
    bad = tmp_path / "bad.yml"
    bad.write_text("answers:\n  prot: 1\n")
    prompter, screen = make_prompter("n", str(bad), str(preset))
    chosen = choose_preset(prompter, recommend(ScaleAnswers(rps=10, teams=1)), builtin_presets())
    assert chosen.answers["port"] == 4100
    assert "✗ preset bad.yml: unknown answer 'prot'" in screen.getvalue()


# --- the template's questions ------------------------------------------------------------------

QUESTIONS = {
    "project_name": Question(
        "project_name",
        help="Project name",
        validator=(
            "{% if not (project_name | regex_search('^[a-z][a-z0-9-]*$')) %}must be kebab-case{% endif %}"
        ),
    ),
    "description": Question("description", help="One line", default="A backend"),
    "preset": Question("preset", choices={"Monolith": "monolith"}, default="monolith"),
    "port": Question(
        "port",
        type="int",
        default=3000,
        validator="{% if port < 1 or port > 65535 %}must be between 1 and 65535{% endif %}",
    ),
    "metrics_port": Question("metrics_port", type="int", default="{{ port + 1 }}", when="{{ port != 80 }}"),
    "database": Question(
        "database", choices={"PostgreSQL": "postgres", "SQLite": "sqlite"}, default="postgres"
    ),
    "docker": Question("docker", type="bool", default=True),
    "internal": Question("internal", default="x", hidden=True, when=False),
}


def test_project_questions_validate_where_typed_and_follow_copier_yml() -> None:
    prompter, screen = make_prompter(
        "Bad_Name", "my-api", "", "http", "70000", "8080", "", "mysql", "sqlite", "n"
    )
    answers = ask_project_answers(
        prompter,
        fixed={},
        suggested={"preset": "monolith"},
        destination=None,
        force=False,
        questions=QUESTIONS,
    )
    assert answers == {
        "project_name": "my-api",
        "description": "A backend",
        "preset": "monolith",
        "port": 8080,
        "metrics_port": 8081,
        "database": "sqlite",
        "docker": False,
    }
    out = screen.getvalue()
    assert "✗ invalid project name: must be kebab-case — try again" in out
    assert "✗ port: expected a whole number, got 'http' — try again" in out
    assert "✗ invalid port: must be between 1 and 65535 — try again" in out
    assert "✗ invalid database: 'mysql' is not one of: postgres, sqlite — try again" in out
    assert "Metrics port (8081):" in out  # a templated default, rendered from the earlier answers
    assert "Database [postgres/sqlite] (postgres):" in out
    assert "Docker [y/n] (yes):" in out
    assert "Project name:" in out and "project_name" not in out  # the help text, never the raw key
    assert "preset" not in out.replace("preset: monolith", "")  # chosen before, never asked again
    assert "internal" not in out


def test_fixed_answers_and_when_conditions_skip_questions(tmp_path: Path) -> None:
    prompter, screen = make_prompter("", "", "")
    answers = ask_project_answers(
        prompter,
        fixed={"port": 80, "description": "Given"},
        suggested={"database": "sqlite"},
        destination=tmp_path / "Shop API",
        force=False,
        questions=QUESTIONS,
    )
    assert answers["project_name"] == "shop-api"  # the destination's name, as a default
    assert answers["database"] == "sqlite"  # suggested by the preset
    assert "metrics_port" not in answers  # its `when` is false for port 80
    out = screen.getvalue()
    assert "Project name (shop-api):" in out and "One line" not in out and "Port" not in out


def test_a_fixed_answer_that_the_other_answers_rule_out_is_refused_not_dropped(tmp_path: Path) -> None:
    prompter, _ = make_prompter("", "", "", "", "")
    with pytest.raises(UsageError, match=r"metrics_port does not apply to this project: .*port != 80 \(here port is 80\)"):
        ask_project_answers(
            prompter,
            fixed={"port": 80, "metrics_port": 9000},
            suggested={},
            destination=tmp_path / "shop",
            force=False,
            questions=QUESTIONS,
        )


def test_a_project_name_whose_folder_is_busy_is_refused_at_the_prompt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "file.txt").write_text("mine")
    prompter, screen = make_prompter("taken", "free", "", "", "", "", "")
    answers = ask_project_answers(
        prompter, fixed={}, suggested={}, destination=None, force=False, questions=QUESTIONS
    )
    assert answers["project_name"] == "free"
    assert "✗ destination taken is not empty" in screen.getvalue()


# --- the whole flow ----------------------------------------------------------------------------

#: How copier.yml's broker question is asked: its help text, its remark on the line above.
BROKER = "Message broker that carries events between deployables"

SCALE_LINES = ["800", "2", "notifications", "95%", "heavy", "n", "n", "y", "kubernetes"]
#: The same load, but three teams that must each ship orders or notifications on their own.
SEVERAL_TEAMS_LINES = ["800", "3", "orders,notifications", "95%", "heavy", "n", "n", "y", "kubernetes"]


def test_the_whole_flow_records_the_advice(tmp_path: Path) -> None:
    # extracted is recommended and shipped: Enter accepts it; then name, description, Enter takes the
    # advised RabbitMQ (no real-time updates), port, and Enter takes the advised "yes" for the
    # Kubernetes manifests (the target is Kubernetes), and the advised "yes" for event sourcing (an audit
    # trail is needed)
    prompter, screen = make_prompter(*SCALE_LINES, "", "", "Orders API", "", "4000", "", "", "", "", "", "")
    project = ask_new_project(tmp_path / "orders-api", {}, prompter=prompter)
    assert project.destination == tmp_path / "orders-api"
    assert project.answers == {
        "project_name": "orders-api",
        "description": "Orders API",
        "preset": "extracted",
        "broker": "rabbitmq",
        "port": 4000,
        "kubernetes": True,
        # Kubernetes runs a process per pod: the advisor answers no to cluster mode.
        "cluster_mode": False,
        # Kubernetes balances the pods: no Nginx.
        "nginx": False,
        # No real-time updates asked for: no event stream; no other system to notify: no webhooks.
        "realtime": False,
        "webhooks": False,
        # The audit trail: the orders' event stream.
        "event_sourcing": True,
    }
    record = yaml.safe_load(project.extra_files[".scalefold/advice.yml"])
    assert record["answers"] == {
        "rps": 800,
        "teams": 2,
        "independent": ["notifications"],
        "read_ratio": 0.95,
        "background": "heavy",
        "realtime": False,
        "webhooks": False,
        "audit_trail": True,
        "target": "kubernetes",
    }
    assert record["recommendation"]["preset"] == record["chosen_preset"] == "extracted"
    assert record["recommendation"]["shipped"] is True
    assert record["shipped_presets"] == ["monolith", "extracted", "microservices"]
    out = " ".join(screen.getvalue().replace("│", " ").split())
    assert "Recommended: extracted" in out
    assert "Use the recommended preset 'extracted'? [y/n] (yes):" in out


@pytest.mark.parametrize("realtime", ["y", "n"], ids=["realtime", "no-realtime"])
def test_accepting_extracted_asks_the_broker_with_the_advised_default(tmp_path: Path, realtime: str) -> None:
    broker = "rabbitmq"  # real-time updates or not: they reach every replica through Redis
    scale = ["800", "2", "notifications", "95%", "heavy", realtime, "n", "n", "single-host"]
    # accept extracted, then name, description, Enter at the broker question, port, kubernetes
    prompter, screen = make_prompter(*scale, "", "", "", "", "", "", "", "", "", "", "")
    project = ask_new_project(tmp_path / "events-api", {}, prompter=prompter)
    assert (project.answers["preset"], project.answers["broker"]) == ("extracted", broker)
    out = screen.getvalue()
    assert f"{BROKER} [rabbitmq/nats] ({broker}):" in out
    assert out.count("[rabbitmq/nats]") == 1
    record = yaml.safe_load(project.extra_files[".scalefold/advice.yml"])
    assert record["chosen_preset"] == "extracted"
    advised = {o["id"]: o["value"] for o in record["recommendation"]["template_answers"]}
    assert advised["broker"] == broker


def test_the_advised_broker_is_only_a_default(tmp_path: Path) -> None:
    scale = ["800", "2", "notifications", "95%", "heavy", "y", "n", "n", "single-host"]
    prompter, screen = make_prompter(*scale, "", "", "", "kafka", "nats", "", "", "", "", "", "", "")
    project = ask_new_project(tmp_path / "events-api", {}, prompter=prompter)
    assert project.answers["broker"] == "nats"
    out = screen.getvalue()
    assert f"{BROKER} [rabbitmq/nats] (rabbitmq):" in out
    assert "✗ invalid broker: 'kafka' is not one of: rabbitmq, nats — try again" in out


def test_accepting_microservices_asks_the_broker_and_advises_kubernetes(tmp_path: Path) -> None:
    # microservices is recommended: Enter accepts it; then name, description, Enter takes the advised
    # RabbitMQ (no real-time updates), port, and Enter takes the advised "yes" for the Kubernetes
    # manifests (the target is Kubernetes, and services that deploy on their own need an orchestrator),
    # then the advised "yes" for event sourcing (an audit trail is needed)
    prompter, screen = make_prompter(*SEVERAL_TEAMS_LINES, "", "", "Shop", "", "4000", "", "", "", "", "", "")
    project = ask_new_project(tmp_path / "shop", {}, prompter=prompter)
    assert project.answers == {
        "project_name": "shop",
        "description": "Shop",
        "preset": "microservices",
        "broker": "rabbitmq",
        "port": 4000,
        "kubernetes": True,
        "cluster_mode": False,
        # Kubernetes balances the pods: no Nginx.
        "nginx": False,
        "realtime": False,
        "webhooks": False,
        "event_sourcing": True,
    }
    record = yaml.safe_load(project.extra_files[".scalefold/advice.yml"])
    assert record["answers"]["teams"] == 3
    assert record["answers"]["independent"] == ["orders", "notifications"]
    assert record["recommendation"]["preset"] == record["chosen_preset"] == "microservices"
    assert record["recommendation"]["shipped"] is True
    advised = {o["id"]: o["value"] for o in record["recommendation"]["template_answers"]}
    assert advised["cqrs_read_model"] == "microservices" and advised["kubernetes"] is True
    assert advised["broker"] == "rabbitmq"
    out = " ".join(screen.getvalue().replace("│", " ").split())
    assert "Recommended: microservices" in out
    assert "Use the recommended preset 'microservices'? [y/n] (yes):" in out
    assert f"{BROKER} [rabbitmq/nats] (rabbitmq):" in out
    assert "Generate Kubernetes manifests [y/n] (yes):" in out


def test_another_preset_than_the_recommended_one_is_recorded_as_chosen(tmp_path: Path) -> None:
    # microservices is recommended, the user picks the monolith: then name, description, port, and
    # Enter takes the advised "yes" for the Kubernetes manifests (the target is Kubernetes), then the
    # advised "no" for cluster mode, Nginx, the real-time stream and webhooks (monolith questions), and
    # the advised "yes" for event sourcing
    prompter, screen = make_prompter(
        *SEVERAL_TEAMS_LINES, "n", "monolith", "", "Orders API", "4000", "", "", "", "", "", ""
    )
    project = ask_new_project(tmp_path / "orders-api", {}, prompter=prompter)
    assert project.answers == {
        "project_name": "orders-api",
        "description": "Orders API",
        "preset": "monolith",
        "port": 4000,
        "kubernetes": True,
        "cluster_mode": False,
        # Kubernetes balances the pods: no Nginx.
        "nginx": False,
        # No real-time updates asked for: no event stream; no other system to notify: no webhooks.
        "realtime": False,
        "webhooks": False,
        # An audit trail is: the orders' event stream.
        "event_sourcing": True,
    }
    record = yaml.safe_load(project.extra_files[".scalefold/advice.yml"])
    assert record["recommendation"]["preset"] == "microservices" and record["chosen_preset"] == "monolith"
    assert "[rabbitmq/nats]" not in screen.getvalue()  # the monolith has no broker to choose


def test_data_answers_are_checked_before_any_question(tmp_path: Path) -> None:
    prompter, screen = make_prompter()
    with pytest.raises(UsageError, match="invalid port 0"):
        ask_new_project(tmp_path / "x", {"port": "0"}, prompter=prompter)
    assert screen.getvalue() == ""


def test_a_busy_destination_is_refused_before_any_question(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    prompter, screen = make_prompter()
    with pytest.raises(UsageError, match="is not empty"):
        ask_new_project(tmp_path, {}, prompter=prompter)
    assert screen.getvalue() == ""


def test_data_answers_are_not_asked(tmp_path: Path) -> None:
    prompter, screen = make_prompter(*SCALE_LINES, "", "", "", "", "", "", "")
    project = ask_new_project(
        tmp_path / "api", {"port": "5000", "description": "Given", "preset": "monolith"}, prompter=prompter
    )
    assert project.answers["port"] == 5000 and project.answers["description"] == "Given"
    out = screen.getvalue()
    assert "Preset monolith (from --data)." in out
    assert "HTTP port the service listens on" not in out and "Use the recommended preset" not in out


def test_ctrl_c_at_a_question_exits_130_with_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prompter, _ = make_prompter("300", "1", stream=Interrupting)
    with pytest.raises(typer.Exit) as exit_:
        ask_new_project(tmp_path / "never", {}, prompter=prompter)
    assert exit_.value.exit_code == 130
    assert "interrupted: nothing was written" in capsys.readouterr().err
    assert not (tmp_path / "never").exists()


def test_input_ending_mid_way_is_a_one_line_usage_error() -> None:
    expected = "input ended before every question was answered; nothing was written"
    with pytest.raises(UsageError, match=expected), interrupts_end_cleanly():
        raise EOFError


def test_answers_are_judged_by_copiers_own_question() -> None:
    """Copier's Question decides: its `when` over the earlier answers, its cast, its validator."""
    questions = load_questions()
    assert is_asked(questions["broker"], {"preset": "extracted"})
    assert not is_asked(questions["broker"], {"preset": "monolith"})
    # Copier renders and parses a computed default: the yaml `apps` comes back as a list.
    apps = default_for(questions["apps"], {"project_name": "shop", "preset": "monolith"})
    assert [app["name"] for app in apps] == ["shop"]
    judged = validate_answers({"project_name": "shop", "preset": "extracted", "port": "8080", "kubernetes": "yes"})
    assert judged == {"project_name": "shop", "preset": "extracted", "port": 8080, "kubernetes": True}


#: One team at modest load on its own hosts: the monolith, cluster mode run by PM2, Nginx in front.
BARE_METAL_LINES = ["300", "1", "none", "80%", "light", "n", "n", "n", "bare-metal"]


def test_bare_metal_hosts_are_advised_pm2_and_asked_it_only_with_cluster_mode(tmp_path: Path) -> None:
    # accept the monolith, then Enter at name, description, port, kubernetes, cluster mode (advised yes),
    # the process manager (advised pm2), Nginx (advised yes), real-time updates, webhooks and event sourcing
    prompter, screen = make_prompter(*BARE_METAL_LINES, "", "", "", "", "", "", "", "", "", "", "")
    project = ask_new_project(tmp_path / "shop", {}, prompter=prompter)
    assert (project.answers["cluster_mode"], project.answers["process_manager"]) == (True, "pm2")
    assert project.answers["nginx"] is True
    out = screen.getvalue()
    assert "What runs the API processes of a host in cluster mode" in out
    assert "PM2 process manager" in out  # the panel names it among the template answers

    # No cluster mode: one process per container, nothing to manage, the question is not asked.
    prompter, screen = make_prompter(*BARE_METAL_LINES, "", "", "", "", "", "n", "", "", "", "")
    project = ask_new_project(tmp_path / "single", {}, prompter=prompter)
    assert project.answers["cluster_mode"] is False and "process_manager" not in project.answers
    assert "What runs the API processes" not in screen.getvalue()
