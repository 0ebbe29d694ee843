"""A project rendered from the template, as the adoption tests (GitHub Action, pre-commit) audit it."""

from __future__ import annotations

import json
from pathlib import Path

from copier import run_copy


def render_project(template_dir: Path, dest: Path) -> Path:
    """The default monolith, with the package-lock.json that `scalefold new` would get from `npm install`."""
    run_copy(
        str(template_dir), dest, data={"project_name": "demo-svc"}, defaults=True, unsafe=True, quiet=True
    )
    add_lockfile(dest)
    return dest


def add_lockfile(dest: Path) -> None:
    """The smallest package-lock.json for the rendered package.json: `scalefold new` runs `npm install`,
    which writes one; rendering alone does not."""
    if (dest / "package-lock.json").exists():
        return
    package = json.loads((dest / "package.json").read_text())
    lock = {
        "name": package["name"],
        "lockfileVersion": 3,
        "requires": True,
        "packages": {"": {"name": package["name"]}},
    }
    (dest / "package-lock.json").write_text(json.dumps(lock, indent=2) + "\n")
