"""K8S-010: pin container images to a version."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.parsers.dockerfile import Image
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.docker.base_tag import floats
from scalefold.audit.rules.kubernetes.common import containers, hit


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for workload, container in containers(project):
        if not container.image or "{{" in container.image or "$" in container.image:
            continue  # templated: the real value is set at deploy time
        image = Image.parse(container.image)
        if image.digest is None and floats(image.tag):
            yield hit(
                workload,
                container,
                container.image_line,
                f"image `{container.image}` floats: pin a version tag or digest",
            )


RULE = Rule(
    id="K8S-010",
    name="kubernetes-image-tag",
    category=Category.KUBERNETES,
    severity=Severity.ERROR,
    title="Pin container images to a version",
    rationale="""`latest` (or no tag) means two pods of one Deployment can run different code, and a
        rollback redeploys whatever `latest` is now.""",
    fix="""Use an immutable tag (the git SHA or release version) or a digest: `image:
        registry.example.com/api:1.4.2`.""",
    check=check,
)
