"""DKR-011: use `COPY`, not `ADD`."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.docker.common import hit

_REMOTE = ("http://", "https://", "git@")
_ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        for stage in dockerfile.stages:
            for ins in stage.instructions:
                if ins.keyword != "ADD":
                    continue
                sources = (ins.exec_form or ins.args.split())[:-1]
                remote = any(s.startswith(_REMOTE) for s in sources)
                archive = bool(sources) and all(s.endswith(_ARCHIVES) for s in sources)
                if (remote and "checksum" in ins.flags) or (archive and not remote):
                    continue  # what ADD is for: a verified download, or unpacking a local archive
                yield hit(dockerfile, ins, "Use `COPY` instead of `ADD` for local files")


RULE = Rule(
    id="DKR-011",
    name="docker-copy-not-add",
    category=Category.DOCKER,
    severity=Severity.WARNING,
    title="Use `COPY`, not `ADD`",
    rationale="""`ADD` also downloads URLs (without checking them) and unpacks archives, so a harmless
        looking line can fetch remote code or explode a tarball into the image. `COPY` does only
        what it says.""",
    fix="""Replace `ADD` with `COPY`. To fetch a file, use `ADD --checksum=sha256:… <url>` or `curl` in a
        build stage and verify it.""",
    check=check,
)
