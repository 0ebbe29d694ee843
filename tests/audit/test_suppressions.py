"""Suppressions: inline comments, .scalefold.yml and baselines, always with a reason and always shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scalefold.audit.model import Status
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


def test_a_baseline_accepts_todays_findings_but_not_new_ones(project, tmp_path: Path) -> None:
    root = project(files={"src/run.ts": EVAL})
    baseline = tmp_path / "baseline.json"
    first = audit(root, write_baseline=baseline)
    assert first.baseline_written == 1
    assert all(f.suppression is not None and f.suppression.kind == "baseline" for f in first.findings)
    document = json.loads(baseline.read_text())
    assert document["schema_version"] == 1 and document["findings"][0]["rule"] == "SEC-014"
    assert "line" not in document["findings"][0]

    # Moving the code keeps it baselined (no line numbers); a second copy is a new finding.
    moved = "// a new header comment\n\n" + EVAL + "export const again = (s: string) => eval(s);\n"
    (root / "src/run.ts").write_text(moved)
    second = audit(root, baseline=baseline, rules=frozenset({"SEC-014"}))
    states = sorted((f.line, f.active) for f in second.findings)
    assert states == [(4, False), (6, True)]


def test_a_baseline_matches_on_the_flagged_code_not_the_message_or_line(project, tmp_path: Path) -> None:
    root = project(files={"src/run.ts": EVAL})
    baseline = tmp_path / "b.json"
    audit(root, write_baseline=baseline)
    (root / "src/run.ts").write_text(EVAL.replace("eval(code)", "eval(userInput)"))
    report = audit(root, baseline=baseline, rules=frozenset({"SEC-014"}))
    assert report.findings[0].active


def test_an_unreadable_baseline_is_a_usage_error(project, tmp_path: Path) -> None:
    bad = tmp_path / "b.json"
    bad.write_text("{not json")
    with pytest.raises(UsageError, match="not valid JSON"):
        audit(project(), baseline=bad)
    with pytest.raises(UsageError, match="baseline not found"):
        audit(project(), baseline=tmp_path / "missing.json")
