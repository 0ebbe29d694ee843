"""`--format markdown`: a report for pull-request comments and job summaries."""

from __future__ import annotations

from scalefold.audit.model import Category, Status
from scalefold.audit.results import Report, plural


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def render_markdown(report: Report, *, fail_on: str = "error") -> str:
    assert report.overall is not None
    counts = report.counts()
    lines = [
        "# scalefold check",
        "",
        (
            f"**Score: {_score(report.overall.score)}/10** · "
            f"{plural(counts['error'], 'error')} · {plural(counts['warning'], 'warning')} · "
            f"{plural(counts['note'], 'note')} · {counts['suppressed']} suppressed · {report.files} files"
        ),
        "",
        "| Category | Score | Passed | Failed | Undetermined | Not applicable |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for category, score in report.scores.items():
        lines.append(
            f"| {category.value} | {_score(score.score)} | "
            f"{score.passed} | {score.failed + score.errors} | {score.undetermined} | {score.not_applicable} |"
        )
    crashed = report.crashed
    if crashed or report.internal_errors:
        lines += [
            "",
            "## Errors",
            "",
            "These rules crashed (a bug in scalefold): the run failed and they scored 0.",
            "",
        ]
        lines += [f"- {r.rule.id} {_cell(r.rule.title)}: {_cell(r.reason)}" for r in crashed]
        lines += [f"- {e.source} on `{_cell(e.path)}`: crashed" for e in report.internal_errors]
    undetermined = [r for r in report.results if r.status is Status.UNDETERMINED]
    if undetermined:
        lines += ["", "## Undetermined", "", "These rules could not decide (not counted as passed):", ""]
        lines += [f"- {r.rule.id} {_cell(r.rule.title)}: {_cell(r.reason)}" for r in undetermined]
    for category in Category:
        findings = [(r, f) for r in report.results if r.rule.category is category for f in r.findings]
        if not findings:
            continue
        lines += [
            "",
            f"## {category.value}",
            "",
            "| Severity | Rule | Location | Message |",
            "| --- | --- | --- | --- |",
        ]
        for result, finding in findings:
            suppression = finding.suppression
            severity = finding.severity.value if suppression is None else f"suppressed ({suppression.kind})"
            message = finding.message if suppression is None else f"{finding.message} — {suppression.reason}"
            lines.append(
                f"| {severity} | {result.rule.id} | "
                f"`{_cell(finding.path)}:{finding.line}` | {_cell(message)} |"
            )
    skipped = [r for r in report.results if r.status in {Status.NOT_APPLICABLE, Status.NOT_RUN}]
    if skipped:
        lines += ["", "<details><summary>Not applicable</summary>", ""]
        lines += [f"- {r.rule.id} {_cell(r.rule.title)}: {r.reason}" for r in skipped]
        lines += ["", "</details>"]
    if report.advice:
        lines += ["", "## Advice", "", "Suggestions, not findings:", ""]
        lines += [f"- {a.rule_id} `{_cell(a.path)}:{a.line}`: {_cell(a.message)}" for a in report.advice]
    if report.notes:
        lines += ["", "## Notes", ""] + [f"- `{_cell(n.path)}`: {_cell(n.message)}" for n in report.notes]
    return "\n".join(lines) + "\n"
