"""Where the Copier template and the presets live: in the wheel, or in a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent

#: What Copier reads from the folder holding the template: the questions and the files they render.
TEMPLATE_PATHS = ("copier.yml", "template")


@cache
def template_root() -> Path:
    """The folder holding ``copier.yml`` (with ``_subdirectory: template`` beside it).

    An installed wheel carries it under ``scalefold/_data``; a source checkout (editable
    install, tests) has it at the repository root, two levels above this package.
    """
    bundled = _PACKAGE_DIR / "_data"
    if (bundled / "copier.yml").is_file():
        return bundled
    checkout = _PACKAGE_DIR.parent.parent
    if (checkout / "copier.yml").is_file() and (checkout / "template").is_dir():
        return checkout
    raise FileNotFoundError("scalefold's template is missing from this installation; reinstall scalefold")


def checkout_root() -> Path | None:
    """The source checkout scalefold runs from (an editable install, the tests), or ``None`` for a wheel."""
    root = template_root()
    return None if root == _PACKAGE_DIR / "_data" else root


def presets_dir() -> Path:
    return template_root() / "presets"


def copier_yml() -> Path:
    return template_root() / "copier.yml"
