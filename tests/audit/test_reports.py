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
