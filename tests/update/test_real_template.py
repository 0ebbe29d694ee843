"""End to end on the real template: a project generated months ago, changed by its team, updated to
the template's next version by `scalefold update` and by plain `copier update`.

The template source is a clone of this repository with two tags: this scalefold's version, and a next
version that makes a real template change — a new file, changed files (one of them a file of the
modules `scalefold add module` adds), and a renamed file shipped with its Copier migration. The project
is generated at the first tag with `scalefold new` and grows a module with `scalefold add module`, then
the team adds a route to that module, changes a line the template also changes, deletes an optional file and
edits the file the next version renames.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from packaging.version import Version
from scalefold import __version__

from tests.support.project import run
from tests.update.helpers import (
    GIT_ENV,
    clone_this_repository,
    commit_all,
    git,
    prepend_changelog,
    rename_migration,
    run_scalefold,
    set_migrations,
    tag,
    write,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("update-real-template")]

FIRST = f"v{__version__}"
_release = Version(__version__).release
SECOND = f"v{_release[0]}.{_release[1] + 1}.0"

#: (old, new) renames a next version might plausibly make; the first whose old file exists is used.
RENAMES = [(".nvmrc", ".node-version"), (".prettierrc.json", ".prettierrc")]
#: Files the team may delete without breaking the service; the first one generated is deleted.
OPTIONAL_FILES = [".github/dependabot.yml", "docs/deployment.md", ".editorconfig"]
#: Plain (not rendered) files of several lines where both sides can change the same line.
SHARED_LINE_FILES = [".dockerignore", ".editorconfig", ".prettierignore"]
NEW_FILE = "docs/runbook.md"
#: The template folder whose files are rendered once per deployable (the monolith's is the project root).
DEPLOYABLE_FOLDER = "{% yield app from apps %}{{ app.dir }}{% endyield %}"
#: The module the project grows with `scalefold add module`, and its service's file in the template.
ADDED_MODULE = "inventory"
MODULE_SERVICE = f"{DEPLOYABLE_FOLDER}/src/modules/{{% yield module from app.modules | default([]) %}}{{{{ module }}}}{{% endyield %}}/items.service.ts"

TEAM_ROUTE = "  app.get('/team/ping', async () => ({ pong: true }));  // added by the team\n"
TEAM_LINE = "# changed by the team\n"
TEMPLATE_LINE = "# changed by the template\n"
TEMPLATE_APPENDED = "# appended by the template's next version\n"
TEMPLATE_COMMENT = "// Template {version}: a comment the next version adds.\n"


def first_plain(project: Path, template: Path, candidates: list[str]) -> str:
    """The first candidate generated in the project from a plain (not rendered) template file."""
    for candidate in candidates:
        if (project / candidate).is_file() and (template / candidate).is_file():
            return candidate
    pytest.fail(f"the template has none of {candidates} as a plain file: update this test's choice of files")


@dataclass(frozen=True)
class Scenario:
    source: Path
    project: Path
    renamed: tuple[str, str]
    renamed_team_text: str
    optional: str
    shared: str
    routes: str
    template_changed: str
    result: subprocess.CompletedProcess[str]
    copier_project: Path
    copier_result: subprocess.CompletedProcess[str]


def make_next_version(source: Path, renamed: tuple[str, str], optional: str, shared: str, changed: str) -> None:
    """The template's next version: a new file, changed files, a renamed file with its migration."""
    template = source / "template"
    write(template, {NEW_FILE: "# Runbook\n\nWhat to do when the service pages you.\n"})
    shared_file = template / shared
    lines = shared_file.read_text().splitlines(keepends=True)
    shared_file.write_text(TEMPLATE_LINE + "".join(lines[1:]) + TEMPLATE_APPENDED)
    for path in (changed, MODULE_SERVICE):
        (template / path).write_text((template / path).read_text() + TEMPLATE_COMMENT.format(version=SECOND))
    (template / optional).write_text((template / optional).read_text() + TEMPLATE_APPENDED)
    old, new = renamed
    git(source, "mv", f"template/{old}", f"template/{new}")
    for path in template.rglob("*"):  # references to the renamed file follow it
        if path.is_file() and old in (text := path.read_text(errors="ignore")):
            path.write_text(text.replace(old, new))
    set_migrations(source / "copier.yml", rename_migration(SECOND, old, new))
    prepend_changelog(source, SECOND[1:], f"- New `{NEW_FILE}`.\n- `{old}` is now `{new}`.")
    commit_all(source, f"template {SECOND}")
    tag(source, SECOND)


def team_edit_of(path: Path) -> str:
    """The team's version of the file the next version renames."""
    if path.name == ".nvmrc":
        return "24.11.1\n"  # pinned to a patch release
    settings = json.loads(path.read_text())
    return json.dumps({**settings, "printWidth": 100}, indent=2) + "\n"


