"""REL-008: keep every package.json valid JSON."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Location, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for pkg in project.require_node():
        if pkg.valid:
            continue
        reason = pkg.manifest_error or "not valid JSON"
        yield Hit(
            Location(pkg.path, pkg.manifest_error_line, f"invalid package.json {pkg.path}"),
            f"{pkg.path} cannot be read ({reason}): npm, node and every tool will fail on it; fix the JSON",
        )


RULE = Rule(
    id="REL-008",
    name="reliability-valid-package-json",
    category=Category.RELIABILITY,
    severity=Severity.ERROR,
    title="Keep every package.json valid JSON",
    rationale="""npm, Node.js (for `type`, `exports` and `imports`), the bundler and CI all read
        package.json. One that is not valid JSON stops every install and start; it usually comes
        from a bad merge or a hand edit. The rest of the audit still runs: dependencies of that
        package are then taken from what its code imports.""",
    fix="""Fix the JSON (`node -e "require('./package.json')"` names the error), and resolve any
        merge-conflict markers left in it.""",
    check=check,
)
