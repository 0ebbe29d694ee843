"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Every result has a location with a relative URI (against `%SRCROOT%`, the checkout), rules carry
their help text, and suppressed findings are kept with a SARIF `suppressions` entry.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from scalefold import __version__
from scalefold.audit.engine import Report
from scalefold.audit.model import Category, Rule, Severity

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/scalefold/"
_SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.0", Severity.NOTE: "2.0"}


def _rule(rule: Rule, severity: Severity) -> dict[str, Any]:
    properties: dict[str, Any] = {"category": rule.category.value, "tags": ["scalefold", rule.category.value]}
    if rule.category in {
        Category.SECURITY,
        Category.DEPENDENCIES,
        Category.DOCKER,
        Category.KUBERNETES,
        Category.CI,
    }:
        if "security" not in properties["tags"]:
            properties["tags"].append("security")
        properties["security-severity"] = _SECURITY_SEVERITY[severity]
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title.replace("`", "")},
        "fullDescription": {"text": rule.rationale.replace("`", "")},
        "help": {
            "text": f"{rule.rationale}\n\nFix: {rule.fix}",
            "markdown": f"**{rule.title}**\n\n{rule.rationale}\n\n**Fix:** {rule.fix}",
        },
        "defaultConfiguration": {"level": severity.value},
        "properties": properties,
    }
    if rule.references:
        descriptor["helpUri"] = rule.references[0]
    return descriptor


def _location(path: str, line: int) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": quote(path), "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": line},
        }
    }


def sarif_dict(report: Report) -> dict[str, Any]:
    rules = [r for r in report.results]
    index = {r.rule.id: i for i, r in enumerate(rules)}
    results: list[dict[str, Any]] = []
    for result in rules:
        for finding in result.findings:
            item: dict[str, Any] = {
                "ruleId": finding.rule_id,
                "ruleIndex": index[finding.rule_id],
                "level": finding.severity.value,
                "message": {"text": finding.message},
                "locations": [_location(finding.path, finding.line)],
                "partialFingerprints": {"scalefold/v1": finding.fingerprint},
            }
            if finding.suppression is not None:
                item["suppressions"] = [
                    {
                        "kind": "inSource" if finding.suppression.kind == "inline" else "external",
                        "justification": finding.suppression.reason,
                    }
                ]
            results.append(item)
    notifications = []
    for note in report.notes:
        notification: dict[str, Any] = {"level": "note", "message": {"text": note.message}}
        if note.path not in {".", ""}:  # a file or folder: no line to point at
            notification["locations"] = [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": quote(note.path), "uriBaseId": "%SRCROOT%"}
                    }
                }
            ]
        notifications.append(notification)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "scalefold",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(r.rule, r.severity) for r in rules],
                    }
                },
                "automationDetails": {"id": "scalefold/check/"},
                "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
                "results": results,
                "properties": {
                    "notApplicable": {
                        r.rule.id: r.reason for r in rules if r.status.value in {"not_applicable", "not_run"}
                    },
                    "score": report.overall.score if report.overall else None,
                },
            }
        ],
    }


def render_sarif(report: Report) -> str:
    return json.dumps(sarif_dict(report), indent=2) + "\n"
