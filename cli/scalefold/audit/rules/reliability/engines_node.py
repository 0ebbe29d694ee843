"""REL-005: declare `engines.node` on a supported LTS line."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.fix.package_json import declare_node_engine
from scalefold.audit.model import Category, Hit, Location, NotApplicable, Severity, Unchecked
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.reliability.node_versions import engines, lts_problem, min_major


def check(project: Project, rule: Rule) -> Iterator[Hit | Unchecked]:
    packages = project.services or ([project.root_package] if project.root_package else [])
    if not packages:
        raise NotApplicable("no package.json")
    for pkg in packages:
        assert pkg is not None
        if not pkg.valid:
            yield Unchecked(f"{pkg.path} could not be read")
            continue
        value, line = engines(pkg)
        if value is None:
            yield Hit(
                Location(pkg.path, line, "no engines.node"),
                'No `engines.node`: add `"engines": { "node": ">=24" }`',
            )
            continue
        problem = lts_problem(min_major(value), project.today, f'`engines.node` "{value}"')
        if problem:
            yield Hit(Location(pkg.path, line, f"engines.node {value}"), problem)


RULE = Rule(
    id="REL-005",
    name="reliability-engines-node",
    category=Category.RELIABILITY,
    severity=Severity.WARNING,
    title="Declare `engines.node` on a supported LTS line",
    rationale="""`engines.node` tells npm, CI and the platform which runtime the code was tested on. A
        missing or end-of-life range lets the service run on a Node.js without security fixes.""",
    fix="""Add `"engines": { "node": ">=24" }` (or `>=22`) to package.json, on a line that is LTS and
        not past end of life.""",
    check=check,
    fixer=declare_node_engine,
)
