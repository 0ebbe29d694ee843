"""One version of the template read from its git source: what ``scalefold new --vcs-ref`` renders.

A team reproducing a project generated months ago, or rehearsing its upgrade, starts it at the
template version the project records (``_commit``) instead of the one this scalefold carries. The
version is a tag of the template source (``v0.1.0``, or ``0.1.0``) or a commit; its files are exported
from git into a plain folder, so what renders is exactly that version, whatever the source's work tree
holds, and its own ``copier.yml`` decides which answers are valid.
"""

from __future__ import annotations

import io
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scalefold.errors import UsageError
from scalefold.questions import Question, parse_questions
from scalefold.resources import TEMPLATE_PATHS
from scalefold.settings import cache_dir
from scalefold.upgrade.git import git, git_text
from scalefold.upgrade.source import SourceRepository, TemplateSource, open_source
from scalefold.upgrade.versions import parse_version, release_tags, resolve_tag


@dataclass(frozen=True)
class PinnedTemplate:
    repository: SourceRepository
    #: The tag (``v0.1.0``) or the full commit the project is generated at.
    ref: str
    #: What the project records as its template version (``_commit``): the tag, or ``git describe``
    #: of the commit (``v0.1.0-3-g1a2b3c4``), the form Copier records and ``scalefold update`` reads.
    commit: str
    questions: dict[str, Question]

    @property
    def source(self) -> TemplateSource:
        return self.repository.source

    @property
    def release(self) -> str:
        """The scalefold release this version belongs to (``0.1.0``), or ``""`` when it is no release."""
        version = parse_version(self.commit)
        return str(version) if version is not None and self.commit == self.ref else ""

    @contextmanager
    def folder(self) -> Iterator[Path]:
        """The version's ``copier.yml`` and ``template/`` in a temporary folder."""
        archive = git("archive", "--format=tar", self.ref, "--", *TEMPLATE_PATHS, cwd=self.repository.path)
        with tempfile.TemporaryDirectory(prefix="scalefold-template-") as scratch:
            # The "data" filter (no links or paths leaving the folder) exists from Python 3.11.4 and 3.12.
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
                tar.extractall(scratch, **safe)
            yield Path(scratch)


def pin_template(source: TemplateSource, requested: str) -> PinnedTemplate:
    """Open ``source`` and resolve ``requested`` (a version tag or a commit) in it, writing nothing."""
    repository = open_source(source, cache_dir())
    tag = resolve_tag(requested, repository.tags())
    if tag is not None:
        ref, commit = tag, tag
    elif repository.has_commit(requested):
        ref = git_text("rev-parse", "--verify", f"{requested}^{{commit}}", cwd=repository.path)
        commit = git_text("describe", "--tags", "--always", "--match", "v*", ref, cwd=repository.path)
    else:
        known = ", ".join(release_tags(repository.tags())[-8:]) or "no version tags"
        offline = "" if repository.refreshed else f" (could not refresh {source}; its cached copy was used)"
        raise UsageError(f"unknown template version {requested!r}: {source} has {known}{offline}")
    text = repository.read(ref, "copier.yml")
    if text is None:
        raise UsageError(
            f"{source} has no copier.yml at {requested}: it is not a version of scalefold's template"
        )
    return PinnedTemplate(repository, ref, commit, parse_questions(text))
