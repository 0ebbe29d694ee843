"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Every result has a location with a relative URI (against `%SRCROOT%`, the checkout), rules carry
their help text, and suppressed findings are kept with a SARIF `suppressions` entry.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from scalefold import __version__
from scalefold.audit.model import Category, Severity, Status
from scalefold.audit.results import Report, exit_code
from scalefold.audit.rule import Rule

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


def _notification(
    level: str, text: str, rule_id: str | None = None, path: str | None = None
) -> dict[str, Any]:
    notification: dict[str, Any] = {"level": level, "message": {"text": text}}
    if rule_id is not None:
        notification["associatedRule"] = {"id": rule_id}
    if path not in {None, ".", ""}:  # a file or folder: no line to point at
        notification["locations"] = [
            {"physicalLocation": {"artifactLocation": {"uri": quote(str(path)), "uriBaseId": "%SRCROOT%"}}}
        ]
    return notification


def sarif_dict(report: Report, fail_on: str = "error") -> dict[str, Any]:
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
    # Rules that crashed or could not decide are tool execution notifications: code scanning shows
    # them on the analysis, and a crash marks the run as unsuccessful.
    notifications = [
        _notification("error", f"{r.rule.id} crashed: {r.reason}\n{r.error or ''}".rstrip(), r.rule.id)
        for r in rules
        if r.status is Status.ERROR
    ]
    notifications += [
        _notification("error", f"{e.source} crashed on {e.path}:\n{e.traceback}".rstrip(), path=e.path)
        for e in report.internal_errors
    ]
    notifications += [
        _notification("warning", f"{r.rule.id} could not decide: {r.reason}", r.rule.id)
        for r in rules
        if r.status is Status.UNDETERMINED
    ]
    notifications += [_notification("note", note.message, path=note.path) for note in report.notes]
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
                "invocations": [
                    {
                        "executionSuccessful": exit_code(report, fail_on) != 2,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": results,
                "properties": {
                    "notApplicable": {
                        r.rule.id: r.reason
                        for r in rules
                        if r.status in {Status.NOT_APPLICABLE, Status.NOT_RUN}
                    },
                    "undetermined": {r.rule.id: r.reason for r in rules if r.status is Status.UNDETERMINED},
                    "errors": {r.rule.id: r.reason for r in rules if r.status is Status.ERROR},
                    "score": report.overall.score if report.overall else None,
                },
            }
        ],
    }


def render_sarif(report: Report, *, fail_on: str = "error") -> str:
    return json.dumps(sarif_dict(report, fail_on), indent=2) + "\n"
