"""Generate the rule pages in docs/rules/ from the catalogue.

    python -m scalefold.audit.docs docs/rules

A test regenerates them into a temporary folder and fails when the committed pages differ.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from scalefold.audit.model import Category, Severity
from scalefold.audit.registry import catalogue
from scalefold.audit.rule import Rule

_PAGE = re.compile(r"^[A-Z0-9]+-\d{3}\.md$")
GENERATED = (
    "<!-- Generated from the rule catalogue by `python -m scalefold.audit.docs docs/rules`; do not edit. -->"
)


def rule_page_path(rule: Rule) -> str:
    return f"docs/rules/{rule.id}.md"


def rule_page(rule: Rule) -> str:
    comment = "#" if rule.category in {Category.DOCKER, Category.CI, Category.KUBERNETES} else "//"
    runs = "only with `scalefold check --deps`" if rule.needs_deps else "on every `scalefold check`"
    lines = [
        f"# {rule.id}: {rule.title}",
        "",
        GENERATED,
        "",
        "| Category | Default severity | Name | Runs |",
        "| --- | --- | --- | --- |",
        f"| {rule.category.value} | {rule.severity.value} | `{rule.name}` | {runs} |",
        "",
        "## Why it matters",
        "",
        rule.rationale,
        "",
        "## How to fix it",
        "",
        rule.fix,
        "",
    ]
    if rule.fixer is not None:
        lines += [
            "Fix automatically: `scalefold check --fix` (`scalefold check --diff` shows the change first; see",
            "[automatic fixes](../auditor.md#automatic-fixes)).",
            "",
        ]
    lines += [
        "## Suppressing it",
        "",
        "Every suppression needs a reason, and suppressed findings stay visible in the report.",
        "On the flagged line, or alone on the line above it:",
        "",
        "```",
        f"{comment} scalefold-ignore {rule.id}: <why this is acceptable here>",
        "```",
        "",
        "For the whole project, in `.scalefold.yml`:",
        "",
        "```yaml",
        "rules:",
        f"  {rule.id}:",
        "    enabled: false",
        "    reason: <why this rule does not fit this project>",
        "```",
    ]
    if rule.references:
        lines += ["", "## References", ""] + [f"- <{ref}>" for ref in rule.references]
    return "\n".join(lines) + "\n"


def index_page(rules: tuple[Rule, ...]) -> str:
    lines = [
        "# Audit rules",
        "",
        GENERATED,
        "",
        (
            f"`scalefold check` applies {len(rules)} rules in {len({r.category for r in rules})} categories. "
            "How the auditor works (formats, scores, suppressions, baselines, performance) is in "
            "[../auditor.md](../auditor.md). `scalefold rules ID` prints the same explanation as each page."
        ),
        "",
        "| Severity | Count |",
        "| --- | ---: |",
    ]
    for severity in (Severity.ERROR, Severity.WARNING, Severity.NOTE):
        lines.append(f"| {severity.value} | {sum(r.severity is severity for r in rules)} |")
    for category in Category:
        in_category = [r for r in rules if r.category is category]
        if not in_category:
            continue
        lines += ["", f"## {category.value}", "", "| ID | Severity | Rule |", "| --- | --- | --- |"]
        lines += [f"| [{r.id}]({r.id}.md) | {r.severity.value} | {r.title} |" for r in in_category]
    return "\n".join(lines) + "\n"


def generate(folder: Path) -> list[Path]:
    """Write every page into ``folder``, removing pages of rules that no longer exist."""
    folder.mkdir(parents=True, exist_ok=True)
    rules = catalogue()
    pages = {f"{rule.id}.md": rule_page(rule) for rule in rules}
    pages["README.md"] = index_page(rules)
    for stale in folder.iterdir():
        if _PAGE.match(stale.name) and stale.name not in pages:
            stale.unlink()
    written = []
    for name, text in pages.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m scalefold.audit.docs DOCS_RULES_FOLDER", file=sys.stderr)
        return 2
    written = generate(Path(argv[0]))
    print(f"wrote {len(written)} pages to {argv[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
