"""`--format junit`: one test suite per category, one test case per rule (CI dashboards read it).

A rule's test case fails when it has an active finding at or above ``--fail-on``, the same
threshold that sets the exit code; findings below it are listed in the case's output. A rule that
crashed is an ``<error>``; one that could not decide, or did not apply, is ``<skipped>``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from scalefold.audit.model import Category, Status
from scalefold.audit.results import Finding, Report, RuleResult, fails

_SKIPPED_LABEL = {
    Status.NOT_APPLICABLE: "not applicable",
    Status.NOT_RUN: "not run",
    Status.DISABLED: "disabled",
    Status.UNDETERMINED: "undetermined",
}


def _line(finding: Finding) -> str:
    return f"{finding.path}:{finding.line}: {finding.severity.value}: {finding.message}"


def _case(
    suite: ET.Element, category: Category, result: RuleResult, fail_on: str, counts: dict[str, int]
) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        classname=f"scalefold.{category.value}",
        name=f"{result.rule.id} {result.rule.title}".replace("`", ""),
    )
    failing = [f for f in result.active_findings if fails(f, fail_on)]
    below = [f for f in result.active_findings if not fails(f, fail_on)]
    output: list[str] = []
    if result.status is Status.ERROR:
        counts["errors"] += 1
        error = ET.SubElement(case, "error", type="crash", message=result.reason)
        error.text = result.error or ""
    elif failing:
        counts["failures"] += 1
        failure = ET.SubElement(
            case,
            "failure",
            type=max(failing, key=lambda f: f.severity.rank).severity.value,
            message=f"{len(failing)} finding{'s' if len(failing) != 1 else ''} at or above {fail_on}",
        )
        failure.text = "\n".join(_line(f) for f in failing)
    elif result.status in _SKIPPED_LABEL:
        counts["skipped"] += 1
        ET.SubElement(case, "skipped", message=f"{_SKIPPED_LABEL[result.status]}: {result.reason}")
    if below:
        output.append(f"below --fail-on {fail_on}:")
        output += [_line(f) for f in below]
    suppressed = [f for f in result.findings if not f.active]
    output += [
        f"suppressed ({f.suppression.kind}: {f.suppression.reason}): {f.path}:{f.line}: {f.message}"  # type: ignore[union-attr]
        for f in suppressed
    ]
    if output:
        ET.SubElement(case, "system-out").text = "\n".join(output)


def render_junit(report: Report, *, fail_on: str = "error") -> str:
    suites = ET.Element("testsuites", name="scalefold check")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for category in Category:
        results = [r for r in report.results if r.rule.category is category]
        if not results:
            continue
        suite = ET.SubElement(suites, "testsuite", name=category.value)
        counts = {"tests": len(results), "failures": 0, "errors": 0, "skipped": 0}
        for result in results:
            _case(suite, category, result, fail_on, counts)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        suites.set(key, str(value))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
