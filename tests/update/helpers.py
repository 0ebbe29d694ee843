"""Building template sources and generated projects for the update tests.

Two kinds of template source:

* :func:`small_template` — a tiny Copier template with scalefold's layout (``copier.yml`` at the root,
  ``template/``, ``docs/CHANGELOG.md``, the rename helper at its repository path), tagged v0.1.0 and
  v0.2.0: fast, for the behaviour of the update itself;
* :func:`clone_this_repository` — a clone of the repository the tests run from (its work tree
  included, so uncommitted edits are tested too), for the end-to-end test on the real template.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.progress import doing

REPO_ROOT = Path(__file__).resolve().parents[2]
CARRY_RENAME = "cli/scalefold/upgrade/carry_rename.py"

#: A git identity for commits in test repositories (CI machines may have none configured).
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@localhost",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@localhost",
}


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args],
        cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT_ENV},
    )
    if result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed in {cwd}:\n{result.stderr}")
    return result.stdout


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--allow-empty", "-m", message)


def write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def tag(repo: Path, name: str) -> None:
    git(repo, "tag", "--annotate", name, "-m", f"template {name}")


def rename_migration(version: str, old: str, new: str) -> str:
    """A ``_migrations`` entry that carries the project's edits from OLD to NEW (docs/upgrading.md)."""
    return (
        f"  - version: {version}\n"
        "    command:\n"
        '      - "{{ _copier_python }}"\n'
        f'      - "{{{{ _copier_conf.src_path }}}}/{CARRY_RENAME}"\n'
        '      - "{{ _copier_conf.src_path }}"\n'
        f"      - {old}\n"
        f"      - {new}\n"
    )


def set_migrations(copier_yml: Path, entries: str) -> None:
    """Replace the ``_migrations`` setting of a copier.yml (or add it) with ``entries``."""
    text = copier_yml.read_text(encoding="utf-8")
    block = f"_migrations:\n{entries}"
    pattern = re.compile(r"^_migrations:.*?(?=^\S|\Z)", re.MULTILINE | re.DOTALL)
    text, found = pattern.subn(lambda _match: block, text, count=1)
    if not found:
        text = f"{text.rstrip()}\n{block}"
    copier_yml.write_text(text, encoding="utf-8")


def prepend_changelog(repo: Path, version: str, notes: str) -> None:
    path = repo / "docs" / "CHANGELOG.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Changelog\n"
    head, _, rest = text.partition("\n## ")
    entry = f"## {version}\n\n{notes.strip()}\n"
    path.write_text(f"{head.rstrip()}\n\n{entry}" + (f"\n## {rest}" if rest else ""), encoding="utf-8")


SMALL_V1 = {
    "copier.yml": (
        "_subdirectory: template\n"
        "_templates_suffix: .jinja\n"
        "_answers_file: .copier-answers.yml\n"
        "_migrations: []\n"
        "\n"
        "project_name:\n"
        "  type: str\n"
        "  default: demo\n"
    ),
    "template/{{_copier_conf.answers_file}}.jinja": "{{ _copier_answers|to_nice_yaml -}}\n",
    "template/README.md.jinja": "# {{ project_name }}\n\nA service.\n",
    "template/config.txt": "timeout = 30\nretries = 3\nmode = safe\ncolour = blue\nsize = 10\nlevel = info\n",
    "template/src/routes.ts": "export const routes = ['/health'];\n",
    "template/optional.txt": "An optional file.\n",
    "template/.nvmrc": "24\n",
    "docs/CHANGELOG.md": "# Changelog\n\n## 0.1.0\n\nFirst release of the small template.\n",
}


def small_template(root: Path, *, renamed_content: str | None = None) -> Path:
    """A template source tagged v0.1.0 and v0.2.0 (v0.2.0: a new, a changed and a renamed file).

    ``renamed_content``: what v0.2.0 also writes into the renamed file (default: it only moves).
    """
    repo = root / "template-source"
    repo.mkdir(parents=True)
    git(repo, "init", "--quiet", "--initial-branch=main")
    write(repo, SMALL_V1)
    helper = repo / CARRY_RENAME
    helper.parent.mkdir(parents=True)
    shutil.copy2(REPO_ROOT / CARRY_RENAME, helper)
    commit_all(repo, "template 0.1.0")
    tag(repo, "v0.1.0")
    write(repo, {
        "template/config.txt": "timeout = 60\nretries = 3\nmode = safe\ncolour = blue\nsize = 10\nlevel = info\nsecure = true\n",
        "template/optional.txt": "An optional file, improved.\n",
        "template/docs/runbook.md": "# Runbook\n",
    })
    git(repo, "mv", "template/.nvmrc", "template/.node-version")
    if renamed_content is not None:
        write(repo, {"template/.node-version": renamed_content})
    set_migrations(repo / "copier.yml", rename_migration("v0.2.0", ".nvmrc", ".node-version"))
    prepend_changelog(repo, "0.2.0", "- Longer default timeout.\n- `.nvmrc` is now `.node-version`.")
    commit_all(repo, "template 0.2.0")
    tag(repo, "v0.2.0")
    return repo


def generate(template: Path, dest: Path, version: str = "v0.1.0", **answers: str) -> Path:
    """Render ``template`` at ``version`` into ``dest`` and make the project's first commit."""
    from copier import run_copy

    run_copy(str(template), str(dest), data={"project_name": "shop", **answers}, vcs_ref=version,
             defaults=True, quiet=True)
    git(dest, "init", "--quiet", "--initial-branch=main")
    commit_all(dest, "generated")
    return dest


def run_scalefold(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The CLI as a user runs it, stdin closed."""
    with doing(f"scalefold {' '.join(args[:3])} …"):
        return subprocess.run(
            [sys.executable, "-m", "scalefold", *args],
            cwd=cwd, capture_output=True, text=True, input="", timeout=timeout,
            env={**os.environ, "COLUMNS": "200", **GIT_ENV, **(env or {})},
        )


def clone_this_repository(dest: Path) -> Path:
    """A clone of the repository these tests run from, with its work tree's changes committed on top.

    CI runs on a clean clone, where the extra commit is empty; on a developer's machine it carries
    the uncommitted template edits, so the tests exercise what is on disk.
    """
    git(REPO_ROOT, "rev-parse", "--git-dir")  # fails clearly outside a git checkout
    git(dest.parent, "clone", "--quiet", "--no-hardlinks", str(REPO_ROOT), str(dest))
    listed = git(REPO_ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for relative in filter(None, listed):
        source, target = REPO_ROOT / relative, dest / relative
        if source.is_symlink() or source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_symlink() or target.exists():
                target.unlink()
            shutil.copy2(source, target, follow_symlinks=False)
        elif not source.exists() and (target.is_file() or target.is_symlink()):
            target.unlink()  # deleted in the work tree, not yet committed
    commit_all(dest, "work tree")
    return dest
