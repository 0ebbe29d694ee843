"""Carry a project's own edits across a file that the template renamed: a Copier migration helper.

Copier's update sees a renamed file as "OLD deleted, NEW added": it writes the template's NEW and
removes OLD, and whatever the project had changed in OLD is lost. Run after the update, this helper
puts that work back. It merges the project's OLD (from the commit the update started from: updates
need a clean work tree) into NEW, with the old template's OLD as the common base: the same three-way
merge Copier does for files that keep their name, with the same conflict markers. When the project
had deleted OLD, it removes NEW too, so a file the team deleted stays deleted.

A template version that renames a file declares it in ``copier.yml`` (see docs/upgrading.md)::

    _migrations:
      - version: v0.2.0
        command:
          - "{{ _copier_python }}"
          - "{{ _copier_conf.src_path }}/cli/scalefold/upgrade/carry_rename.py"
          - "{{ _copier_conf.src_path }}"
          - src/old-name.ts
          - src/new-name.ts

It is standalone on purpose: it runs under the Python that runs Copier (scalefold may not be installed
there, for a plain ``copier update``) and needs only Copier, PyYAML (Copier's dependency) and git.
Copier runs it in the project's folder and passes the previous template version as ``VERSION_FROM``.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import warnings
from pathlib import Path

OURS_LABEL, BASE_LABEL, THEIRS_LABEL = "before updating", "last update", "after updating"


def _git(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True)


def _at_head(path: str) -> bytes | None:
    """The project's file as committed before the update ("./" keeps the path relative to this folder)."""
    result = _git("show", f"HEAD:./{path}")
    return result.stdout if result.returncode == 0 else None


def _previous_answers(answers_file: str) -> dict:
    import yaml

    text = _at_head(answers_file)
    data = yaml.safe_load(text) if text else None
    if not isinstance(data, dict):
        return {}
    return {key: value for key, value in data.items() if not str(key).startswith("_")}


def _render_previous_template(template: Path, version: str, answers_file: str, into: Path) -> Path:
    """The project as the previous template version rendered it, from the project's previous answers."""
    from copier import run_copy

    archive = _git("archive", "--format=tar", version, cwd=template)
    if archive.returncode != 0:
        raise SystemExit(f"carry_rename: cannot read template version {version}: {archive.stderr.decode().strip()}")
    source = into / "template"
    # The "data" filter (refuse links and paths leaving the folder) exists from Python 3.11.4 and 3.12.
    safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(source, **safe)
    rendered = into / "rendered"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run_copy(
            str(source),
            str(rendered),
            data=_previous_answers(answers_file),
            answers_file=answers_file,
            defaults=True,
            overwrite=True,
            quiet=True,
            skip_tasks=True,
            unsafe=True,  # the template Copier is updating from: already trusted for this update
        )
    return rendered


def _merge(ours: bytes, base: bytes, theirs: Path, workdir: Path) -> tuple[bytes, int]:
    """Three-way merge as ``git merge-file`` does it; returns the result and its number of conflicts."""
    current, common = workdir / "ours", workdir / "base"
    current.write_bytes(ours)
    common.write_bytes(base)
    result = _git(
        "merge-file", "-L", OURS_LABEL, "-L", BASE_LABEL, "-L", THEIRS_LABEL,
        str(current), str(common), str(theirs),
    )
    if result.returncode < 0 or result.returncode > 127:
        raise SystemExit(f"carry_rename: git merge-file failed: {result.stderr.decode().strip()}")
    return current.read_bytes(), result.returncode


def carry(old: str, new: str, template: Path, version: str, answers_file: str) -> str:
    """Apply the rename to the project's own work; returns what was done, in one line."""
    if _at_head(new) is not None:
        return f"kept {new}: the project already had it before the update, and Copier merged it"
    with tempfile.TemporaryDirectory(prefix="carry-rename-") as scratch:
        workdir = Path(scratch)
        base_path = _render_previous_template(template, version, answers_file, workdir) / old
        if not base_path.is_file():
            return f"nothing to carry: template version {version} did not generate {old} for this project"
        base, ours = base_path.read_bytes(), _at_head(old)
        target = Path(new)
        if ours is None:
            if target.exists():
                target.unlink()
            return f"removed {new}: the project had deleted {old}"
        if ours == base:
            return f"{old} is now {new}"
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(ours)
            return f"moved your {old} to {new}"
        merged, conflicts = _merge(ours, base, target, workdir)
        target.write_bytes(merged)
    if conflicts:
        return f"moved your changes from {old} to {new} with {conflicts} conflict(s): resolve the markers in {new}"
    return f"moved your changes from {old} to {new}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Carry a project's edits across a file the template renamed.")
    parser.add_argument("template", type=Path, help="the template's checkout ({{ _copier_conf.src_path }})")
    parser.add_argument("old", help="the file's previous path, relative to the project")
    parser.add_argument("new", help="the file's new path, relative to the project")
    parser.add_argument("--answers-file", default=".copier-answers.yml")
    parser.add_argument("--from-version", default=os.environ.get("VERSION_FROM"), help="default: $VERSION_FROM (set by Copier)")
    args = parser.parse_args(argv)
    if not args.from_version:
        parser.error("the previous template version is unknown: run from a Copier migration, or pass --from-version")
    print(f"carry_rename: {carry(args.old, args.new, args.template, args.from_version, args.answers_file)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
