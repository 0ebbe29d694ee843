"""`scalefold check` and `scalefold rules`, through a Typer app wired the way the CLI wires them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from scalefold.commands import check, rules
from scalefold.console import fail
from scalefold.errors import ScalefoldError
from typer.testing import CliRunner

from .conftest import BASE


def _app() -> typer.Typer:
    app = typer.Typer()
    check.register(app)
    rules.register(app)
    return app


APP = _app()
runner = CliRunner()


def invoke(*args: str):
    """Run the command like scalefold.cli.main: a ScalefoldError becomes one line and its exit code."""
    result = runner.invoke(APP, list(args))
    if isinstance(result.exception, ScalefoldError):
        return result.exception.exit_code, str(result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_a_clean_project_exits_0_with_a_table(tmp_path: Path) -> None:
    code, output = invoke("check", str(BASE))
    assert code == 0
    assert "overall" in output and "10.0" in output
    assert "nothing at or above error" in output


def test_an_error_finding_exits_1(project) -> None:
    root = project(files={"src/run.ts": "export const run = (s: string) => eval(s);\n"})
    code, output = invoke("check", str(root))
    assert code == 1
    assert "SEC-014" in output and "src/run.ts:1" in output


def test_fail_on_warning_and_never(project) -> None:
    root = project(files={"src/log.ts": "export function f() { console.log('x'); }\n"})
    assert invoke("check", str(root))[0] == 0
    assert invoke("check", str(root), "--fail-on", "warning")[0] == 1
    assert invoke("check", str(root), "--fail-on", "never")[0] == 0


def test_usage_errors_exit_2() -> None:
    assert invoke("check", "/definitely/not/here")[0] == 2
    code, message = invoke("check", str(BASE), "--rule", "NOPE-1")
    assert code == 2 and "unknown rule" in message
    assert invoke("check", str(BASE), "--format", "yaml")[0] == 2


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [
        ("json", '"schema_version": 1'),
        ("sarif", '"version": "2.1.0"'),
        ("junit", "<testsuites"),
        ("markdown", "# scalefold check"),
    ],
)
def test_formats_go_to_stdout_or_output_file(tmp_path: Path, fmt: str, marker: str) -> None:
    code, output = invoke("check", str(BASE), "--format", fmt)
    assert code == 0 and marker in output
    target = tmp_path / "out" / f"report.{fmt}"
    code, output = invoke("check", str(BASE), "--format", fmt, "--output", str(target))
    assert code == 0 and marker in target.read_text()
    assert marker not in output


def test_json_output_is_parseable_and_only_for_selected_rules() -> None:
    code, output = invoke("check", str(BASE), "--format", "json", "--rule", "SEC-002", "--rule", "dkr-001")
    assert code == 0
    assert [r["id"] for r in json.loads(output)["rules"]] == ["DKR-001", "SEC-002"]


def test_table_output_to_a_file_has_no_colour_codes(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    assert invoke("check", str(BASE), "-o", str(target))[0] == 0
    text = target.read_text()
    assert "overall" in text and "\x1b[" not in text


def test_write_baseline_then_pass_with_it(project, tmp_path: Path) -> None:
    root = project(files={"src/run.ts": "export const run = (s: string) => eval(s);\n"})
    baseline = tmp_path / "scalefold-baseline.json"
    code, output = invoke("check", str(root), "--write-baseline", str(baseline))
    assert code == 0 and "Wrote 1 finding to the baseline" in output
    assert invoke("check", str(root), "--baseline", str(baseline))[0] == 0
    (root / "src/new.ts").write_text("export const again = (s: string) => eval(s);\n")
    assert invoke("check", str(root), "--baseline", str(baseline))[0] == 1


def test_rules_lists_the_catalogue_and_explains_one() -> None:
    code, output = invoke("rules")
    assert code == 0 and "DKR-001" in output and "K8S-011" in output
    code, output = invoke("rules", "--category", "kubernetes")
    assert "K8S-001" in output and "DKR-001" not in output
    code, output = invoke("rules", "sec-002")
    assert code == 0
    assert (
        "Restrict CORS to an allow-list" in output
        and "Fix" in output
        and "scalefold-ignore SEC-002" in output
    )
    code, output = invoke("rules", "SEC-002", "--json")
    assert json.loads(output)["severity"] == "error"


def test_rules_with_an_unknown_id_suggests_the_closest() -> None:
    code, message = invoke("rules", "SEC-02")
    assert code == 2 and "did you mean" in message


def test_errors_print_one_line(capsys) -> None:
    fail("unknown rule 'X'")
    assert capsys.readouterr().err.strip().splitlines() == ["error: unknown rule 'X'"]


def test_a_crashed_rule_exits_2_and_verbose_shows_its_traceback(project, monkeypatch) -> None:
    from dataclasses import replace

    from scalefold.audit import engine
    from scalefold.audit.registry import catalogue

    def explode(_project, _rule):
        raise RuntimeError("rule bug")

    rules = tuple(replace(r, check=explode) if r.id == "SEC-014" else r for r in catalogue())
    monkeypatch.setattr(engine, "catalogue", lambda: rules)
    root = project()
    code, output = invoke("check", str(root))
    assert code == 2 and "SEC-014" in output and "crashed" in output and "Traceback" not in output
    code, output = invoke("check", str(root), "--verbose")
    assert code == 2 and "Traceback" in output and "RuntimeError: rule bug" in output
    code, output = invoke("check", str(root), "--format", "json", "--fail-on", "never")
    assert (
        code == 2
        and "RuntimeError: rule bug"
        in json.loads(output)["rules"][[r["id"] for r in json.loads(output)["rules"]].index("SEC-014")][
            "error"
        ]
    )


def test_junit_output_and_exit_code_agree_on_fail_on(project) -> None:
    root = project(files={"src/log.ts": "export function f() {\n  console.log('x');\n}\n"})
    for fail_on, expected in (("error", 0), ("warning", 1)):
        code, output = invoke("check", str(root), "--format", "junit", "--fail-on", fail_on)
        assert code == expected
        assert f'failures="{expected}"' in output.split("<testsuite ")[0]


def test_nothing_to_audit_exits_2(tmp_path) -> None:
    code, message = invoke("check", str(tmp_path))
    assert code == 2 and "nothing to audit" in message
