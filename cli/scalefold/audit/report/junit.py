"""`--format junit`: one test suite per category, one test case per rule (CI dashboards read it)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from scalefold.audit.engine import Report
from scalefold.audit.model import Category, Status


def render_junit(report: Report) -> str:
    suites = ET.Element("testsuites", name="scalefold check")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for category in Category:
        results = [r for r in report.results if r.rule.category is category]
        if not results:
            continue
        suite = ET.SubElement(suites, "testsuite", name=category.value)
        counts = {"tests": len(results), "failures": 0, "skipped": 0}
        for result in results:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"scalefold.{category.value}",
                name=f"{result.rule.id} {result.rule.title}".replace("`", ""),
            )
            if result.status is Status.FAIL:
                counts["failures"] += 1
                findings = result.active_findings
                failure = ET.SubElement(
                    case,
                    "failure",
                    type=result.severity.value,
                    message=f"{len(findings)} finding{'s' if len(findings) != 1 else ''}",
                )
                failure.text = "\n".join(
                    f"{f.path}:{f.line}: {f.severity.value}: {f.message}" for f in findings
                )
            elif result.status in {Status.NOT_APPLICABLE, Status.NOT_RUN, Status.DISABLED}:
                counts["skipped"] += 1
                ET.SubElement(
                    case, "skipped", message=f"{result.status.value.replace('_', ' ')}: {result.reason}"
                )
            suppressed = [f for f in result.findings if not f.active]
            if suppressed:
                out = ET.SubElement(case, "system-out")
                out.text = "\n".join(
                    f"suppressed ({f.suppression.kind}: "
                    f"{f.suppression.reason}): {f.path}:{f.line}: {f.message}"  # type: ignore[union-attr]
                    for f in suppressed
                )
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        suites.set(key, str(value))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
