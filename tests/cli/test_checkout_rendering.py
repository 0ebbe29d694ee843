"""Rendering from a source checkout: the template files git tracks, with their uncommitted edits, and
nothing else the work tree holds (a project generated inside it, an untracked folder)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.update.helpers import GIT_ENV, clone_this_repository, commit_all, git, write

pytestmark = pytest.mark.smoke


def editable_scalefold(checkout: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """scalefold imported from ``checkout``'s own sources, as an editable install of that checkout runs it."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(Path.home()),
        "COLUMNS": "200",
        "PYTHONPATH": str(checkout / "cli"),
        **GIT_ENV,
    }
    return subprocess.run(
        [sys.executable, "-m", "scalefold", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        input="",
        timeout=300,
    )


def tree(project: Path) -> dict[str, str]:
    return {
        path.relative_to(project).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(project.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clone of this repository, its work tree's changes committed: a fresh checkout."""
    return clone_this_repository(tmp_path_factory.mktemp("clone") / "scalefold")


def test_the_checkouts_own_sources_are_the_ones_running(checkout: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import scalefold; print(scalefold.__file__)"],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(checkout / "cli")},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == str(checkout / "cli" / "scalefold" / "__init__.py")


def new_project(checkout: Path, folder: Path) -> dict[str, str]:
    result = editable_scalefold(
        checkout,
        "new",
        str(folder),
        "--data",
        "project_name=svc",
        "--defaults",
        "--no-install",
        "--no-git",
        cwd=folder.parent,
    )
    assert result.returncode == 0, result.stderr
    return tree(folder)


def test_untracked_folders_and_nested_repositories_do_not_change_what_renders(
    checkout: Path, tmp_path: Path
) -> None:
    editorconfig = checkout / "template" / ".editorconfig"
    edited = editorconfig.read_text() + "# an uncommitted edit\n"
    editorconfig.write_text(edited)
    try:
        before = new_project(checkout, tmp_path / "before")
        # What a checkout in use holds: a project generated inside it (a repository of its own, as the
        # README's first command made before it generated beside the clone), scratch folders, a template
        # file not yet added, and a repository nested in the template folder.
        nested = checkout / "my-service"
        write(nested, {"package.json": "{}\n"})
        git(nested, "init", "--quiet", "--initial-branch=main")
        commit_all(nested, "generated")
        write(
            checkout,
            {
                "scratch/notes.txt": "mine\n",
                "template/untracked.txt": "not added\n",
                "template/vendor/lib/README.md": "nested\n",
            },
        )
        git(checkout / "template" / "vendor" / "lib", "init", "--quiet")
        commit_all(checkout / "template" / "vendor" / "lib", "vendored")
        after = editable_scalefold(
            checkout,
            "new",
            "after",
            "--data",
            "project_name=svc",
            "--defaults",
            "--no-install",
            "--no-git",
            cwd=tmp_path,
        )
    finally:
        git(checkout, "checkout", "--", "template/.editorconfig")
        git(checkout, "clean", "-ffdq")  # the nested repositories too
    assert after.returncode == 0, after.stderr
    assert tree(tmp_path / "after") == before
    assert (tmp_path / "after" / ".editorconfig").read_text() == edited  # the uncommitted edit renders
    assert "note: not rendered, because git does not track them" in after.stderr
    assert "template/untracked.txt" in after.stderr


def test_a_template_copier_cannot_render_is_one_line_saying_where(checkout: Path, tmp_path: Path) -> None:
    broken = checkout / "template" / "README.md.jinja"
    original = broken.read_text()
    broken.write_text(original + "{{ unclosed\n")
    try:
        result = editable_scalefold(
            checkout, "new", "svc", "--defaults", "--no-install", "--no-git", cwd=tmp_path
        )
    finally:
        broken.write_text(original)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        f"error: Copier could not render the template of the source checkout {checkout}: template/README.md.jinja, line "
    )
    assert lines[0].endswith("; fix the file it names there")
    assert "TemplateSyntaxError" not in lines[0] and "Traceback" not in result.stderr
    assert not (tmp_path / "svc").exists()


def test_a_git_failure_inside_copier_is_one_line_saying_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import copier
    from plumbum import ProcessExecutionError

    from scalefold.errors import StepFailed
    from scalefold.project import run_copier

    def failing(*_args: object, **_kwargs: object) -> None:
        raise ProcessExecutionError(
            ["git", "submodule", "update", "--init"], 128, "",
            "warning: adding embedded git repository\nfatal: No url found for submodule path 'my-service' in .gitmodules\n",
        )

    monkeypatch.setattr(copier, "run_copy", failing)
    with pytest.raises(StepFailed) as failed:
        run_copier(tmp_path, tmp_path / "svc", {}, overwrite=False, what="the template", fix="reinstall scalefold")
    assert str(failed.value) == (
        "Copier could not render the template: fatal: No url found for submodule path 'my-service' in .gitmodules; "
        "reinstall scalefold"
    )
    assert failed.value.exit_code == 1
