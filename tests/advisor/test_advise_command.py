"""`scalefold advise` without a terminal: answers from flags and files, a panel or JSON, clear refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def advise(*args: str, cwd: Path | None = None, columns: int = 200) -> subprocess.CompletedProcess[str]:
    """Run the CLI as CI does: stdin closed, so it must never wait for an answer."""
    return subprocess.run(
        [sys.executable, "-m", "scalefold", "advise", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        env={"COLUMNS": str(columns), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
    )


FULL = [
    "--rps",
    "500",
    "--teams",
    "2",
    "--independent",
    "notifications",
    "--read-ratio",
    "0.9",
    "--background",
    "heavy",
    "--realtime",
    "--audit-trail",
    "--target",
    "kubernetes",
]


def test_flags_give_a_panel_with_the_preset_options_and_reasons() -> None:
    result = advise(*FULL)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Recommended: extracted" in out
    assert "Only notifications must deploy or scale on its own" in out
    for title in (
        "Redis cache",
        "Read replica",
        "CQRS read model",
        "Event sourcing",
        "Message broker",
        "Kubernetes manifests",
    ):
        assert title in out
    assert "Cluster mode" not in out
    assert "90% reads at 500 requests per second" in out
    assert "Defaults assumed" not in out


#: Several teams that must each ship a part on their own: microservices.
SEVERAL_TEAMS = [
    "--rps",
    "500",
    "--teams",
    "4",
    "--independent",
    "orders,notifications",
    "--read-ratio",
    "0.5",
    "--background",
    "light",
    "--no-realtime",
    "--no-audit-trail",
    "--target",
    "single-host",
]


def test_several_teams_get_microservices_with_their_read_model_broker_and_kubernetes() -> None:
    result = advise(*SEVERAL_TEAMS)
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.replace("│", " ").split())
    assert "Recommended: microservices — microservices behind a gateway" in out
    assert "4 teams must ship orders and notifications on their own schedules" in out
    for title in ("CQRS read model", "Message broker", "Kubernetes manifests"):
        assert title in out
    report = json.loads(advise(*SEVERAL_TEAMS, "--json").stdout)
    recommendation = report["recommendation"]
    assert (recommendation["preset"], recommendation["shipped"]) == ("microservices", True)
    assert report["shipped_presets"] == ["monolith", "extracted", "microservices"]
    assert {o["id"]: o["rule"] for o in recommendation["template_answers"]} == {
        "cqrs_read_model": "read-model-in-microservices",
        "broker": "broker-between-services",
        "kubernetes": "kubernetes-for-microservices",
    }
    assert recommendation["advice"] == []


def test_json_has_the_same_recommendation_and_a_schema_version() -> None:
    result = advise(*FULL, "--json", columns=40)  # narrow: JSON must not be wrapped
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["schema_version"] == 2
    assert report["answers"] == {
        "rps": 500,
        "teams": 2,
        "independent": ["notifications"],
        "read_ratio": 0.9,
        "background": "heavy",
        "realtime": True,
        "audit_trail": True,
        "target": "kubernetes",
    }
    assert report["defaulted"] == []
    recommendation = report["recommendation"]
    assert (recommendation["preset"], recommendation["shipped"]) == ("extracted", True)
    assert report["shipped_presets"] == ["monolith", "extracted", "microservices"]
    assert [o["id"] for o in recommendation["template_answers"]] == ["broker", "kubernetes"]
    assert [o["id"] for o in recommendation["advice"]] == [
        "cache",
        "read_replica",
        "cqrs_read_model",
        "event_sourcing",
    ]
    everything = recommendation["template_answers"] + recommendation["advice"]
    assert all(o["reason"].endswith(".") for o in everything)
    assert all(o["advice"].endswith(".") for o in recommendation["advice"])
    assert [n["rule"] for n in recommendation["notes"]] == ["heavy-background-in-worker"]


def test_only_rps_and_teams_are_required_and_the_rest_are_reported_as_defaulted() -> None:
    result = advise("--rps", "80", "--teams", "1", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["recommendation"]["preset"] == "monolith"
    assert report["defaulted"] == [
        "independent",
        "read_ratio",
        "background",
        "realtime",
        "audit_trail",
        "target",
    ]
    panel = advise("--rps", "80", "--teams", "1")
    assert "Defaults assumed for: --independent, --read-ratio" in panel.stdout


def test_an_answers_file_with_flags_overriding_it(tmp_path: Path) -> None:
    answers = tmp_path / "scale.yml"
    answers.write_text("rps: 5000\nteams: 4\nindependent: [orders, notifications]\ntarget: bare-metal\n")
    report = json.loads(advise("--answers", str(answers), "--json").stdout)
    assert report["recommendation"]["preset"] == "microservices"
    cluster = next(o for o in report["recommendation"]["template_answers"] if o["id"] == "cluster_mode")
    assert (cluster["question"], cluster["value"]) == ("cluster_mode", True)  # bare-metal hosts
    # PM2 runs the processes there: a template answer, asked only with cluster mode, which is advised too
    pm2 = next(o for o in report["recommendation"]["template_answers"] if o["id"] == "pm2")
    assert (pm2["question"], pm2["value"], pm2["rule"]) == ("process_manager", "pm2", "pm2-on-bare-metal")
    overridden = json.loads(advise("--answers", str(answers), "--teams", "2", "--json").stdout)
    assert overridden["answers"]["teams"] == 2
    assert overridden["recommendation"]["rule"] == "few-teams-several-parts"


def test_json_output_replays_as_an_answers_file(tmp_path: Path) -> None:
    first = advise(*FULL, "--json")
    saved = tmp_path / "advice.json"
    saved.write_text(first.stdout)
    again = advise("--answers", str(saved), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["recommendation"] == json.loads(first.stdout)["recommendation"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [],
            "missing answers: --rps, --teams (give them as flags or in --answers FILE, or run in a terminal)",
        ),
        (["--rps", "100"], "missing answers: --teams"),
        (["--rps", "lots", "--teams", "1"], "--rps: expected a whole number, got 'lots'"),
        (["--rps", "0", "--teams", "1"], "--rps: must be at least 1, got 0"),
        (["--rps", "10", "--teams", "0"], "--teams: must be at least 1, got 0"),
        (
            ["--rps", "10", "--teams", "1", "--independent", "billing"],
            "--independent: unknown part 'billing'",
        ),
        (
            ["--rps", "10", "--teams", "1", "--read-ratio", "1.2"],
            "--read-ratio: the share of reads must be between 0 and 1",
        ),
        (
            ["--rps", "10", "--teams", "1", "--background", "lots"],
            "--background: unknown background work 'lots'",
        ),
        (["--rps", "10", "--teams", "1", "--target", "k8s"], "--target: unknown deployment target 'k8s'"),
        (["--answers", "nope.yml"], "cannot read nope.yml"),
    ],
)
def test_bad_or_missing_answers_are_one_line_and_exit_2(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = advise(*args, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert result.stdout == ""


def test_a_bad_answers_file_names_the_file_and_the_answer(tmp_path: Path) -> None:
    answers = tmp_path / "scale.yml"
    answers.write_text("rps: 100\nteams: 1\ntarget: moon\n")
    result = advise("--answers", str(answers))
    assert result.returncode == 2
    assert f"{answers}: target: unknown deployment target 'moon'" in result.stderr
    answers.write_text("rps: 100\nteem: 1\n")
    assert "unknown answer 'teem'" in advise("--answers", str(answers)).stderr
