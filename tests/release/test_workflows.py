"""scalefold's own pipelines: CI on pushes and pull requests, a release on a version tag.

Both are linted by actionlint and audited by zizmor (offline, its default persona), and their shape
is checked: triggers, jobs, the least permissions each job needs, actions pinned by commit.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.delivery import tool

pytestmark = pytest.mark.smoke

WORKFLOWS = Path(__file__).resolve().parents[2] / ".github" / "workflows"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


def load(name: str) -> dict[str, Any]:
    # PyYAML reads the `on` key as True (YAML 1.1); take it back under its name.
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True)
    return data


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job.get("steps", [])


def runs(job: dict[str, Any]) -> list[str]:
    return [step["run"] for step in steps(job) if "run" in step]


def uses(job: dict[str, Any]) -> list[str]:
    return [step["uses"].split("@")[0] for step in steps(job) if "uses" in step]


def test_actionlint_finds_nothing() -> None:
    actionlint = tool("actionlint")
    if actionlint is None:
        pytest.fail("actionlint is needed: pip install -e '.[test]' installs it")
    result = subprocess.run([actionlint, *sorted(map(str, WORKFLOWS.glob("*.yml")))], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing() -> None:
    zizmor = tool("zizmor")
    if zizmor is None:
        pytest.fail("zizmor is needed: pip install -e '.[test]' installs it")
    result = subprocess.run([zizmor, "--offline", "--format", "json", str(WORKFLOWS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == []


def test_every_action_is_pinned_by_commit_with_its_version_beside_it() -> None:
    for workflow in sorted(WORKFLOWS.glob("*.yml")):
        lines = [line.strip() for line in workflow.read_text().splitlines() if "uses:" in line]
        assert lines, workflow.name
        for line in lines:
            assert PINNED.match(line.split("uses:", 1)[1].strip()), f"{workflow.name}: {line}"


def test_ci_runs_the_readmes_test_command_on_pushes_and_pull_requests(repo_root: Path) -> None:
    ci = load("ci.yml")
    assert ci["on"]["push"] == {"branches": ["main"]} and "pull_request" in ci["on"]
    assert ci["permissions"] == {"contents": "read"}
    assert set(ci["jobs"]) == {"test", "audit", "package"}
    assert all("permissions" not in job for job in ci["jobs"].values())  # read-only, as the workflow says
    readme = (repo_root / "README.md").read_text()
    test_command = re.findall(r"```bash\n(.*?)\n```", readme, re.DOTALL)[1].strip()
    assert test_command == "./scripts/test"
    assert runs(ci["jobs"]["test"])[-1] == test_command


def test_ci_gives_the_tests_their_services() -> None:
    test = load("ci.yml")["jobs"]["test"]
    images = {name: service["image"].split(":")[0] for name, service in test["services"].items()}
    assert images == {"postgres": "postgres", "redis": "redis", "rabbitmq": "rabbitmq"}
    assert all(service["ports"] for service in test["services"].values())
    assert all("--health-cmd" in service["options"] for service in test["services"].values())
    nats = next(run for run in runs(test) if "nats" in run)
    assert "--jetstream" in nats and "4222:4222" in nats
    assert {"actions/setup-python", "actions/setup-node"} <= set(uses(test))


def test_ci_audits_the_dependencies_and_builds_what_a_release_would() -> None:
    jobs = load("ci.yml")["jobs"]
    assert any("pip-audit" in run for run in runs(jobs["audit"]))
    assert runs(jobs["package"]) == ["scripts/release build"]


def test_a_version_tag_builds_publishes_and_releases_with_the_least_permissions() -> None:
    release = load("release.yml")
    assert release["on"] == {"push": {"tags": ["v*"]}}
    assert release["permissions"] == {}
    jobs = release["jobs"]
    assert set(jobs) == {"build", "publish", "github-release"}
    assert (jobs["publish"]["needs"], jobs["github-release"]["needs"]) == ("build", "publish")
    assert {name: job["permissions"] for name, job in jobs.items()} == {
        "build": {"contents": "read"},
        "publish": {"id-token": "write"},
        "github-release": {"contents": "write"},
    }


def test_the_build_refuses_a_tag_that_is_not_the_version_and_checks_what_it_built() -> None:
    build = load("release.yml")["jobs"]["build"]
    (step,) = [step for step in steps(build) if "run" in step]
    assert step["run"] == 'scripts/release build --tag "$TAG"'
    assert step["env"] == {"TAG": "${{ github.ref_name }}"}  # through the environment, never into the script
    uploaded = {step["with"]["name"]: step["with"]["path"] for step in steps(build) if "upload-artifact" in step.get("uses", "")}
    assert uploaded == {"distributions": "dist/", "release-notes": "build/release-notes.md"}


def test_pypi_publishing_is_trusted_publishing_in_its_own_environment() -> None:
    publish = load("release.yml")["jobs"]["publish"]
    assert publish["environment"] == {"name": "pypi", "url": "https://pypi.org/project/scalefold/"}
    assert uses(publish) == ["actions/download-artifact", "pypa/gh-action-pypi-publish"]
    assert "with" not in steps(publish)[-1]  # no password, no token: PyPI trusts this workflow


def test_the_github_release_carries_the_distributions_and_the_changelog_notes() -> None:
    github_release = load("release.yml")["jobs"]["github-release"]
    (command,) = runs(github_release)
    assert command.startswith('gh release create "$TAG" dist/* --verify-tag')
    assert "--notes-file notes/release-notes.md" in command
    downloaded = {step["with"]["name"] for step in steps(github_release) if "download-artifact" in step.get("uses", "")}
    assert downloaded == {"distributions", "release-notes"}
