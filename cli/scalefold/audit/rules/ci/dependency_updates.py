"""CI-010: configure Renovate or Dependabot."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.fix.dependabot import add_dependabot
from scalefold.audit.model import Category, Hit, Location, Severity, Unchecked
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule

_UPDATE_CONFIGS = (
    ".github/dependabot.yml",
    ".github/dependabot.yaml",
    "renovate.json",
    "renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
    ".gitlab/renovate.json5",
)


def check(project: Project, rule: Rule) -> Iterator[Hit | Unchecked]:
    packages = project.require_node()
    if any(project.has(path) for path in _UPDATE_CONFIGS):
        return
    if any("renovate" in pkg.data for pkg in packages):
        return
    unread = [pkg.path for pkg in packages if not pkg.valid]
    if unread:  # Renovate may be configured in a package.json that could not be read
        yield Unchecked(f"{', '.join(unread)} could not be read")
        return
    pkg = project.root_package
    assert pkg is not None
    yield Hit(
        Location(pkg.path, 1, "no update bot"),
        "No Renovate or Dependabot configuration: add `.github/dependabot.yml`",
    )


RULE = Rule(
    id="CI-010",
    name="ci-dependency-updates",
    category=Category.CI,
    severity=Severity.WARNING,
    title="Configure Renovate or Dependabot",
    rationale="""Dependencies, base images and actions age every week. An update bot turns each upgrade
        into a small pull request the tests vet, instead of a painful jump after the next advisory.""",
    fix="""Add `.github/dependabot.yml` with `npm`, `docker` and `github-actions` ecosystems (or a
        `renovate.json`).""",
    check=check,
    fixer=add_dependabot,
)
