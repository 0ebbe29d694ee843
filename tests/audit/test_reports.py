"""Report formats: JSON (versioned schema), SARIF 2.1.0 (validated), JUnit and Markdown."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from scalefold.audit.report.json_report import render_json
from scalefold.audit.report.junit import render_junit
from scalefold.audit.report.markdown import render_markdown
from scalefold.audit.report.sarif import render_sarif

from .conftest import BASE, audit

SARIF_SCHEMA = json.loads((Path(__file__).parent / "sarif" / "sarif-schema-2.1.0.json").read_text())
JSON_SCHEMA = json.loads(
    (
        Path(__file__).parents[2] / "cli" / "scalefold" / "audit" / "report" / "check-report.schema.json"
    ).read_text()
)

# Findings at every severity, one of them suppressed inline, one file with a space in its name.
FILES = {
    "src/run.ts": "export const run = (code: string) => eval(code);\n",
    "src/odd name.ts": (
        "export function f() {\n  console.log('x'); // scalefold-ignore OBS-002: CLI banner\n"
        "  console.info('y');\n}\n"
    ),
    "package.json": (BASE / "package.json").read_text().replace('"node": ">=24"', '"node": ">=18"'),
    "Dockerfile": (BASE / "Dockerfile")
    .read_text()
    .replace(
        "@sha256:0d2b1f6d2b2e8e8a2b4f5c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f AS runtime", " AS runtime"
    ),
    "src/blob.ts": "\0\0binary",
}


@pytest.fixture
def report(project):
    return audit(project(files=FILES, remove=("k8s/deployment.yaml",)))


def test_the_sample_report_has_every_kind_of_result(report) -> None:
    severities = {f.severity.value for f in report.active_findings}
    assert severities == {"error", "warning", "note"}
    assert any(not f.active for f in report.findings)
    assert report.notes


def test_json_report_matches_its_versioned_schema(report) -> None:
    document = json.loads(render_json(report))
    jsonschema.validate(document, JSON_SCHEMA)
    assert document["schema_version"] == 1
    assert document["summary"]["counts"]["suppressed"] == 1
    assert {r["status"] for r in document["rules"]} >= {"pass", "fail", "not_applicable", "not_run"}
    eval_result = next(r for r in document["results"] if r["rule_id"] == "SEC-014")
    assert (eval_result["path"], eval_result["line"], eval_result["severity"]) == ("src/run.ts", 1, "error")


def test_sarif_validates_against_the_sarif_2_1_0_schema(report) -> None:
    document = json.loads(render_sarif(report))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(document)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert all(
        r["help"]["text"] and r["shortDescription"]["text"] and r["defaultConfiguration"]["level"]
        for r in rules
    )
    assert run["results"], "the sample has findings"
    for result in run["results"]:
        (location,) = result["locations"]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        assert not uri.startswith(("/", "file:")), uri
        assert location["physicalLocation"]["region"]["startLine"] >= 1
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert "src/odd%20name.ts" in uris
    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert suppressed == [next(r for r in run["results"] if r.get("suppressions"))]
    assert suppressed[0]["suppressions"][0] == {"kind": "inSource", "justification": "CLI banner"}


def test_junit_has_one_suite_per_category_and_a_case_per_rule(report) -> None:
    root = ET.fromstring(render_junit(report))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites][:3] == ["docker", "ci", "security"]
    cases = root.findall(".//testcase")
    assert len(cases) == len(report.results) == int(root.get("tests", "0"))
    failed = [c for c in cases if c.find("failure") is not None]
    assert int(root.get("failures", "0")) == len(failed) > 0
    security = next(s for s in suites if s.get("name") == "security")
    eval_case = next(c for c in security.findall("testcase") if c.get("name", "").startswith("SEC-014"))
    assert "src/run.ts:1" in (eval_case.find("failure").text or "")  # type: ignore[union-attr]
    assert any(c.find("skipped") is not None for c in cases)


def test_markdown_lists_scores_findings_and_suppressions(report) -> None:
    text = render_markdown(report)
    assert text.startswith("# scalefold check")
    assert "| security |" in text
    assert "| error | SEC-014 | `src/run.ts:1` |" in text
    assert "suppressed (inline)" in text and "CLI banner" in text


# --------------------------------------------------------------------------- undetermined and crashed rules

BOMB = (
    'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    + "".join(f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))
    + "on: push\njobs: {t: {runs-on: u, steps: [{run: *i}]}}\n"
)


@pytest.fixture
def troubled(project, monkeypatch):
    """A report where the CI rules could not decide (an alias bomb) and DKR-001 crashed."""
    from dataclasses import replace

    from scalefold.audit import engine
    from scalefold.audit.registry import catalogue

    def explode(_project, _rule):
        raise RuntimeError("rule bug")

    rules = tuple(replace(r, check=explode) if r.id == "DKR-001" else r for r in catalogue())
    monkeypatch.setattr(engine, "catalogue", lambda: rules)
    return audit(project(files={".github/workflows/ci.yml": BOMB}))


def test_undetermined_and_crashed_rules_show_in_every_format(troubled) -> None:
    from rich.console import Console
    from scalefold.audit.report.table import render_table
    from scalefold.console import THEME

    document = json.loads(render_json(troubled))
    jsonschema.validate(document, JSON_SCHEMA)
    statuses = {r["id"]: r for r in document["rules"]}
    assert statuses["CI-001"]["status"] == "undetermined" and "alias bomb" in statuses["CI-001"]["reason"]
    assert (
        statuses["DKR-001"]["status"] == "error" and "RuntimeError: rule bug" in statuses["DKR-001"]["error"]
    )
    assert document["summary"]["exit_code"] == 2 and document["summary"]["undetermined"] >= 1

    sarif = json.loads(render_sarif(troubled))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    levels = {
        (n["level"], n.get("associatedRule", {}).get("id")) for n in invocation["toolExecutionNotifications"]
    }
    assert ("error", "DKR-001") in levels and ("warning", "CI-001") in levels

    junit = ET.fromstring(render_junit(troubled))
    cases = {c.get("name", "").split()[0]: c for c in junit.iter("testcase")}
    assert cases["DKR-001"].find("error") is not None and "rule bug" in (
        cases["DKR-001"].find("error").text or ""
    )  # type: ignore[union-attr]
    assert "undetermined" in (cases["CI-001"].find("skipped").get("message") or "")  # type: ignore[union-attr]
    assert int(junit.get("errors", "0")) == 1

    markdown = render_markdown(troubled)
    assert "## Errors" in markdown and "DKR-001" in markdown.split("## Errors")[1]
    assert "## Undetermined" in markdown and "CI-001" in markdown.split("## Undetermined")[1]

    def table(verbose: bool) -> str:
        console = Console(width=160, theme=THEME, no_color=True, record=True, highlight=False)
        render_table(troubled, console, verbose=verbose)
        return console.export_text()

    quiet, verbose = table(False), table(True)
    assert "CI-001" in quiet.split("Undetermined (could not decide")[1]
    assert "Errors" in quiet and "--verbose" in quiet and "Traceback" not in quiet
    assert "Traceback" in verbose and "RuntimeError: rule bug" in verbose
    assert "crashed" in quiet.splitlines()[-1]


def test_junit_failures_follow_fail_on(project) -> None:
    # A warning (console.log) and a note (the base image has no digest): notes never fail at error/warning.
    files = {
        "src/log.ts": "export function f() {\n  console.log('x');\n}\n",
        "Dockerfile": FILES["Dockerfile"],
    }
    report = audit(project(files=files))
    assert {f.severity.value for f in report.active_findings} == {"warning", "note"}

    def failing(fail_on: str) -> tuple[int, set[str]]:
        root = ET.fromstring(render_junit(report, fail_on=fail_on))
        names = {c.get("name", "").split()[0] for c in root.iter("testcase") if c.find("failure") is not None}
        return int(root.get("failures", "0")), names

    assert failing("error") == (0, set())
    assert failing("warning") == (1, {"OBS-002"})
    assert failing("note") == (2, {"OBS-002", "DKR-004"})
    assert failing("never") == (0, set())
    below = ET.fromstring(render_junit(report, fail_on="warning"))
    dkr = next(c for c in below.iter("testcase") if (c.get("name") or "").startswith("DKR-004"))
    assert "below --fail-on warning" in (dkr.find("system-out").text or "")  # type: ignore[union-attr]
