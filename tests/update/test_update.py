"""`scalefold update` on the small template: user work survives, template changes arrive, conflicts
are reported, renames carry edits, `--pretend` writes nothing, and bad input changes nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from scalefold.upgrade.answers import record_template
from tests.update.helpers import commit_all, generate, git, run_scalefold, small_template, write


def answers_of(project: Path) -> dict:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def snapshot(project: Path) -> tuple[str, str, dict[str, bytes]]:
    """HEAD, `git status`, and every file's bytes: equal snapshots mean nothing was changed."""
    files = {
        str(path.relative_to(project)): path.read_bytes()
        for path in sorted(project.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(project).parts
    }
    return git(project, "rev-parse", "HEAD"), git(project, "status", "--porcelain", "--untracked-files=all"), files


def user_edits(project: Path) -> None:
    """Months of work: a new route, a line the template also changes, a deleted optional file,
    an edit to the file the next version renames."""
    write(project, {"src/ping.ts": "export const ping = () => 'pong';\n"})
    routes = project / "src" / "routes.ts"
    routes.write_text(routes.read_text() + "export const teamRoutes = ['/ping'];\n")
    config = project / "config.txt"
    config.write_text(config.read_text().replace("timeout = 30", "timeout = 45"))
    (project / "optional.txt").unlink()
    (project / ".nvmrc").write_text("24.1\n")
    commit_all(project, "team work")


@pytest.fixture
def project(tmp_path: Path, small_source: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project generated at v0.1.0 from the configured source, with the team's work committed."""
    monkeypatch.setenv("SCALEFOLD_TEMPLATE_SOURCE", str(small_source))
    project = generate(small_source, tmp_path / "shop")
    user_edits(project)
    return project


def test_update_keeps_user_work_and_brings_the_template_changes(project: Path, small_source: Path) -> None:
    result = run_scalefold("update", str(project), "--to", "v0.2.0", cwd=project.parent)

    assert result.returncode == 1, result.stderr  # applied, with a conflict to resolve
    # The team's work is still there.
    assert (project / "src" / "ping.ts").read_text() == "export const ping = () => 'pong';\n"
    assert "export const teamRoutes = ['/ping'];" in (project / "src" / "routes.ts").read_text()
    assert not (project / "optional.txt").exists()  # deleted by the team, changed by the template: stays deleted
    # The template's changes arrived: a new file, a changed file (outside the conflict), a renamed file.
    assert (project / "docs" / "runbook.md").read_text() == "# Runbook\n"
    config = (project / "config.txt").read_text()
    assert "secure = true\n" in config
    assert not (project / ".nvmrc").exists()
    assert (project / ".node-version").read_text() == "24.1\n"  # the rename carried the team's edit
    # The same line changed on both sides: inline markers, reported with what to do.
    assert "<<<<<<< before updating\ntimeout = 45\n=======\ntimeout = 60\n>>>>>>> after updating\n" in config
    assert "config.txt: keep your lines" in result.stdout
    assert "1 file(s) conflict" in result.stdout
    # git knows the file is unmerged, as after `copier update`, so `git commit -a` refuses it.
    assert git(project, "ls-files", "--unmerged", "--", "config.txt").count("config.txt") == 3
    # The changelog between the two versions was shown; the answers record the new version.
    assert "Longer default timeout." in result.stdout
    assert "First release" not in result.stdout
    assert answers_of(project)["_commit"] == "v0.2.0"
    assert answers_of(project)["_src_path"] == str(small_source)
    # Nothing is committed for the user: the changes wait for review.
    assert git(project, "log", "--format=%s", "-1").strip() == "team work"


def test_pretend_shows_the_changes_and_conflicts_without_writing(project: Path) -> None:
    before = snapshot(project)
    result = run_scalefold("update", str(project), "--to", "0.2.0", "--pretend", cwd=project.parent)

    assert result.returncode == 1, result.stderr  # the exit code of the update it rehearses: a conflict
    assert snapshot(project) == before
    assert "nothing was written" in result.stdout
    assert "docs/runbook.md" in result.stdout
    assert ".nvmrc → .node-version" in result.stdout
    assert "1 file(s) would conflict" in result.stdout
    assert "config.txt: keep your lines" in result.stdout


def test_an_unedited_renamed_file_simply_moves(tmp_path: Path, small_source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCALEFOLD_TEMPLATE_SOURCE", str(small_source))
    project = generate(small_source, tmp_path / "plain")

    result = run_scalefold("update", str(project), "--to", "v0.2.0", cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert not (project / ".nvmrc").exists()
    assert (project / ".node-version").read_text() == "24\n"
    assert "conflict" not in result.stdout


def test_a_file_the_team_deleted_stays_deleted_when_the_template_renames_it(
    tmp_path: Path, small_source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCALEFOLD_TEMPLATE_SOURCE", str(small_source))
    project = generate(small_source, tmp_path / "no-nvmrc")
    (project / ".nvmrc").unlink()
    commit_all(project, "we pin node elsewhere")

    result = run_scalefold("update", str(project), "--to", "v0.2.0", cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert not (project / ".nvmrc").exists()
    assert not (project / ".node-version").exists()


def test_a_renamed_file_changed_on_both_sides_gets_markers_and_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = small_template(tmp_path / "renaming", renamed_content="26\n")
    monkeypatch.setenv("SCALEFOLD_TEMPLATE_SOURCE", str(source))
    project = generate(source, tmp_path / "both")
    (project / ".nvmrc").write_text("24.1\n")
    commit_all(project, "pin a minor")

    result = run_scalefold("update", str(project), "--to", "v0.2.0", cwd=tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    moved = (project / ".node-version").read_text()
    assert moved == "<<<<<<< before updating\n24.1\n=======\n26\n>>>>>>> after updating\n"
    assert ".node-version: keep your lines" in result.stdout


def test_a_project_already_at_the_version_is_left_alone(project: Path) -> None:
    before = snapshot(project)
    result = run_scalefold("update", str(project), "--to", "v0.1.0", cwd=project.parent)
    assert result.returncode == 0, result.stderr
    assert "already at template version v0.1.0" in result.stdout
    assert snapshot(project) == before


def test_the_default_target_is_this_scalefolds_version(project: Path) -> None:
    # scalefold 0.1.0 carries template v0.1.0, the version the project is at.
    result = run_scalefold("update", str(project), cwd=project.parent)
    assert result.returncode == 0, result.stderr
    assert "already at template version v0.1.0" in result.stdout


def test_a_project_in_a_subfolder_of_a_repository_is_updated_in_place(
    tmp_path: Path, small_source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from copier import run_copy

    monkeypatch.setenv("SCALEFOLD_TEMPLATE_SOURCE", str(small_source))
    monorepo = tmp_path / "monorepo"
    write(monorepo, {"README.md": "# Platform\n"})
    run_copy(str(small_source), str(monorepo / "services" / "shop"), data={"project_name": "shop"},
             vcs_ref="v0.1.0", defaults=True, quiet=True)
    git(monorepo, "init", "--quiet", "--initial-branch=main")
    commit_all(monorepo, "platform")

    result = run_scalefold("update", "services/shop", "--to", "v0.2.0", cwd=monorepo)

    assert result.returncode == 0, result.stdout + result.stderr
    assert (monorepo / "services" / "shop" / "docs" / "runbook.md").is_file()
    assert not (monorepo / "docs").exists()
    assert (monorepo / "README.md").read_text() == "# Platform\n"
    assert "docs/runbook.md" in result.stdout and "services/shop/docs" not in result.stdout


# --- refusals: one line, exit code 2, nothing changed -------------------------------------------


def assert_refused(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_a_folder_that_is_not_a_generated_project_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "not-generated"
    write(folder, {"package.json": "{}\n"})
    git(folder, "init", "--quiet")
    commit_all(folder, "something else")
    before = snapshot(folder)

    result = run_scalefold("update", str(folder), cwd=tmp_path)

    assert_refused(result, "is not a project generated by scalefold (it has no .copier-answers.yml)")
    assert result.stdout == ""  # no progress frame left on a stdout that is not a terminal
    assert snapshot(folder) == before


def test_a_dirty_tree_is_refused(project: Path) -> None:
    (project / "src" / "routes.ts").write_text("// work in progress\n")
    write(project, {"notes.txt": "untracked\n"})
    before = snapshot(project)

    result = run_scalefold("update", str(project), "--to", "v0.2.0", cwd=project.parent)

    assert_refused(result, "has uncommitted changes (src/routes.ts and 1 more); commit or stash them first")
    assert snapshot(project) == before


def test_an_unknown_version_is_refused(project: Path) -> None:
    before = snapshot(project)
    result = run_scalefold("update", str(project), "--to", "9.9.9", cwd=project.parent)
    assert_refused(result, "unknown template version '9.9.9'")
    assert "has v0.1.0, v0.2.0" in result.stderr
    assert snapshot(project) == before


def test_a_missing_folder_and_a_project_outside_git_are_refused(tmp_path: Path, small_source: Path) -> None:
    assert_refused(run_scalefold("update", str(tmp_path / "nowhere"), cwd=tmp_path), "does not exist")
    from copier import run_copy

    loose = tmp_path / "loose"
    run_copy(str(small_source), str(loose), data={"project_name": "loose"}, vcs_ref="v0.1.0", defaults=True, quiet=True)
    assert_refused(run_scalefold("update", str(loose), cwd=tmp_path), "is not in a git repository")


def test_a_downgrade_is_refused(tmp_path: Path, small_source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCALEFOLD_TEMPLATE_SOURCE", str(small_source))
    project = generate(small_source, tmp_path / "newer", version="v0.2.0")
    result = run_scalefold("update", str(project), "--to", "v0.1.0", cwd=tmp_path)
    assert_refused(result, "newer than v0.1.0; downgrades are not supported")


# --- where the template comes from, and trusting its migrations ---------------------------------


def test_migrations_need_trust_when_the_source_is_not_the_configured_one(
    tmp_path: Path, small_source: Path
) -> None:
    project = generate(small_source, tmp_path / "elsewhere")  # no SCALEFOLD_TEMPLATE_SOURCE: configured is the default
    before = snapshot(project)

    refused = run_scalefold("update", str(project), "--to", "v0.2.0", cwd=tmp_path)
    assert_refused(refused, "runs migrations, which Copier runs only for trusted sources")
    assert snapshot(project) == before

    trusted = run_scalefold("update", str(project), "--to", "v0.2.0", "--trust", cwd=tmp_path)
    assert trusted.returncode == 0, trusted.stdout + trusted.stderr
    assert (project / ".node-version").is_file()


def test_copiers_trust_setting_is_honoured(tmp_path: Path, small_source: Path) -> None:
    project = generate(small_source, tmp_path / "trusted")
    write(tmp_path / "config" / "copier", {"settings.yml": f"trust:\n  - {small_source.parent}/\n"})

    result = run_scalefold("update", str(project), "--to", "v0.2.0", cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / ".node-version").is_file()


def test_template_source_switches_the_project_to_a_fork(
    tmp_path: Path, small_source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCALEFOLD_TEMPLATE_SOURCE", str(small_source))
    project = generate(small_source, tmp_path / "forked")
    fork = tmp_path / "fork"
    git(tmp_path, "clone", "--quiet", str(small_source), str(fork))

    result = run_scalefold("update", str(project), "--to", "v0.2.0", "--template-source", str(fork), cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "it will record" in result.stdout
    assert answers_of(project)["_src_path"] == str(fork)
    assert answers_of(project)["_commit"] == "v0.2.0"


def test_a_remote_source_is_mirrored_and_still_serves_when_unreachable(
    tmp_path: Path, small_source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = tmp_path / "remote" / "template.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(small_source), str(bare))
    url = bare.as_uri()
    monkeypatch.setenv("SCALEFOLD_TEMPLATE_SOURCE", url)
    project = generate(small_source, tmp_path / "remote-project")
    record_template(project / ".copier-answers.yml", src_path=url)
    commit_all(project, "record the remote source")

    online = run_scalefold("update", str(project), "--to", "v0.2.0", "--pretend", cwd=tmp_path)
    assert online.returncode == 0, online.stdout + online.stderr
    assert list((tmp_path / "cache" / "templates").glob("*.git")), "the remote should be mirrored in the cache"

    bare.rename(tmp_path / "remote" / "gone.git")  # the network is down
    offline = run_scalefold("update", str(project), "--to", "v0.2.0", cwd=tmp_path)
    assert offline.returncode == 0, offline.stdout + offline.stderr
    assert "its cached copy was used" in offline.stdout
    assert answers_of(project)["_src_path"] == url
    assert (project / ".node-version").is_file()


def test_an_unreachable_source_without_a_mirror_is_one_line(tmp_path: Path, small_source: Path) -> None:
    project = generate(small_source, tmp_path / "unreachable")
    record_template(project / ".copier-answers.yml", src_path=(tmp_path / "missing.git").as_uri())
    commit_all(project, "a source that is gone")
    result = run_scalefold("update", str(project), "--to", "v0.2.0", cwd=tmp_path)
    assert_refused(result, "cannot fetch the template from file://")


def test_plain_copier_update_works_once_the_source_is_trusted(tmp_path: Path, project: Path, small_source: Path) -> None:
    """The documented set-up: trust the source once in Copier's settings, then `copier update` as usual."""
    import sys

    write(tmp_path / "config" / "copier", {"settings.yml": f"trust:\n  - {small_source}\n"})
    result = subprocess.run([sys.executable, "-m", "copier", "update", "--defaults"], cwd=project,
                            capture_output=True, text=True, input="")

    assert result.returncode == 0, result.stderr
    assert answers_of(project)["_commit"] == "v0.2.0"
    assert (project / ".node-version").read_text() == "24.1\n"
    assert not (project / "optional.txt").exists()
    assert "<<<<<<< before updating" in (project / "config.txt").read_text()
