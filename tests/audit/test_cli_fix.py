"""`scalefold check --fix`, `--diff` and `--report FORMAT:FILE` through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from scalefold.commands import check
from scalefold.errors import ScalefoldError
from typer.testing import CliRunner

from .conftest import BASE

APP = typer.Typer()
check.register(APP)
APP.command("unused")(lambda: None)  # two commands, so `check` is a subcommand as in the real CLI

BROKEN_DOCKERFILE = (BASE / "Dockerfile").read_text().replace("USER node\n", "")


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(APP, list(args))
    if isinstance(result.exception, ScalefoldError):
        return result.exception.exit_code, "", str(result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_diff_prints_the_patch_writes_nothing_and_exits_1(project) -> None:
    root = project(files={"Dockerfile": BROKEN_DOCKERFILE})
    code, out, err = invoke("check", str(root), "--diff")
    assert code == 1
    assert out.startswith("--- a/Dockerfile\n+++ b/Dockerfile\n") and "+USER node\n" in out
    assert "would fix DKR-002 Dockerfile" in err and "nothing written (--diff)" in err
    assert (root / "Dockerfile").read_text() == BROKEN_DOCKERFILE
    assert invoke("check", str(BASE), "--diff")[:2] == (0, "")  # nothing to fix: exit 0, empty patch


def test_fix_writes_shows_the_diff_and_reports_the_project_as_it_is_now(project) -> None:
    root = project(files={"Dockerfile": BROKEN_DOCKERFILE})
    assert invoke("check", str(root))[0] == 1  # DKR-002 is an error
    code, out, err = invoke("check", str(root), "--fix", "--format", "json")
    assert code == 0
    assert "fixed DKR-002 Dockerfile: `USER node` after line 20" in err and "+USER node" in err
    report = json.loads(out)  # stdout holds only the report, of the fixed project
    assert report["summary"]["exit_code"] == 0
    assert not [r for r in report["results"] if r["rule_id"] == "DKR-002"]
    assert (root / "Dockerfile").read_text() == (BASE / "Dockerfile").read_text()


def test_fix_then_write_baseline_records_only_what_is_left(project, tmp_path: Path) -> None:
    root = project(
        files={"Dockerfile": BROKEN_DOCKERFILE, "src/run.ts": "export const f = (s: string) => eval(s);\n"}
    )
    baseline = tmp_path / "baseline.json"
    code, _, _ = invoke("check", str(root), "--fix", "--write-baseline", str(baseline))
    assert code == 0
    entries = json.loads(baseline.read_text())["entries"]
    assert [(e["rule"], e["path"]) for e in entries] == [("SEC-014", "src/run.ts")]  # DKR-002 was fixed first


def test_diff_refuses_options_that_would_write_or_format_a_report(project, tmp_path: Path) -> None:
    for extra in (
        ["--format", "json"],
        ["--report", "json:r.json"],
        ["--write-baseline", str(tmp_path / "b")],
    ):
        code, _, message = invoke("check", str(BASE), "--diff", *extra)
        assert code == 2 and "--diff prints the fixes as a patch" in message


def test_report_writes_more_formats_from_one_run(project, tmp_path: Path) -> None:
    root = project(files={"src/run.ts": "export const f = (s: string) => eval(s);\n"})
    sarif, summary = tmp_path / "out" / "scalefold.sarif", tmp_path / "summary.md"
    code, out, _ = invoke("check", str(root), "--report", f"sarif:{sarif}", "--report", f"markdown:{summary}")
    assert code == 1 and "SEC-014" in out  # the table, as without --report
    assert json.loads(sarif.read_text())["runs"][0]["results"][0]["ruleId"] == "SEC-014"
    assert "SEC-014" in summary.read_text()


def test_report_needs_a_known_format_and_a_file() -> None:
    for value in ("sarif", "xml:out.xml", "json:"):
        code, _, message = invoke("check", str(BASE), "--report", value)
        assert code == 2 and "--report expects FORMAT:FILE" in message
