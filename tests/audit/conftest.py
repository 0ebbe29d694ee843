"""Shared helpers for the auditor's tests: build a project from the clean base plus overlays."""

from __future__ import annotations

import shutil
import sys
from datetime import date
from pathlib import Path

import pytest

try:
    import scalefold  # noqa: F401
except ModuleNotFoundError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "cli"))

from scalefold.audit import AuditOptions, Report, run_audit

FIXTURES = Path(__file__).parent / "fixtures"
BASE = FIXTURES / "base"
# A fixed "today" keeps the Node.js LTS rules deterministic (Node 22 and 24 are supported then).
TODAY = date(2026, 6, 1)


def make_project(
    target: Path,
    files: dict[str, str] | None = None,
    remove: tuple[str, ...] = (),
    overlay: Path | None = None,
) -> Path:
    """Copy the clean base project to ``target``, delete ``remove``, then lay ``overlay`` and ``files``
    on top."""
    shutil.copytree(BASE, target)
    for rel in remove:
        (target / rel).unlink()
    if overlay is not None and overlay.is_dir():
        shutil.copytree(overlay, target, dirs_exist_ok=True)
    for rel, text in (files or {}).items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return target


def audit(root: Path, **options: object) -> Report:
    options.setdefault("today", TODAY)
    options.setdefault("jobs", 1)
    return run_audit(root, AuditOptions(**options))  # type: ignore[arg-type]


@pytest.fixture
def project(tmp_path: Path):
    """`project(files=..., remove=...)` → the path of a fresh copy of the clean base project."""
    counter = iter(range(1000))

    def build(files: dict[str, str] | None = None, remove: tuple[str, ...] = ()) -> Path:
        return make_project(tmp_path / f"p{next(counter)}", files, remove)

    return build
