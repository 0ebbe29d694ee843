"""Helpers shared by rules of several categories."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Hit, Unchecked
from scalefold.audit.packages import NodePackage
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule


def missing(project: Project, pkg: NodePackage, message: str, snippet: str) -> Hit | Unchecked:
    """The finding for something absent from ``pkg``'s code, pointed at where its server is created.

    When some of the package's source files could not be analysed, the thing may be in one of them:
    the package is then reported as unchecked rather than failed.
    """
    unread = project.unread_sources(pkg)
    if unread:
        shown = ", ".join(unread[:3]) + (f" and {len(unread) - 3} more" if len(unread) > 3 else "")
        return Unchecked(f"{pkg.label}: {shown} could not be analysed")
    return Hit(project.anchor(pkg).with_snippet(snippet), message)


def source_findings(project: Project, rule: Rule) -> Iterator[Hit]:
    """The check of a rule whose visitors do all the work: what they found in the server code."""
    project.require_sources()
    yield from project.source_hits(rule)


def server_source_findings(project: Project, rule: Rule) -> Iterator[Hit]:
    """Like ``source_findings``, leaving out the code of front-end packages of a monorepo."""
    project.require_sources()
    yield from project.source_hits(rule, server_only=True)


def missing_in_services(
    project: Project, rule: Rule, mark: str, message: str, snippet: str, *, follow: bool = False
) -> Iterator[Hit | Unchecked]:
    """A finding for each service whose code never shows the rule's ``mark`` (with ``follow``: nor
    the code of the workspace packages it builds on)."""
    for pkg in project.require_services():
        if project.mark(rule, pkg, mark, follow=follow) is None:
            yield missing(project, pkg, message, snippet)
