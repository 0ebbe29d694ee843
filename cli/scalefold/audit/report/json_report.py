"""`--format json`: the versioned machine-readable report (schema in report/check-report.schema.json)."""

from __future__ import annotations

import json
from typing import Any

from scalefold import __version__
from scalefold.audit.model import Suppression
from scalefold.audit.results import CategoryScore, Finding, Report, exit_code

SCHEMA_VERSION = 1


def _score(score: CategoryScore) -> dict[str, Any]:
    return {
        "score": score.score,
        "passed": score.passed,
        "failed": score.failed,
        "not_applicable": score.not_applicable,
        "undetermined": score.undetermined,
        "errors": score.errors,
    }


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule_id": finding.rule_id,
        "rule_name": finding.rule.name,
        "category": finding.rule.category.value,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.line,
        "message": finding.message,
        "fingerprint": finding.fingerprint,
        "suppressed": None if finding.suppression is None else _suppression(finding.suppression),
    }


def _suppression(suppression: Suppression) -> dict[str, Any]:
    found: dict[str, Any] = {"kind": suppression.kind, "reason": suppression.reason}
    if suppression.until is not None:
        found["until"] = suppression.until.isoformat()
    return found


def report_dict(report: Report, fail_on: str = "error") -> dict[str, Any]:
    assert report.overall is not None
    rules = []
    for r in report.results:
        entry: dict[str, Any] = {
            "id": r.rule.id,
            "name": r.rule.name,
            "category": r.rule.category.value,
            "severity": r.severity.value,
            "title": r.rule.title,
            "status": r.status.value,
            "reason": r.reason or None,
            "findings": len(r.active_findings),
        }
        if r.error is not None:
            entry["error"] = r.error
        rules.append(entry)
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "scalefold", "version": __version__},
        "summary": {
            "score": report.overall.score,
            "files": report.files,
            "excluded": report.excluded,
            "seconds": round(report.seconds, 3),
            "counts": report.counts(),
            "categories": {category.value: _score(score) for category, score in report.scores.items()},
            "undetermined": report.overall.undetermined,
            "errors": report.overall.errors + len(report.internal_errors),
            "exit_code": exit_code(report, fail_on),
        },
        "rules": rules,
        "results": [finding_dict(f) for r in report.results for f in r.findings],
        "notes": [{"path": n.path, "message": n.message} for n in report.notes],
    }
    if report.advice:
        document["advice"] = [
            {"rule_id": a.rule_id, "path": a.path, "line": a.line, "message": a.message} for a in report.advice
        ]
    if report.internal_errors:
        document["errors"] = [
            {"source": e.source, "path": e.path, "traceback": e.traceback} for e in report.internal_errors
        ]
    return document


def render_json(report: Report, *, fail_on: str = "error") -> str:
    return json.dumps(report_dict(report, fail_on), indent=2) + "\n"
