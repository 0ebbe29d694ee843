"""DKR-005: keep `node_modules`, `.git` and `.env` out of the build context."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from typing import TYPE_CHECKING

from scalefold.audit.fix.dockerignore import complete_dockerignore
from scalefold.audit.fix.model import Change, FixContext
from scalefold.audit.model import Category, Hit, Location, Severity
from scalefold.audit.parsers.dockerfile import Dockerfile
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.docker.common import hit

if TYPE_CHECKING:
    from scalefold.audit.results import Finding

_IGNORED_PATHS = ("node_modules", ".git", ".env")


def _dockerignore_for(project: Project, dockerfile: Dockerfile) -> str | None:
    folder = dockerfile.path.rsplit("/", 1)[0] + "/" if "/" in dockerfile.path else ""
    for candidate in (f"{dockerfile.path}.dockerignore", f"{folder}.dockerignore", ".dockerignore"):
        if project.has(candidate):
            return candidate
    return None


def dockerignore_excludes(patterns: list[str], path: str) -> bool:
    """Docker's .dockerignore semantics for one path: the last matching pattern wins."""
    excluded = False
    for raw in patterns:
        negate = raw.startswith("!")
        pattern = raw[1:] if negate else raw
        pattern = pattern.strip().strip("/")
        pattern = pattern.removeprefix("./")
        candidates = {pattern, pattern.removeprefix("**/")}
        if any(fnmatch.fnmatchcase(path, p) for p in candidates if p):
            excluded = not negate
    return excluded


def _copies_named_files_only(dockerfile: Dockerfile) -> bool:
    """Every COPY/ADD from the context names files (`package.json package-lock.json ./`), no folder:
    nothing the .dockerignore would keep out can reach the image."""
    sources = [
        source
        for stage in dockerfile.stages
        for ins in stage.instructions
        if ins.keyword in {"COPY", "ADD"} and "from" not in ins.flags
        for source in (ins.exec_form or ins.args.split())[:-1]
    ]
    return all("." in source.rsplit("/", 1)[-1].strip(".") and "*" not in source for source in sources)


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        if _copies_named_files_only(dockerfile):
            continue
        ignore = _dockerignore_for(project, dockerfile)
        if ignore is None:
            copy = next(
                (i for s in dockerfile.stages for i in s.instructions if i.keyword in {"COPY", "ADD"}),
                dockerfile.stages[0].instructions[0],
            )
            yield hit(dockerfile, copy, "No .dockerignore: add one listing `node_modules`, `.git` and `.env`")
            continue
        patterns = [
            line.strip()
            for line in project.lines(ignore)
            if line.strip() and not line.strip().startswith("#")
        ]
        missing = [p for p in _IGNORED_PATHS if not dockerignore_excludes(patterns, p)]
        if missing:
            listed = ", ".join(f"`{m}`" for m in missing)
            yield Hit(
                Location(ignore, 1, f"dockerignore missing {' '.join(missing)}"),
                f".dockerignore does not exclude {listed}: add {'them' if len(missing) > 1 else 'it'}",
            )


def fix(context: FixContext, finding: Finding) -> Change:
    return complete_dockerignore(context, finding, _IGNORED_PATHS, dockerignore_excludes)


RULE = Rule(
    id="DKR-005",
    name="docker-dockerignore",
    category=Category.DOCKER,
    severity=Severity.WARNING,
    title="Keep `node_modules`, `.git` and `.env` out of the build context",
    rationale="""Without a `.dockerignore`, `COPY . .` sends the local `node_modules` (built for another
        OS), the whole git history and any `.env` file with real secrets into the image, where
        anyone who pulls it can read them.""",
    fix="""Add a `.dockerignore` next to the Dockerfile listing at least `node_modules`, `.git` and `.env`
        (plus `dist`, `coverage` and `*.log`).""",
    check=check,
    fixer=fix,
)
