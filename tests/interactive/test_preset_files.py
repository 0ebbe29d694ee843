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
            "answers:\n  preset: microservices\n",
            "preset team.yml: invalid preset 'microservices': "
            "'microservices' is not one of: monolith, extracted",
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


def test_every_shipped_preset_passes_the_same_validation() -> None:
    for preset in builtin_presets():
        assert load_preset(preset.name).answers == preset.answers


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
