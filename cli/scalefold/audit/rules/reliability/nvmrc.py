"""REL-006: pin the development Node.js version in `.nvmrc`."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Location, NotApplicable, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.reliability.node_versions import lts_problem, read_version_file


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    pkg = project.root_package
    if pkg is None:
        raise NotApplicable("no package.json")
    found = read_version_file(project)
    if found is None:
        yield Hit(
            Location(pkg.path, 1, "no nvmrc"),
            "No `.nvmrc`: add one naming the Node.js major you deploy (e.g. `24`)",
            Severity.NOTE,
        )
        return
    rel, content, major = found
    problem = lts_problem(major, project.today, f'`{rel}` "{content}"')
    if problem:
        yield Hit(Location(rel, 1, f"{rel} {content}"), problem)


RULE = Rule(
    id="REL-006",
    name="reliability-nvmrc",
    category=Category.RELIABILITY,
    severity=Severity.WARNING,
    title="Pin the development Node.js version in `.nvmrc`",
    rationale="""`.nvmrc` (or `.node-version`) makes nvm, fnm, Volta, `actions/setup-node` and
        colleagues use the same Node.js as production, so "works on my machine" means something.""",
    fix="""Add `.nvmrc` containing the major you deploy, e.g. `24`, and use `node-version-file: .nvmrc`
        in CI.""",
    check=check,
)
