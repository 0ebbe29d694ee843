"""Suppressions: inline comments and .scalefold.yml, always with a reason, optionally with an expiry
date, and always shown (baselines: test_baseline.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from scalefold.audit.model import Status
from scalefold.audit.report.json_report import report_dict
from scalefold.errors import UsageError

from .conftest import BASE, audit

EVAL = "export function run(code: string) {\n  return eval(code);\n}\n"


def test_an_inline_comment_on_the_line_suppresses_with_its_reason(project) -> None:
    code = EVAL.replace("eval(code);", "eval(code); // scalefold-ignore SEC-014: sandboxed by vm policy")
    report = audit(project(files={"src/run.ts": code}), rules=frozenset({"SEC-014"}))
    (finding,) = report.findings
    assert finding.suppression is not None and finding.suppression.kind == "inline"
    assert finding.suppression.reason == "sandboxed by vm policy"
    assert report.results[0].status is Status.PASS


def test_an_inline_comment_on_the_line_above_suppresses(project) -> None:
    code = EVAL.replace(
        "  return eval", "  // scalefold-ignore SEC-014, OBS-002: trusted admin input\n  return eval"
    )
    report = audit(project(files={"src/run.ts": code}), rules=frozenset({"SEC-014"}))
    assert report.findings[0].suppression is not None


def test_a_comment_for_another_rule_or_two_lines_up_does_not_suppress(project) -> None:
    other = EVAL.replace("eval(code);", "eval(code); // scalefold-ignore SEC-015: wrong rule")
    far = "// scalefold-ignore SEC-014: too far away\n\n" + EVAL
    for code in (other, far):
        report = audit(project(files={"src/run.ts": code}), rules=frozenset({"SEC-014"}))
        assert report.findings[0].active
        assert report.results[0].status is Status.FAIL


def test_an_inline_suppression_without_a_reason_is_ignored_with_a_note(project) -> None:
    code = EVAL.replace("eval(code);", "eval(code); // scalefold-ignore SEC-014")
    report = audit(project(files={"src/run.ts": code}), rules=frozenset({"SEC-014"}))
    assert report.findings[0].active
    assert any("has no reason" in n.message for n in report.notes)


def test_hash_comments_suppress_in_dockerfiles_and_workflows(project) -> None:
    dockerfile = (
        (BASE / "Dockerfile")
        .read_text()
        .replace(
            "FROM node:24-slim@sha256:0d2b1f6d2b2e8e8a2b4f5c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f "
            "AS runtime",
            "# scalefold-ignore DKR-004: the runtime tag is rebuilt nightly\nFROM node:24-slim AS runtime",
        )
    )
    workflow = (
        (BASE / ".github/workflows/ci.yml")
        .read_text()
        .replace(
            "docker/build-push-action@263435318d21b8e681c14492fe198d362a7d2c83 # v6",
            "docker/build-push-action@v6 # scalefold-ignore CI-008: internal mirror of the action",
        )
    )
    report = audit(
        project(files={"Dockerfile": dockerfile, ".github/workflows/ci.yml": workflow}),
        rules=frozenset({"DKR-004", "CI-008"}),
    )
    assert len(report.findings) == 2
    assert all(f.suppression is not None and f.suppression.kind == "inline" for f in report.findings)


def test_config_turns_a_rule_off_with_a_reason_and_keeps_its_findings_visible(project) -> None:
    config = "rules:\n  SEC-014:\n    enabled: false\n    reason: formulas are sandboxed\n  OBS-002: error\n"
    root = project(files={"src/run.ts": EVAL + "console.log('x');\n", ".scalefold.yml": config})
    report = audit(root, rules=frozenset({"SEC-014", "OBS-002"}))
    results = {r.rule.id: r for r in report.results}
    assert results["SEC-014"].status is Status.DISABLED
    (suppressed,) = results["SEC-014"].findings
    assert suppressed.suppression is not None and suppressed.suppression.kind == "config"
    assert suppressed.suppression.reason == "formulas are sandboxed"
    assert results["OBS-002"].status is Status.FAIL
    assert [f.severity.value for f in results["OBS-002"].findings] == ["error"]


def test_config_excluded_paths_are_not_audited(project) -> None:
    config = "exclude:\n  - path: src/legacy/**\n    reason: frozen code, replaced next quarter\n"
    root = project(files={"src/legacy/run.ts": EVAL, ".scalefold.yml": config})
    report = audit(root, rules=frozenset({"SEC-014"}))
    assert report.findings == []
    assert report.excluded >= 1


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("rules:\n  SEC-014: off\n", "needs a reason"),
        ("rules:\n  SEC-014: { enabled: false }\n", "needs a `reason`"),
        ("rules:\n  SEC-999: warning\n", "unknown rule 'SEC-999'"),
        ("rules:\n  SEC-014: critical\n", "severity must be"),
        ("exclude: [src/legacy]\n", "needs a `path` glob and a `reason`"),
        ("rules: [\n", "invalid YAML"),
        ("colour: blue\n", "unknown key 'colour'"),
    ],
)
def test_invalid_config_is_a_usage_error(project, config: str, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("[", r"\[").replace("(", r"\(")):
        audit(project(files={".scalefold.yml": config}))


# --------------------------------------------------------------------------- expiry dates
# TODAY in conftest is 2026-06-01.


def _eval_with(comment: str) -> str:
    return EVAL.replace("eval(code);", f"eval(code); // {comment}")


@pytest.mark.parametrize(
    "comment",
    [
        "scalefold-ignore SEC-014 until=2026-06-01: sandboxed until the rewrite",  # the last day counts
        "scalefold-ignore SEC-014: sandboxed until the rewrite until=2027-01-31",  # at the end of the reason
    ],
)
def test_an_inline_suppression_with_a_future_date_suppresses_and_keeps_its_date(
    project, comment: str
) -> None:
    report = audit(project(files={"src/run.ts": _eval_with(comment)}), rules=frozenset({"SEC-014"}))
    (finding,) = report.findings
    assert finding.suppression is not None and finding.suppression.reason == "sandboxed until the rewrite"
    assert finding.suppression.until in {date(2026, 6, 1), date(2027, 1, 31)}
    assert report.results[0].status is Status.PASS


def test_an_expired_inline_suppression_reports_the_finding_again_with_a_note(project) -> None:
    comment = "scalefold-ignore SEC-014 until=2026-05-31: sandboxed until the rewrite"
    report = audit(project(files={"src/run.ts": _eval_with(comment)}), rules=frozenset({"SEC-014"}))
    assert report.findings[0].active and report.results[0].status is Status.FAIL
    (note,) = [n for n in report.notes if "expired" in n.message]
    assert note.path == "src/run.ts" and "expired on 2026-05-31" in note.message and "line 2" in note.message
    # One day earlier the same comment still suppressed.
    earlier = audit(
        project(files={"src/run.ts": _eval_with(comment)}),
        rules=frozenset({"SEC-014"}),
        today=date(2026, 5, 31),
    )
    assert not earlier.findings[0].active


@pytest.mark.parametrize("until", ["2027-02-30", "next-week", "31/01/2027", ""])
def test_an_inline_suppression_whose_date_is_not_a_date_suppresses_nothing(project, until: str) -> None:
    comment = f"scalefold-ignore SEC-014 until={until}: sandboxed"
    report = audit(project(files={"src/run.ts": _eval_with(comment)}), rules=frozenset({"SEC-014"}))
    assert report.findings[0].active
    assert any("is not a date (YYYY-MM-DD)" in n.message for n in report.notes), report.notes


def test_a_config_entry_with_a_future_date_applies_and_an_expired_one_does_not(project) -> None:
    config = (
        "rules:\n"
        "  SEC-014: { enabled: false, reason: formulas are sandboxed, until: 2026-12-31 }\n"
        "  OBS-002: { severity: error, reason: console output is lost, until: 2026-01-31 }\n"
    )
    root = project(files={"src/run.ts": EVAL + "console.log('x');\n", ".scalefold.yml": config})
    report = audit(root, rules=frozenset({"SEC-014", "OBS-002"}))
    results = {r.rule.id: r for r in report.results}
    assert results["SEC-014"].status is Status.DISABLED
    assert results["SEC-014"].findings[0].suppression.until == date(2026, 12, 31)  # type: ignore[union-attr]
    # The expired severity override no longer applies: OBS-002 is back at its default (warning).
    assert [f.severity.value for f in results["OBS-002"].findings] == ["warning"]
    (note,) = [n for n in report.notes if "expired" in n.message]
    assert note.path == ".scalefold.yml" and "rules.OBS-002 expired on 2026-01-31" in note.message


def test_an_expired_exclusion_audits_its_files_again_with_a_note(project) -> None:
    config = "exclude:\n  - path: src/legacy/**\n    reason: replaced next quarter\n    until: 2026-03-31\n"
    root = project(files={"src/legacy/run.ts": EVAL, ".scalefold.yml": config})
    report = audit(root, rules=frozenset({"SEC-014"}))
    assert [f.path for f in report.active_findings] == ["src/legacy/run.ts"]
    assert any("exclude 'src/legacy/**' expired on 2026-03-31" in n.message for n in report.notes)


def test_a_rule_switched_off_for_some_paths_still_judges_the_others(project) -> None:
    config = (
        "rules:\n  SEC-014:\n    enabled: false\n    paths: [src/legacy/**]\n"
        "    reason: the legacy formulas are sandboxed\n"
    )
    root = project(files={"src/legacy/run.ts": EVAL, "src/run.ts": EVAL, ".scalefold.yml": config})
    report = audit(root, rules=frozenset({"SEC-014"}))
    states = {f.path: f.suppression.kind if f.suppression else None for f in report.findings}
    assert states == {"src/legacy/run.ts": "config", "src/run.ts": None}
    assert report.results[0].status is Status.FAIL


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "rules:\n  SEC-014: { enabled: false, reason: r, until: soon }\n",
            "rules.SEC-014.until: 'soon' is not a date",
        ),
        ('rules:\n  SEC-014: { enabled: false, reason: r, until: "2027-13-01" }\n', "is not a date"),
        ("rules:\n  SEC-014: { enabled: false, reason: r, until: 2027-13-01 }\n", "month must be in 1..12"),
        ("rules:\n  SEC-014: { paths: [src/**], reason: r }\n", "add `enabled: false`"),
        ("rules:\n  SEC-014: { enabled: false, paths: [], reason: r }\n", "list of path globs"),
        ("rules:\n  SEC-014: { enabled: false, paths: [src/**] }\n", "needs a `reason`"),
        ("exclude:\n  - { path: src/x, reason: r, until: tomorrow }\n", "exclude[0].until"),
        ("exclude:\n  - { path: src/x, reason: r, expires: 2027-01-01 }\n", "unknown key 'expires'"),
    ],
)
def test_invalid_expiry_and_paths_are_usage_errors(project, config: str, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("[", r"\[").replace("(", r"\(")):
        audit(project(files={".scalefold.yml": config}))


def test_the_json_report_carries_the_expiry_date_within_its_schema(project) -> None:
    comment = "scalefold-ignore SEC-014 until=2027-01-31: sandboxed"
    report = audit(project(files={"src/run.ts": _eval_with(comment)}), rules=frozenset({"SEC-014"}))
    document = report_dict(report)
    schema_path = Path(__file__).parents[2] / "cli/scalefold/audit/report/check-report.schema.json"
    jsonschema.validate(document, json.loads(schema_path.read_text()))
    (result,) = document["results"]
    assert result["suppressed"] == {"kind": "inline", "reason": "sandboxed", "until": "2027-01-31"}
