"""One version: the package's, which is the template's tag and the release the generated pipeline installs."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from copier import run_copy

from scalefold import __version__
from scalefold.build import Build, current_build, describe_checkout
from tests.update.helpers import commit_all, git, tag, write


def check_step(project: Path) -> tuple[list[str], str]:
    """The comment lines above the step that runs `scalefold check`, and the step's command."""
    lines = (project / ".github" / "workflows" / "ci.yml").read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == "- name: Audit the repository")
    comments = []
    for line in reversed(lines[:at]):
        if not line.strip().startswith("#"):
            break
        comments.insert(0, line.strip().lstrip("# "))
    return comments, lines[at + 1].strip().removeprefix("run: ")


def rendered(template: str | Path, dest: Path, vcs_ref: str | None = None, **data: Any) -> Path:
    run_copy(str(template), dest, data={"project_name": "svc", **data}, vcs_ref=vcs_ref, defaults=True,
             quiet=True, unsafe=True)
    return dest


def test_copier_yml_writes_no_version(repo_root: Path) -> None:
    questions = yaml.safe_load((repo_root / "copier.yml").read_text())
    for name in ("scalefold_version", "scalefold_build"):
        assert questions[name]["when"] is False
        assert not re.search(r"\d+\.\d+\.\d+", str(questions[name]["default"])), f"{name} writes a version"
    assert __version__ not in (repo_root / "copier.yml").read_text()


@pytest.mark.smoke
def test_a_release_pins_itself(template_dir: Path, tmp_path: Path) -> None:
    comments, command = check_step(
        rendered(template_dir, tmp_path / "svc", scalefold_version="2.3.4", scalefold_build="")
    )
    assert (
        command
        == 'pipx run --spec "scalefold==2.3.4" scalefold check . --format sarif --output scalefold.sarif'
    )
    assert " ".join(comments[1:]).startswith(
        "scalefold 2.3.4 rendered this project: the check runs that same release"
    )


def test_a_development_build_says_so_and_what_it_installs(template_dir: Path, tmp_path: Path) -> None:
    build = "v2.3.4-5-g1a2b3c4, with uncommitted changes"
    comments, command = check_step(
        rendered(template_dir, tmp_path / "svc", scalefold_version="2.3.4", scalefold_build=build)
    )
    assert command.startswith('pipx run --spec "scalefold==2.3.4" scalefold check')
    said = " ".join(comments)
    assert f"A development build of scalefold rendered this project: version 2.3.4 at {build}." in said
    assert "No published package holds that build, so the check runs release 2.3.4" in said


def test_an_unknown_version_is_said_and_not_pretended(template_dir: Path, tmp_path: Path) -> None:
    comments, command = check_step(rendered(template_dir, tmp_path / "svc"))  # plain Copier, plain folder
    assert command.startswith('pipx run --spec "scalefold" scalefold check')
    said = " ".join(comments)
    assert "The scalefold release that rendered this project is unknown" in said
    assert "the check runs the latest release: pin one (scalefold==X.Y.Z)" in said


@pytest.fixture(scope="module")
def tagged_template(tmp_path_factory: pytest.TempPathFactory, template_dir: Path) -> Path:
    """The template in a git repository of its own, tagged v7.8.9, with one commit after the tag."""
    repo = tmp_path_factory.mktemp("tagged") / "template-source"
    subprocess.run(["cp", "-a", f"{template_dir}/.", str(repo)], check=True)
    git(repo, "init", "--quiet", "--initial-branch=main")
    commit_all(repo, "template 7.8.9")
    tag(repo, "v7.8.9")
    write(repo, {"template/NOTES.md": "After the release.\n"})
    commit_all(repo, "after the release")
    return repo


def test_plain_copier_at_a_release_tag_pins_that_release(tagged_template: Path, tmp_path: Path) -> None:
    comments, command = check_step(rendered(tagged_template, tmp_path / "svc", vcs_ref="v7.8.9"))
    assert command.startswith('pipx run --spec "scalefold==7.8.9" scalefold check')
    assert " ".join(comments).endswith("(`scalefold update` moves the template and this version on together).")


def test_plain_copier_after_a_tag_is_a_development_build(tagged_template: Path, tmp_path: Path) -> None:
    comments, command = check_step(rendered(tagged_template, tmp_path / "svc", vcs_ref="HEAD"))
    assert command.startswith('pipx run --spec "scalefold==7.8.9" scalefold check')
    assert re.search(r"version 7\.8\.9 at v7\.8\.9-1-g[0-9a-f]+\.", " ".join(comments)), comments


# --- which build is running -------------------------------------------------------------------------


@pytest.fixture()
def checkout(tmp_path: Path) -> Path:
    """A source checkout with the package's layout, tagged v1.2.3."""
    repo = tmp_path / "scalefold"
    write(
        repo,
        {"cli/scalefold/__init__.py": '__version__ = "1.2.3"\n', "copier.yml": "{}\n", "README.md": "x\n"},
    )
    git(repo, "init", "--quiet", "--initial-branch=main")
    commit_all(repo, "release 1.2.3")
    tag(repo, "v1.2.3")
    return repo


def test_a_checkout_at_its_release_tag_is_the_release(checkout: Path) -> None:
    assert describe_checkout(checkout, "1.2.3") == Build("1.2.3")
    write(checkout, {"README.md": "edited\n"})  # outside the package: still the same scalefold
    assert describe_checkout(checkout, "1.2.3").is_release


def test_uncommitted_changes_to_the_package_make_a_development_build(checkout: Path) -> None:
    write(checkout, {"copier.yml": "{project_name: {}}\n"})
    assert describe_checkout(checkout, "1.2.3") == Build("1.2.3", "v1.2.3, with uncommitted changes")


def test_a_commit_after_the_tag_is_a_development_build(checkout: Path) -> None:
    write(checkout, {"cli/scalefold/new.py": "\n"})
    commit_all(checkout, "after the release")
    build = describe_checkout(checkout, "1.2.3")
    assert build.development is not None and re.fullmatch(r"v1\.2\.3-1-g[0-9a-f]+", build.development)
    assert str(build) == f"1.2.3 (development build {build.development})"


def test_version_names_the_build(repo_root: Path) -> None:
    from tests.cli.test_new import run_cli

    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"scalefold {current_build()}"
    assert result.stdout.startswith(f"scalefold {__version__}")
