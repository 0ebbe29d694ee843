"""Helpers shared by rules of several categories."""

from __future__ import annotations

from scalefold.audit.model import Hit, Unchecked
from scalefold.audit.packages import NodePackage
from scalefold.audit.project import Project


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
