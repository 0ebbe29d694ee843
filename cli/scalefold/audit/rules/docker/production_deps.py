"""DKR-008: ship only production dependencies in the runtime stage."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.docker.common import dev_install, hit, installs


def _copies_node_modules(source: str, workdir: str) -> bool:
    source = source.rstrip("/")
    return source.endswith("node_modules") or source in {".", "", "/", workdir, "./"}


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        final = dockerfile.final
        assert final is not None
        installs_here = any(True for _ in installs(final))
        if final.parent is not None and dev_install(final.parent) is not None and not installs_here:
            yield hit(
                dockerfile,
                final,
                f"The final stage builds on `{final.parent.name}`, which "
                "has devDependencies: start from a clean base image",
            )
            continue
        own = dev_install(final) if installs_here else None
        if own is not None:
            yield hit(
                dockerfile,
                own,
                "This install keeps devDependencies in the runtime image: use `npm ci --omit=dev`",
            )
        for copy in final.find("COPY", inherited=False):
            source_stage = (
                dockerfile.stage_named(copy.flags.get("from", "")) if "from" in copy.flags else None
            )
            if source_stage is None or dev_install(source_stage) is None:
                continue
            parts = copy.exec_form if copy.exec_form is not None else copy.args.split()
            sources = parts[:-1]
            workdir = source_stage.workdir().rstrip("/")
            if any(_copies_node_modules(src, workdir) for src in sources):
                yield hit(
                    dockerfile,
                    copy,
                    f"Copies node_modules with devDependencies from `{source_stage.name or source_stage.index}`:"
                    " copy them from a stage that ran `npm ci --omit=dev`",
                )


RULE = Rule(
    id="DKR-008",
    name="docker-production-deps",
    category=Category.DOCKER,
    severity=Severity.WARNING,
    title="Ship only production dependencies in the runtime stage",
    rationale="""Test runners, compilers and linters in the runtime image double its size and bring
        their own vulnerabilities into production, where they are never used.""",
    fix="""In a `deps` stage run `npm ci --omit=dev` and copy that `node_modules` into the final stage
        (or `npm prune --omit=dev` after building).""",
    check=check,
)
