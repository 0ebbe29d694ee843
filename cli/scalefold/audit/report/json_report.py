"""`--format json`: the versioned machine-readable report (schema in report/check-report.schema.json)."""

from __future__ import annotations

import json
from typing import Any

from scalefold import __version__
from scalefold.audit.engine import CategoryScore, Report
from scalefold.audit.model import Finding

SCHEMA_VERSION = 1


def _score(score: CategoryScore) -> dict[str, Any]:
    return {
        "score": score.score,
        "passed": score.passed,
        "failed": score.failed,
        "not_applicable": score.not_applicable,
    }


def finding_dict(finding: Finding, rule_name: str, category: str) -> dict[str, Any]:
    return {
        "rule_id": finding.rule_id,
        "rule_name": rule_name,
        "category": category,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.line,
        "message": finding.message,
        "fingerprint": finding.fingerprint,
        "suppressed": None
        if finding.suppression is None
        else {
            "kind": finding.suppression.kind,
            "reason": finding.suppression.reason,
        },
    }


def report_dict(report: Report) -> dict[str, Any]:
    assert report.overall is not None
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "scalefold", "version": __version__},
        "summary": {
            "score": report.overall.score,
            "files": report.files,
            "excluded": report.excluded,
            "seconds": round(report.seconds, 3),
            "counts": report.counts(),
            "categories": {category.value: _score(score) for category, score in report.scores.items()},
        },
        "rules": [
            {
                "id": r.rule.id,
                "name": r.rule.name,
                "category": r.rule.category.value,
                "severity": r.severity.value,
                "title": r.rule.title,
                "status": r.status.value,
                "reason": r.reason or None,
                "findings": len(r.active_findings),
            }
            for r in report.results
        ],
        "results": [
            finding_dict(f, r.rule.name, r.rule.category.value) for r in report.results for f in r.findings
        ],
        "notes": [{"path": n.path, "message": n.message} for n in report.notes],
    }


def render_json(report: Report) -> str:
    return json.dumps(report_dict(report), indent=2) + "\n"
