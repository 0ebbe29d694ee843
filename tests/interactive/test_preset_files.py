"""A user's own preset file, checked against the template's questions before anything is asked or written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from scalefold.errors import UsageError
from scalefold.presets import builtin_presets, load_preset


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "team.yml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("answers:\n  prot: 4000\n", "preset team.yml: unknown answer 'prot'; the template's questions are:"),
        ("answers:\n  port: 70000\n", "preset team.yml: invalid port 70000: must be between 1 and 65535"),
        ("answers:\n  port: web\n", "preset team.yml: port: expected a whole number, got 'web'"),
        (
            "answers:\n  preset: serverless\n",
            "preset team.yml: invalid preset 'serverless': "
            "'serverless' is not one of: monolith, extracted, microservices",
        ),
        (
            "answers:\n  preset: extracted\n  broker: kafka\n",
            "preset team.yml: invalid broker 'kafka': 'kafka' is not one of: rabbitmq, nats",
        ),
        ("answers:\n  project_name: My_API\n", "preset team.yml: invalid project_name 'My_API'"),
        (
            "port: 3000\ncolour: blue\n",
            "preset team.yml: unknown answer 'colour'",
        ),  # a plain mapping of answers
    ],
)
def test_bad_preset_files_are_refused_naming_the_file_and_the_answer(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(UsageError) as refused:
        load_preset(str(write(tmp_path, text)))
    assert message in str(refused.value)


def test_a_good_preset_file_loads(tmp_path: Path) -> None:
    preset = load_preset(
        str(write(tmp_path, "summary: Ours\nanswers:\n  port: 4000\n  description: Team API\n"))
    )
    assert preset.answers == {"port": 4000, "description": "Team API"}
    assert preset.summary == "Ours"


def test_a_preset_file_may_build_on_the_extracted_preset(tmp_path: Path) -> None:
    preset = load_preset(str(write(tmp_path, "answers:\n  preset: extracted\n  broker: nats\n")))
    assert preset.answers == {"preset": "extracted", "broker": "nats"}


def test_a_preset_file_may_build_on_the_microservices_preset(tmp_path: Path) -> None:
    text = "answers:\n  preset: microservices\n  broker: nats\n  kubernetes: true\n  port: 8080\n"
    preset = load_preset(str(write(tmp_path, text)))
    assert preset.answers == {"preset": "microservices", "broker": "nats", "kubernetes": True, "port": 8080}


def test_every_shipped_preset_passes_the_same_validation() -> None:
    for preset in builtin_presets():
        assert load_preset(preset.name).answers == preset.answers


def test_the_shipped_presets_follow_the_migration_path() -> None:
    assert [preset.name for preset in builtin_presets()] == ["monolith", "extracted", "microservices"]


def test_the_microservices_preset_loads_with_its_summary_and_architecture() -> None:
    preset = load_preset("microservices")
    assert preset.answers == {"preset": "microservices", "kubernetes": True}
    assert preset.summary.startswith("Microservices behind a gateway")
    assert preset.source is not None and preset.source.name == "microservices.yml"
    notes = " ".join(preset.architecture)
    for service in ("gateway", "users", "orders", "notifications"):
        assert f"services/{service}" in notes
    assert "packages/contracts" in notes
    for idea in ("x-authenticated-user", "A database and role per service", "order_views", "projector"):
        assert idea in notes


def test_new_refuses_a_bad_preset_file_in_one_line_before_writing(tmp_path: Path) -> None:
    preset = write(tmp_path, "answers:\n  port: 0\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scalefold",
            "new",
            str(tmp_path / "app"),
            "--preset",
            str(preset),
            "--no-git",
        ],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: preset team.yml: invalid port 0: must be between 1 and 65535"
    ]
    assert not (tmp_path / "app").exists()
