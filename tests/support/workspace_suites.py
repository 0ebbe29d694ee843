"""The generated workspaces' own checks on the embedded defaults (no DATABASE_URL, REDIS_URL or BROKER_URL),
shared by the extracted and microservices end-to-end tests.

The default broker's project runs every workspace's whole suite. The other broker's project differs from it
in a handful of files (its broker adapter, their tests, manifests and documents), so it runs, besides the
formatting, lint and type checks of the whole project, the tests of every file that differs and every test
that imports one (`vitest related`): the rest of its suite is the default broker's, test for test.
"""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import pytest

from tests.support.built import DEFAULT_BROKER, built_project
from tests.support.project import npm, run

#: What a build, an install or a test run adds to a rendered project: not part of the render.
NOT_RENDERED = {"node_modules", "dist", "package-lock.json", ".tsbuildinfo", "coverage"}


def without_service_urls(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k not in {"DATABASE_URL", "REDIS_URL", "BROKER_URL"}}


def formatted_linted_and_typechecked(project: Path, env: dict[str, str]) -> None:
    npm("format:check", project, env)
    npm("lint", project, env)
    npm("typecheck", project, env)


def whole_suites(project: Path, workspaces: list[str], env: dict[str, str]) -> None:
    result = npm("test", project, env, timeout=1500)
    # The root script ran every workspace's suite (Vitest names the folder of each run).
    for workspace in workspaces:
        assert str(project / workspace) in result.stdout, workspace


def differing_files(project: Path, reference: Path) -> list[Path]:
    """The files of `project`'s render that `reference`'s lacks or holds with other contents."""
    found: list[Path] = []

    def walk(folder: Path) -> None:
        for entry in sorted(folder.iterdir()):
            if entry.name in NOT_RENDERED or entry.name.startswith("vitest-") or entry.suffix == ".tsbuildinfo":
                continue
            if entry.is_dir() and not entry.is_symlink():
                walk(entry)
                continue
            twin = reference / entry.relative_to(project)
            if not twin.is_file() or not filecmp.cmp(entry, twin, shallow=False):
                found.append(entry)

    walk(project)
    return found


def related_suites(project: Path, reference: Path, workspaces: list[str], env: dict[str, str]) -> list[str]:
    """Runs, in each workspace, the tests related to the TypeScript files where `project` differs from
    `reference`; returns the test files that ran (relative to the project). Each differing test file must
    have run, and passed."""
    changed = [path for path in differing_files(project, reference) if path.suffix == ".ts"]
    assert changed, f"{project} renders the same TypeScript as {reference}"
    ran: list[str] = []
    for workspace in workspaces:
        folder = project / workspace
        report = folder / "vitest-related.json"
        run(["npx", "vitest", "related", "--run", "--passWithNoTests", "--reporter=default", "--reporter=json",
             f"--outputFile.json={report}", *map(str, changed)], folder, env, timeout=1500)
        results = json.loads(report.read_text())
        assert results["success"] is True, workspace
        ran += [Path(file["name"]).relative_to(project).as_posix() for file in results["testResults"]]
    differing_tests = [path.relative_to(project).as_posix() for path in changed
                       if path.name.endswith(".test.ts") and any(path.is_relative_to(project / w) for w in workspaces)]
    assert set(differing_tests) <= set(ran), f"differing test files that did not run: {set(differing_tests) - set(ran)}"
    return ran


def checked_on_embedded_defaults(project: Path, preset: str, broker: str, workspaces: list[str],
                                 node_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> None:
    """Format check, lint and typecheck of the whole project, then every test of `workspaces` for the
    default broker, and for another broker the tests its own files change (the rest are the default's)."""
    env = without_service_urls(node_env)
    formatted_linted_and_typechecked(project, env)
    if broker == DEFAULT_BROKER:
        whole_suites(project, workspaces, env)
        return
    reference = built_project(tmp_path_factory, node_env, preset)
    ran = related_suites(project, reference, workspaces, env)
    assert f"services/notifications/test/unit/{broker}-topology.test.ts" in ran, ran
