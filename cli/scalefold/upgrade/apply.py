"""Running Copier's three-way update without putting the user's work at risk.

Copier updates a project in place: it re-renders the template over the project, then re-applies the
project's own changes as a patch and merges what does not apply. scalefold runs that in a scratch
clone of the project's repository, where the project's ``_src_path`` is pointed at the local template
repository (so Copier never touches the network), and then brings the result back:

* ``--pretend`` reports the scratch clone's changes and stops: exactly what the update would do,
  conflicts included, with nothing written;
* otherwise the result is applied to the project's work tree as one patch (all or nothing: a
  failure or an interruption before that point leaves the project untouched), and the files
  Copier left in conflict are marked unmerged in the project's index, as ``copier update`` does,
  so ``git status`` shows them and ``git commit -a`` refuses them until they are resolved.

The changes stay unstaged for the user to review, and ``_src_path`` records the real source.
"""

from __future__ import annotations

import tempfile
import warnings
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from scalefold.errors import StepFailed, UsageError, command_output_reason
from scalefold.upgrade.answers import ANSWERS_FILE, record_template
from scalefold.upgrade.conflicts import Conflict, find_conflicts
from scalefold.upgrade.git import commit_all, git, last_line
from scalefold.upgrade.plan import UpdatePlan


class ChangeKind(str, Enum):
    ADDED = "added"
    MODIFIED = "modified"
    DELETED = "deleted"
    RENAMED = "renamed"
    TYPE_CHANGED = "type changed"


_KINDS = {"A": ChangeKind.ADDED, "M": ChangeKind.MODIFIED, "D": ChangeKind.DELETED, "R": ChangeKind.RENAMED, "T": ChangeKind.TYPE_CHANGED}


@dataclass(frozen=True)
class FileChange:
    kind: ChangeKind
    #: Relative to the project folder.
    path: str
    #: The former path of a renamed file.
    previous: str | None = None


@dataclass(frozen=True)
class UpdateResult:
    plan: UpdatePlan
    changes: list[FileChange]
    conflicts: list[Conflict]
    #: False for --pretend: nothing was written.
    written: bool


@dataclass(frozen=True)
class _Scratch:
    root: Path
    project: Path
    #: The project's folder relative to the repository root, as a git pathspec.
    pathspec: str
    index: Path


def run_update(plan: UpdatePlan, *, pretend: bool = False) -> UpdateResult:
    """Update the project to ``plan.target`` (or, with ``pretend``, only say what that would change)."""
    with tempfile.TemporaryDirectory(prefix="scalefold-update-") as workdir:
        scratch = _scratch_clone(plan, Path(workdir))
        _copier_update(scratch.project, plan)
        record_template(scratch.project / ANSWERS_FILE, src_path=plan.source.location)
        _stage_result(scratch, plan.head)
        changes = _changes(scratch, plan.head)
        changed_paths = [change.path for change in changes if change.kind is not ChangeKind.DELETED]
        conflicts = find_conflicts(scratch.project, changed_paths)
        if not pretend and changes:
            _write_back(scratch, plan)
    return UpdateResult(plan, changes, conflicts, written=not pretend)


def _scratch_clone(plan: UpdatePlan, workdir: Path) -> _Scratch:
    root = workdir / "repository"
    git("clone", "--quiet", "--no-checkout", "--", str(plan.repository_root), str(root))
    # Large files stay pointers: the template never renders them, and fetching them could need the network.
    git("checkout", "--quiet", "--detach", plan.head, cwd=root, env={"GIT_LFS_SKIP_SMUDGE": "1"})
    relative = plan.project.relative_to(plan.repository_root)
    project = root / relative
    # Copier reads the template from _src_path: point it at the local repository for this run.
    record_template(project / ANSWERS_FILE, src_path=str(plan.template.path))
    commit_all(root, "scalefold: read the template from a local repository", [(relative / ANSWERS_FILE).as_posix()])
    pathspec = relative.as_posix() if relative.parts else "."
    return _Scratch(root, project, pathspec, workdir / "result.index")


