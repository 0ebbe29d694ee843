"""`--format markdown`: a report for pull-request comments and job summaries."""

from __future__ import annotations

from scalefold.audit.engine import Report, plural
from scalefold.audit.model import Category, Status


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def render_markdown(report: Report) -> str:
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
        "| Category | Score | Passed | Failed | Not applicable |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for category, score in report.scores.items():
        lines.append(
            f"| {category.value} | {_score(score.score)} | "
            f"{score.passed} | {score.failed} | {score.not_applicable} |"
        )
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
            severity = (
                finding.severity.value if finding.active else f"suppressed ({finding.suppression.kind})"
            )  # type: ignore[union-attr]
            message = (
                finding.message if finding.active else f"{finding.message} — {finding.suppression.reason}"
            )  # type: ignore[union-attr]
            lines.append(
                f"| {severity} | {result.rule.id} | "
                f"`{_cell(finding.path)}:{finding.line}` | {_cell(message)} |"
            )
    skipped = [r for r in report.results if r.status in {Status.NOT_APPLICABLE, Status.NOT_RUN}]
    if skipped:
        lines += ["", "<details><summary>Not applicable</summary>", ""]
        lines += [f"- {r.rule.id} {_cell(r.rule.title)}: {r.reason}" for r in skipped]
        lines += ["", "</details>"]
    if report.notes:
        lines += ["", "## Notes", ""] + [f"- `{_cell(n.path)}`: {_cell(n.message)}" for n in report.notes]
    return "\n".join(lines) + "\n"
