"""`scalefold new --vcs-ref`: a project started at an older template version, read from its git source,
then moved on by `scalefold update`, as a team reproduces a project generated months ago."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.update.helpers import commit_all, git, run_scalefold, tag, write

RUNBOOK = "docs/runbook.md"


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory, template_dir: Path) -> Path:
    """The real template in a repository of its own: v0.1.0, then v0.2.0 with a new file and a new question."""
    repo = tmp_path_factory.mktemp("versions") / "template-source"
    shutil.copytree(template_dir, repo, symlinks=True)
    git(repo, "init", "--quiet", "--initial-branch=main")
    commit_all(repo, "template 0.1.0")
    tag(repo, "v0.1.0")
    write(repo, {f"template/{RUNBOOK}": "# Runbook\n"})
    copier_yml = repo / "copier.yml"
    copier_yml.write_text(copier_yml.read_text() + "\nregion:\n  type: str\n  default: eu-west\n")
    commit_all(repo, "template 0.2.0")
    tag(repo, "v0.2.0")
    write(repo, {"template/docs/after.md": "# After the release\n"})
    commit_all(repo, "after 0.2.0")
    return repo


def new(tmp_path: Path, source: Path, *args: str) -> tuple[Path, dict, object]:
    project = tmp_path / "svc"
    result = run_scalefold("new", str(project), "--template-source", str(source), "--defaults", "--no-install",
                           *args, cwd=tmp_path, env={"SCALEFOLD_CACHE_DIR": str(tmp_path / "cache")})
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text()) if project.is_dir() else {}
    return project, answers, result


def pinned_release(project: Path) -> str:
    workflow = (project / ".github" / "workflows" / "ci.yml").read_text()
    return re.search(r'pipx run --spec "scalefold==([^"]+)"', workflow)[1]


def test_the_older_version_renders_as_it_was(tmp_path: Path, source: Path) -> None:
    project, answers, result = new(tmp_path, source, "--vcs-ref", "v0.1.0", "--no-git")
    assert result.returncode == 0, result.stderr
    assert (answers["_commit"], answers["_src_path"]) == ("v0.1.0", str(source))
    assert not (project / RUNBOOK).exists() and not (project / "docs" / "after.md").exists()
    assert "region" not in answers
    assert pinned_release(project) == "0.1.0"  # the release that version belongs to


def test_a_version_without_its_v_and_the_newer_version(tmp_path: Path, source: Path) -> None:
    project, answers, result = new(tmp_path, source, "--vcs-ref", "0.2.0", "--no-git")
    assert result.returncode == 0, result.stderr
    assert answers["_commit"] == "v0.2.0" and answers["region"] == "eu-west"
    assert (project / RUNBOOK).is_file() and not (project / "docs" / "after.md").exists()


def test_a_commit_between_releases_is_recorded_as_git_describes_it(tmp_path: Path, source: Path) -> None:
    commit = git(source, "rev-parse", "main").strip()
    project, answers, result = new(tmp_path, source, "--vcs-ref", commit[:12], "--no-git")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"v0\.2\.0-1-g[0-9a-f]+", answers["_commit"])
    assert (project / "docs" / "after.md").is_file()
    workflow = (project / ".github" / "workflows" / "ci.yml").read_text()
    assert 'pipx run --spec "scalefold" scalefold check' in workflow  # no release holds that commit


def test_answers_are_checked_against_that_versions_questions(tmp_path: Path, source: Path) -> None:
    project, _answers, result = new(tmp_path, source, "--vcs-ref", "v0.1.0", "--data", "region=us", "--no-git")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: unknown answer 'region'; the template's questions are: project_name, description, preset, "
        "broker, port, kubernetes, cluster_mode, process_manager, nginx, realtime, webhooks, event_sourcing, modules"
    ]
    assert not project.exists()


def test_an_unknown_version_is_one_line_listing_the_known_ones(tmp_path: Path, source: Path) -> None:
    project, _answers, result = new(tmp_path, source, "--vcs-ref", "v9.9.9", "--no-git")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: unknown template version 'v9.9.9': {source} has v0.1.0, v0.2.0"
    ]
    assert not project.exists()


def test_a_project_started_at_the_older_version_updates_to_the_newer(tmp_path: Path, source: Path) -> None:
    project, _answers, created = new(tmp_path, source, "--vcs-ref", "v0.1.0")
    assert created.returncode == 0, created.stderr
    result = run_scalefold("update", str(project), "--to", "v0.2.0", "--no-check", cwd=tmp_path,
                           env={"SCALEFOLD_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / RUNBOOK).is_file()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert (answers["_commit"], answers["region"]) == ("v0.2.0", "eu-west")
    assert pinned_release(project) == "0.2.0"  # the pipeline moves on with the template