def team_work(project: Path, renamed_old: str, optional: str, shared: str) -> str:
    """The team's changes; returns the module file that got the new route (in the module it added)."""
    route_file = project / "src" / "modules" / ADDED_MODULE / "items.routes.ts"
    text = route_file.read_text()
    opening = re.search(r"^export const \w+.*=> \{\n", text, re.MULTILINE)
    assert opening, f"no route plugin found in {route_file}"
    route_file.write_text(text[: opening.end()] + TEAM_ROUTE + text[opening.end() :])
    shared_file = project / shared
    shared_file.write_text(TEAM_LINE + "".join(shared_file.read_text().splitlines(keepends=True)[1:]))
    (project / optional).unlink()
    renamed_file = project / renamed_old
    renamed_file.write_text(team_edit_of(renamed_file))
    commit_all(project, "team work")
    return str(route_file.relative_to(project))


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    root = tmp_path_factory.mktemp("update-e2e")
    source = clone_this_repository(root / "scalefold")
    for existing in git(source, "tag", "--list").split():
        git(source, "tag", "--delete", existing)  # this test's two versions are the only ones
    tag(source, FIRST)

    env = {"SCALEFOLD_TEMPLATE_SOURCE": str(source), "SCALEFOLD_CACHE_DIR": str(root / "cache"),
           "XDG_CONFIG_HOME": str(root / "config"), **GIT_ENV}
    project = root / "shop-api"
    created = run_scalefold("new", str(project), "--preset", "monolith", "--defaults", "--no-install", cwd=root, env=env)
    assert created.returncode == 0, created.stdout + created.stderr
    added = run_scalefold("add", "module", ADDED_MODULE, "--path", str(project), cwd=root, env=env)
    assert added.returncode == 0, added.stdout + added.stderr

    renamed = next(((old, new) for old, new in RENAMES if (source / "template" / old).is_file()), None)
    if renamed is None:
        pytest.fail(f"the template has none of {[old for old, _ in RENAMES]}: update this test's rename")
    optional = first_plain(project, source / "template", OPTIONAL_FILES)
    shared = first_plain(project, source / "template", SHARED_LINE_FILES)
    # A plain source file every monolith has: under the deployables' folder, in no conditional folder.
    deployable = source / "template" / DEPLOYABLE_FOLDER
    generated = next(str(p.relative_to(deployable)) for p in sorted(deployable.glob("src/infrastructure/*/*.ts"))
                     if "{%" not in str(p.relative_to(deployable)))
    make_next_version(source, renamed, optional, shared, f"{DEPLOYABLE_FOLDER}/{generated}")
    routes = team_work(project, renamed[0], optional, shared)
    renamed_team_text = (project / renamed[0]).read_text()

    copier_project = root / "shop-api-copier"
    git(root, "clone", "--quiet", str(project), str(copier_project))

    result = run_scalefold("update", str(project), "--to", SECOND, cwd=root, env=env)
    # The documented set-up for plain Copier: trust the source once in Copier's settings.
    settings = root / "copier-settings.yml"
    settings.write_text(yaml.safe_dump({"trust": [str(source)]}))
    copier_result = subprocess.run(
        [sys.executable, "-m", "copier", "update", "--defaults"], check=False, cwd=copier_project,
        capture_output=True, text=True, input="", env={**os.environ, **env, "COPIER_SETTINGS_PATH": str(settings)},
    )
    return Scenario(source, project, renamed, renamed_team_text, optional, shared, routes, generated, result, copier_project, copier_result)


def assert_team_work_kept_and_template_changes_arrived(s: Scenario, project: Path) -> None:
    # The team's work is still there.
    assert TEAM_ROUTE in (project / s.routes).read_text()
    assert not (project / s.optional).exists(), "a file the team deleted came back"
    old, new = s.renamed
    assert not (project / old).exists()
    assert (project / new).read_text() == s.renamed_team_text, "the rename lost the team's edit"
    # The template's changes arrived.
    assert (project / NEW_FILE).is_file()
    assert (project / s.template_changed).read_text().endswith(TEMPLATE_COMMENT.format(version=SECOND))
    # The added module is still recorded and rendered: the template's change to it arrived too.
    service = project / "src" / "modules" / ADDED_MODULE / "items.service.ts"
    assert service.read_text().endswith(TEMPLATE_COMMENT.format(version=SECOND))
    shared = (project / s.shared).read_text()
    assert shared.endswith(TEMPLATE_APPENDED)
    # Both sides changed the same line: inline markers.
    assert f"<<<<<<< before updating\n{TEAM_LINE}=======\n{TEMPLATE_LINE}>>>>>>> after updating\n" in shared
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == SECOND
    assert answers["modules"] == [ADDED_MODULE]


def test_scalefold_update_keeps_the_teams_work(scenario: Scenario) -> None:
    result = scenario.result
    assert result.returncode == 1, result.stdout + result.stderr  # applied, with the conflict to resolve
    assert_team_work_kept_and_template_changes_arrived(scenario, scenario.project)
    assert f"{scenario.shared}: keep your lines" in result.stdout
    assert f"New {NEW_FILE}" in result.stdout  # the changelog entry of the next version
    assert git(scenario.project, "ls-files", "--unmerged", "--", scenario.shared).strip()
    assert yaml.safe_load((scenario.project / ".copier-answers.yml").read_text())["_src_path"] == str(scenario.source)


def test_plain_copier_update_gives_the_same_result(scenario: Scenario) -> None:
    result = scenario.copier_result
    assert result.returncode == 0, result.stdout + result.stderr
    assert_team_work_kept_and_template_changes_arrived(scenario, scenario.copier_project)


def test_the_updated_project_passes_npm_test(scenario: Scenario, node_env: dict[str, str]) -> None:
    project = scenario.project
    if not (project / "package.json").is_file():
        pytest.skip("the template has no package.json yet: nothing to install or test")
    run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], project, node_env)
    run(["npm", "test"], project, {k: v for k, v in node_env.items() if k != "DATABASE_URL"})
