"""Baselines: counts per rule and file, fingerprints that survive moves, stale places, format 1 still read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scalefold.audit.baseline import fingerprint
from scalefold.errors import UsageError

from .conftest import audit

EVAL = "export function run(code: string) {\n  return eval(code);\n}\n"
SEC014 = frozenset({"SEC-014"})


def _states(report) -> list[tuple[int, str | None]]:
    """(line, suppression kind or None) of each finding, in file order."""
    return sorted((f.line, f.suppression.kind if f.suppression else None) for f in report.findings)


def test_the_written_baseline_counts_findings_per_rule_and_file(project, tmp_path: Path) -> None:
    twice = EVAL + "export const again = (s: string) => eval(s);\n"
    root = project(files={"src/run.ts": twice, "src/other.ts": EVAL})
    baseline = tmp_path / "baseline.json"
    report = audit(root, write_baseline=baseline, rules=SEC014)
    assert report.baseline_written == 3
    assert all(f.suppression is not None and f.suppression.kind == "baseline" for f in report.findings)
    document = json.loads(baseline.read_text())
    assert document["schema_version"] == 2 and document["generated_by"].startswith("scalefold ")
    assert [(e["rule"], e["path"], e["count"]) for e in document["entries"]] == [
        ("SEC-014", "src/other.ts", 1),
        ("SEC-014", "src/run.ts", 2),
    ]
    run_entry = document["entries"][1]
    assert run_entry["fingerprints"] == sorted(
        [fingerprint("SEC-014", "src/run.ts", "eval(code)"), fingerprint("SEC-014", "src/run.ts", "eval(s)")]
    )
    assert "line" not in json.dumps(document)  # nothing that moves with the code


def test_moved_code_stays_baselined_and_a_new_copy_is_reported(project, tmp_path: Path) -> None:
    root = project(files={"src/run.ts": EVAL})
    baseline = tmp_path / "baseline.json"
    audit(root, write_baseline=baseline, rules=SEC014)
    moved = "// a new header comment\n\n" + EVAL + "export const again = (s: string) => eval(s);\n"
    (root / "src/run.ts").write_text(moved)
    report = audit(root, baseline=baseline, rules=SEC014)
    assert _states(report) == [
        (4, "baseline"),
        (6, None),
    ]  # the old one, wherever it is; the new one reported
    assert report.results[0].status.value == "fail"


def test_an_edited_finding_is_absorbed_by_the_count_but_one_more_is_new(project, tmp_path: Path) -> None:
    root = project(files={"src/run.ts": EVAL})
    baseline = tmp_path / "b.json"
    audit(root, write_baseline=baseline, rules=SEC014)
    (root / "src/run.ts").write_text(EVAL.replace("eval(code)", "eval(userInput)"))
    edited = audit(root, baseline=baseline, rules=SEC014)
    (finding,) = edited.findings
    assert (
        finding.suppression is not None and "counted: the flagged code changed" in finding.suppression.reason
    )
    # A second finding in the same file exceeds the count: the one whose code the baseline knows
    # is preferred, so the unknown one is reported.
    (root / "src/run.ts").write_text(EVAL + "export const again = (s: string) => eval(s);\n")
    grown = audit(root, baseline=baseline, rules=SEC014)
    assert _states(grown) == [(2, "baseline"), (4, None)]


def test_a_fixed_finding_leaves_a_stale_place_until_the_baseline_is_rewritten(
    project, tmp_path: Path
) -> None:
    twice = EVAL + "export const again = (s: string) => eval(s);\n"
    root = project(files={"src/run.ts": twice})
    baseline = tmp_path / "b.json"
    audit(root, write_baseline=baseline, rules=SEC014)
    (root / "src/run.ts").write_text(EVAL)  # one of the two fixed
    report = audit(root, baseline=baseline, rules=SEC014)
    assert _states(report) == [(2, "baseline")]
    (stale,) = [n for n in report.notes if "baseline b.json" in n.message]
    assert stale.path == "src/run.ts"
    assert (
        "accepts 1 more SEC-014 finding than this file has" in stale.message
        and "--write-baseline" in stale.message
    )
    # The baseline itself did not shrink: a new finding in that file takes the freed place...
    (root / "src/run.ts").write_text(EVAL + "export const other = (t: string) => eval(t);\n")
    assert [f.active for f in audit(root, baseline=baseline, rules=SEC014).findings] == [False, False]
    # ...until it is rewritten, which records only what is there now.
    (root / "src/run.ts").write_text(EVAL)
    audit(root, write_baseline=baseline, rules=SEC014)
    assert json.loads(baseline.read_text())["entries"][0]["count"] == 1
    (root / "src/run.ts").write_text(EVAL + "export const other = (t: string) => eval(t);\n")
    assert _states(audit(root, baseline=baseline, rules=SEC014)) == [(2, "baseline"), (4, None)]
    assert not [n for n in audit(root, baseline=baseline, rules=SEC014).notes if "baseline" in n.message]


def test_entries_of_rules_that_did_not_run_are_not_stale(project, tmp_path: Path) -> None:
    root = project(files={"src/run.ts": EVAL, "src/log.ts": "export const f = () => console.log('x');\n"})
    baseline = tmp_path / "b.json"
    audit(root, write_baseline=baseline, rules=frozenset({"SEC-014", "OBS-002"}))
    report = audit(root, baseline=baseline, rules=SEC014)  # OBS-002 not run: its entry is not stale
    assert not [n for n in report.notes if "baseline" in n.message]


def test_a_format_1_baseline_is_still_read_and_rewritten_in_format_2(project, tmp_path: Path) -> None:
    root = project(files={"src/run.ts": EVAL + "export const again = (s: string) => eval(s);\n"})
    old = tmp_path / "old.json"
    print_code = fingerprint("SEC-014", "src/run.ts", "eval(code)")
    old.write_text(
        json.dumps(
            {
                "schema_version": 1,
                "generated_by": "scalefold 0.1.0",
                "findings": [
                    {"rule": "SEC-014", "path": "src/run.ts", "fingerprint": print_code, "message": "m"},
                ],
            }
        )
    )
    report = audit(root, baseline=old, rules=SEC014)
    assert _states(report) == [(2, "baseline"), (4, None)]
    assert any("format 1" in n.message and "--write-baseline" in n.message for n in report.notes)
    audit(root, baseline=old, write_baseline=old, rules=SEC014)
    document = json.loads(old.read_text())
    assert document["schema_version"] == 2 and document["entries"][0]["count"] == 2


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"schema_version": 3, "entries": []}', "schema_version 1 or 2 expected, found 3"),
        ('{"schema_version": 2}', "needs an `entries` list"),
        (
            '{"schema_version": 2, "entries": [{"rule": "SEC-014", "path": "a.ts"}]}',
            "needs `rule`, `path` and `count`",
        ),
        (
            '{"schema_version": 2, "entries": [{"rule": "SEC-014", "path": "a.ts", "count": -1}]}',
            "whole number",
        ),
        (
            '{"schema_version": 1, "findings": [{"rule": "SEC-014"}]}',
            "needs `rule`, `path` and `fingerprint`",
        ),
        ("[]", "schema_version 1 or 2 expected"),
    ],
)
def test_an_invalid_baseline_is_a_usage_error(project, tmp_path: Path, document: str, message: str) -> None:
    bad = tmp_path / "b.json"
    bad.write_text(document)
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        audit(project(), baseline=bad)


def test_a_missing_baseline_is_a_usage_error(project, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="baseline not found"):
        audit(project(), baseline=tmp_path / "missing.json")
