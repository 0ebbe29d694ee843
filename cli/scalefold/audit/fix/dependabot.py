"""CI-010: add the template's `.github/dependabot.yml`, with the ecosystems this repository has."""

from __future__ import annotations

from typing import TYPE_CHECKING

import yaml

from scalefold.audit.fix import template
from scalefold.audit.fix.model import CannotFix, Change, FixContext
from scalefold.audit.project import Project

if TYPE_CHECKING:
    from scalefold.audit.results import Finding

TARGET = ".github/dependabot.yml"
COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


def _ecosystems(project: Project) -> set[str]:
    """The update ecosystems that have something to update here."""
    found = {"npm"}
    if any(rel.startswith(".github/workflows/") for rel in project.files):
        found.add("github-actions")
    if project.dockerfiles:
        found.add("docker")
    if any(project.has(name) for name in COMPOSE_FILES):
        found.add("docker-compose")
    return found


def _ecosystem(block: str) -> str:
    (update,) = yaml.safe_load(block)
    return str(update["package-ecosystem"])


def add_dependabot(context: FixContext, finding: Finding) -> Change:
    """The template's dependabot.yml (weekly, grouped minor and patch updates, a cooldown), keeping
    the update blocks of the ecosystems the repository uses, Docker for each Dockerfile's folder."""
    project = context.project
    if project.root_package is None:
        raise CannotFix(f"no package.json at the root: list each package's folder in {TARGET} yourself")
    if context.exists(TARGET):
        raise CannotFix(f"{TARGET} exists already")
    docker_dirs = sorted({d.path.rsplit("/", 1)[0] if "/" in d.path else "" for d in project.dockerfiles})
    head, marker, body = template.dependabot(docker_dirs).partition("updates:\n")
    wanted = _ecosystems(project)
    blocks = [block for block in body.rstrip("\n").split("\n\n") if _ecosystem(block) in wanted]
    text = f"{head}{marker}" + "\n\n".join(blocks) + "\n"
    kept = [_ecosystem(block) for block in blocks]
    return Change(TARGET, text, f"created {TARGET} from scalefold's template ({', '.join(kept)})")
