"""What several security rules share: presence of a library in a service's code, files git ignores."""

from __future__ import annotations

from scalefold.audit.files import glob_match
from scalefold.audit.js.facts import Import, Mark
from scalefold.audit.js.syntax import JsFile
from scalefold.audit.project import Project

PRESENT = "present"


def import_mark(file: JsFile, imp: Import, name: str = PRESENT) -> Mark:
    """A mark where the file imports a module (visitors declared with ``on_import(*modules)``)."""
    module = imp.spec.removeprefix("node:")
    return Mark(name, file.location_at(imp.line, f"import {module}"))


def gitignore_patterns(project: Project, folder: str) -> list[str]:
    """The .gitignore patterns that apply in ``folder`` (the root's first, then each parent's)."""
    patterns: list[str] = []
    parts = folder.split("/") if folder else []
    for depth in range(len(parts) + 1):
        base = "/".join(parts[:depth])
        path = f"{base}/.gitignore" if base else ".gitignore"
        for line in project.lines(path):
            line = line.strip()
            if line and not line.startswith("#"):
                patterns.append(line)
    return patterns


def gitignored(patterns: list[str], rel: str) -> bool:
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        body = pattern[1:] if negate else pattern
        if glob_match(body, rel):
            ignored = not negate
    return ignored
