"""`presets`, project names from folder names, usage errors and the bare command."""

from __future__ import annotations

import pytest

from scalefold.project import slugify
from tests.cli.test_new import run_cli


def test_presets_lists_the_shipped_presets() -> None:
    result = run_cli("presets")
    assert result.returncode == 0
    rows = [line.strip("│ ").split("│") for line in result.stdout.splitlines() if line.startswith("│")]
    listed = {cells[0].strip(): cells[1].strip() for cells in rows if cells[0].strip()}
    # the shipped presets, in the order of the migration path, each with its summary
    assert list(listed) == ["monolith", "extracted", "microservices"]
    assert listed["monolith"].startswith("Modular monolith")
    assert listed["extracted"].startswith("Monolith with the notifications module extracted")
    assert listed["microservices"].startswith("Microservices behind a gateway")


def test_presets_show_prints_the_extracted_preset() -> None:
    result = run_cli("presets", "show", "extracted")
    assert result.returncode == 0, result.stderr
    assert "preset: extracted" in result.stdout
    assert "transactional outbox" in result.stdout


def test_presets_show_prints_the_microservices_preset() -> None:
    result = run_cli("presets", "show", "microservices")
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.replace("│", " ").split())
    assert "preset: microservices" in out
    assert "services/gateway is the only public entry" in out
    assert "order_views" in out


def test_presets_show_prints_answers_and_architecture() -> None:
    result = run_cli("presets", "show", "monolith")
    assert result.returncode == 0
    assert "preset: monolith" in result.stdout
    assert "Fastify" in result.stdout


def test_presets_show_unknown_is_exit_2() -> None:
    result = run_cli("presets", "show", "galaxy")
    assert result.returncode == 2
    assert "unknown preset 'galaxy'" in result.stderr


def test_slugify_turns_folder_names_into_project_names() -> None:
    assert slugify("My API") == "my-api"
    assert slugify("shop_api.v2") == "shop-api-v2"
    assert slugify("2fast") == "app-2fast"


def test_usage_errors_are_one_line_with_a_hint() -> None:
    result = run_cli("new", "--bogus")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["error: No such option: --bogus (see 'scalefold new --help')"]


def test_bare_command_shows_help() -> None:
    result = run_cli()
    assert result.returncode == 0
    assert "Usage: scalefold" in result.stdout


@pytest.mark.parametrize("command", [[], ["new"], ["advise"], ["check"], ["rules"], ["update"], ["presets"],
                                     ["presets", "show"]])
def test_help_shows_no_value_type_after_a_plain_flag(command: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "<bool>" not in result.stdout
    help_line = next(line for line in result.stdout.splitlines() if "--help" in line)
    assert " ".join(help_line.strip("│ ").split()) == "--help Show this message and exit."
