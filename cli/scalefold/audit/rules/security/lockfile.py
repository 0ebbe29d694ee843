"""SEC-012: commit the lockfile."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Location, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.security.common import gitignore_patterns, gitignored

_LOCKFILES = (
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "bun.lock",
)


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    packages = project.require_node()
    tops = [
        p
        for p in packages
        if not any(o is not p and o.contains(p.path) and len(o.dir) < len(p.dir) for o in packages)
    ]
    for pkg in tops:
        prefix = f"{pkg.dir}/" if pkg.dir else ""
        present = [name for name in _LOCKFILES if project.has(prefix + name)]
        if not present:
            yield Hit(
                Location(pkg.path, 1, "no lockfile"),
                "No lockfile: run `npm install` and commit `package-lock.json`",
            )
            continue
        patterns = gitignore_patterns(project, pkg.dir)
        for name in present:
            if gitignored(patterns, prefix + name):
                yield Hit(
                    Location(pkg.path, 1, f"lockfile ignored {name}"),
                    f"`{name}` is listed in .gitignore: remove it there and commit the lockfile",
                )


RULE = Rule(
    id="SEC-012",
    name="security-lockfile",
    category=Category.SECURITY,
    severity=Severity.WARNING,
    title="Commit the lockfile",
    rationale="""Without a lockfile every install resolves the newest matching versions, so CI, the
        image and a colleague's laptop run different code, and a compromised patch release slips in
        unreviewed.""",
    fix="""Run `npm install` once, commit `package-lock.json`, remove it from `.gitignore`, and install
        with `npm ci` everywhere else.""",
    check=check,
)
