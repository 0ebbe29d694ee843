"""REL-007: run the same Node.js major in the image as in development."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Location, NotApplicable, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.reliability.node_versions import engines, min_major, read_version_file


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    dockerfiles = project.require_dockerfiles()
    found = read_version_file(project)
    pkg = project.root_package
    engines_value = engines(pkg)[0] if pkg is not None else None
    wanted = found[2] if found else None
    source = f"`{found[0]}`" if found else None
    if wanted is None and engines_value is not None:
        wanted, source = min_major(engines_value), "`engines.node`"
    if wanted is None:
        raise NotApplicable("no .nvmrc or engines.node to compare with")
    checked = False
    for dockerfile in dockerfiles:
        for stage in dockerfile.stages:
            image = stage.image
            major = image.node_major() if image is not None else None
            if image is None or major is None:
                continue
            checked = True
            if major != wanted:
                yield Hit(
                    Location(dockerfile.path, stage.line, f"FROM {image.ref}"),
                    f"`FROM {image.ref}` runs Node.js {major} but {source} says {wanted}: use the same major",
                )
    if not checked:
        raise NotApplicable("no Node.js base image with a version tag")


RULE = Rule(
    id="REL-007",
    name="reliability-node-version-matches-image",
    category=Category.RELIABILITY,
    severity=Severity.WARNING,
    title="Run the same Node.js major in the image as in development",
    rationale="""Code tested on one major and shipped on another meets different defaults, removed APIs
        and native-module ABIs in production first.""",
    fix="""Use the `.nvmrc` / `engines.node` major in the Dockerfile's `FROM node:<major>-…` (all stages).""",
    check=check,
)
