"""DKR-012: declare a `HEALTHCHECK`."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.docker.common import hit


def _has_probes(project: Project) -> bool:
    return any(
        "readinessProbe" in c.data or "livenessProbe" in c.data
        for w in project.workloads
        for c in w.containers
    )


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    dockerfiles = project.require_dockerfiles()
    severity = Severity.NOTE if _has_probes(project) else None
    for dockerfile in dockerfiles:
        final = dockerfile.final
        assert final is not None
        checks = final.find("HEALTHCHECK")
        if not checks or checks[-1].args.strip().upper() == "NONE":
            suffix = " (Kubernetes probes cover this in the cluster)" if severity else ""
            yield hit(
                dockerfile,
                final,
                f"The final stage has no HEALTHCHECK: add one that calls the liveness route{suffix}",
                severity,
            )


RULE = Rule(
    id="DKR-012",
    name="docker-healthcheck",
    category=Category.DOCKER,
    severity=Severity.WARNING,
    title="Declare a `HEALTHCHECK`",
    rationale="""Without a health check, Docker, Compose and Swarm only know the process is alive, not
        that it serves: a wedged event loop keeps receiving traffic. (Kubernetes ignores
        `HEALTHCHECK` and uses its probes, so there this is only a note.)""",
    fix="""Add a check that uses node's own fetch, so no curl is needed in the image: `HEALTHCHECK CMD
        ["node", "dist/healthcheck.js"]`, where the script requests the liveness route and exits 1 unless
        it answers 200.""",
    check=check,
)