def _copier_update(project: Path, plan: UpdatePlan) -> None:
    from copier import run_update as copier_run_update  # imported late: it is the slowest import of the tool
    from copier.errors import CopierError, TaskError, UnsafeTemplateError
    from plumbum import ProcessExecutionError  # what Copier raises when a git command it runs fails

    try:
        with warnings.catch_warnings():
            # Copier warns about its own internals (dirty local templates, deprecations); not the user's concern.
            warnings.simplefilter("ignore")
            copier_run_update(
                dst_path=project,
                vcs_ref=plan.target,
                defaults=True,  # new questions take their defaults; answered ones keep their answers
                overwrite=True,
                conflict="inline",
                quiet=True,
                unsafe=plan.trusted,
            )
    except UnsafeTemplateError:
        raise UsageError(
            f"template version {plan.target} runs migrations, which Copier runs only for trusted sources, and "
            f"{plan.source} is not the configured one; pass --trust, or trust it in Copier's settings "
            "(see docs/upgrading.md); nothing was changed"
        ) from None
    except TaskError as exc:
        raise StepFailed(f"a migration of template version {plan.target} failed ({exc}); nothing was changed") from None
    except CopierError as exc:
        raise StepFailed(f"Copier could not update the project: {exc}; nothing was changed") from None
    except ProcessExecutionError as exc:
        raise StepFailed(
            f"git failed while Copier read template version {plan.target} from {plan.source} "
            f"({command_output_reason(exc)}); "
            "check the source with git fsck, or pass --template-source with a clone that works; nothing was changed"
        ) from None


def _stage_result(scratch: _Scratch, base: str) -> None:
    """Record the scratch work tree in a separate index, leaving Copier's own index (and its conflicts) alone."""
    env = {"GIT_INDEX_FILE": str(scratch.index)}
    git("read-tree", base, cwd=scratch.root, env=env)
    git("add", "--all", "--", scratch.pathspec, cwd=scratch.root, env=env)


def _changes(scratch: _Scratch, base: str) -> list[FileChange]:
    env = {"GIT_INDEX_FILE": str(scratch.index)}
    out = git("diff", "--cached", "--name-status", "-z", "-M", base, "--", scratch.pathspec, cwd=scratch.root, env=env)
    fields = out.stdout.decode("utf-8", "surrogateescape").split("\0")
    prefix = "" if scratch.pathspec == "." else f"{scratch.pathspec}/"
    changes: list[FileChange] = []
    position = 0
    while position < len(fields) and fields[position]:
        status = fields[position]
        kind = _KINDS.get(status[0], ChangeKind.MODIFIED)
        if kind is ChangeKind.RENAMED:
            previous, path = fields[position + 1], fields[position + 2]
            changes.append(FileChange(kind, path.removeprefix(prefix), previous.removeprefix(prefix)))
            position += 3
        else:
            changes.append(FileChange(kind, fields[position + 1].removeprefix(prefix)))
            position += 2
    return sorted(changes, key=lambda change: change.path)


def _write_back(scratch: _Scratch, plan: UpdatePlan) -> None:
    env = {"GIT_INDEX_FILE": str(scratch.index)}
    patch = git("diff", "--cached", "--binary", "--no-renames", plan.head, "--", scratch.pathspec, cwd=scratch.root, env=env)
    # Without --index: the changes stay unstaged for review, as copier update leaves them.
    applied = git("apply", "--binary", "--whitespace=nowarn", "-", cwd=plan.repository_root, input=patch.stdout, check=False)
    if applied.returncode != 0:
        raise StepFailed(f"could not write the update into {plan.project}: {last_line(applied)}; nothing was changed")
    _mark_unmerged(scratch, plan.repository_root)


def _mark_unmerged(scratch: _Scratch, repository_root: Path) -> None:
    """Copy Copier's conflict stages (base, yours, template's) into the project's index."""
    listing = git("ls-files", "--unmerged", "-z", "--", scratch.pathspec, cwd=scratch.root).stdout
    entries = [entry for entry in listing.split(b"\0") if entry]
    if not entries:
        return
    lines: list[bytes] = []
    cleared: set[bytes] = set()
    for entry in entries:
        meta, path = entry.split(b"\t", 1)
        _mode, sha, _stage = meta.split()
        blob = git("cat-file", "blob", sha.decode(), cwd=scratch.root).stdout
        git("hash-object", "-w", "--stdin", cwd=repository_root, input=blob)
        if path not in cleared:
            lines.append(b"0 " + b"0" * 40 + b"\t" + path)  # mode 0 removes the merged (stage 0) entry
            cleared.add(path)
        lines.append(entry)
    git("update-index", "--index-info", cwd=repository_root, input=b"\n".join(lines) + b"\n")
