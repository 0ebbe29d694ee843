"""`scalefold new`: rendering, refusals, and one-line errors with exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scalefold import __version__


def run_cli(*args: str, cwd: Path | None = None, stdin: str | None = "") -> subprocess.CompletedProcess[str]:
    """Run the installed CLI the way a user does (stdin closed, so never interactive)."""
    return subprocess.run(
        [sys.executable, "-m", "scalefold", *args],
        cwd=cwd, capture_output=True, text=True, input=stdin, timeout=120,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
    )


def answers_of(project: Path) -> dict:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


@pytest.mark.smoke
def test_renders_the_monolith_with_the_given_answers(tmp_path: Path) -> None:
    dest = tmp_path / "shop-api"
    result = run_cli("new", str(dest), "--preset", "monolith", "--data", "port=8080", "--no-install", "--no-git")
    assert result.returncode == 0, result.stderr
    answers = answers_of(dest)
    assert answers["project_name"] == "shop-api"  # derived from the folder name
    assert answers["port"] == 8080
    assert answers["preset"] == "monolith"
    assert "Created shop-api" in result.stdout
    assert not (dest / ".git").exists()


def test_destination_defaults_to_the_project_name(tmp_path: Path) -> None:
    result = run_cli("new", "--defaults", "--data", "project_name=billing", "--no-install", "--no-git", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert answers_of(tmp_path / "billing")["project_name"] == "billing"


def test_first_commit_records_every_rendered_file(tmp_path: Path) -> None:
    dest = tmp_path / "committed"
    result = run_cli("new", str(dest), "--defaults", "--no-install")
    assert result.returncode == 0, result.stderr
    tracked = subprocess.run(["git", "ls-files"], cwd=dest, capture_output=True, text=True, check=True).stdout.split()
    assert ".copier-answers.yml" in tracked
    status = subprocess.run(["git", "status", "--porcelain"], cwd=dest, capture_output=True, text=True, check=True)
    assert status.stdout == ""
    log = subprocess.run(["git", "log", "--format=%s"], cwd=dest, capture_output=True, text=True, check=True).stdout
    assert log.strip() == f"Initial commit from scalefold {__version__}"


def next_steps(stdout: str) -> list[str]:
    """The lines of the "next steps" panel, without its border."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if "next steps" in line)
    return [line.strip("│ ").rstrip() for line in lines[start + 1 :] if line.startswith("│")]


def test_renders_the_extracted_preset_and_its_next_steps(tmp_path: Path) -> None:
    dest = tmp_path / "shop"
    result = run_cli("new", str(dest), "--preset", "extracted", "--no-install", "--no-git")
    assert result.returncode == 0, result.stderr
    assert (answers_of(dest)["preset"], answers_of(dest)["broker"]) == ("extracted", "rabbitmq")
    for path in (
        "package.json",
        "apps/api/package.json",
        "services/notifications/package.json",
        "packages/contracts/package.json",
    ):
        assert (dest / path).is_file(), path
    steps = next_steps(result.stdout)
    assert steps[:2] == [f"cd {dest}", "npm install"]
    api = "npm run dev -w apps/api          # http://localhost:3000/docs — events wait in its outbox"
    assert api in steps
    # compose.yaml refuses to start without a JWT_SECRET
    assert steps.index('echo "JWT_SECRET=$(openssl rand -base64 48)" >> .env') < next(
        i for i, step in enumerate(steps) if step.startswith("docker compose up --build --wait")
    )


def test_renders_the_microservices_preset_and_its_next_steps(tmp_path: Path) -> None:
    dest = tmp_path / "shop"
    result = run_cli("new", str(dest), "--preset", "microservices", "--data", "port=4000", "--no-install")
    assert result.returncode == 0, result.stderr
    answers = answers_of(dest)
    assert (answers["preset"], answers["broker"], answers["port"]) == ("microservices", "rabbitmq", 4000)
    assert answers["kubernetes"] is True  # the preset brings the manifests: services deploy on their own
    for path in (
        "package.json",
        "packages/contracts/package.json",
        "services/gateway/package.json",
        "services/gateway/Dockerfile",
        "services/users/package.json",
        "services/users/migrations/0001_create_users.sql",
        "services/orders/src/projector.ts",
        "services/orders/migrations/0004_create_order_views.sql",
        "services/notifications/src/consumer.ts",
        "services/notifications/src/worker.ts",
        "compose.yaml",
        "observability/otel-collector.yaml",
        "observability/prometheus.yml",
        ".github/workflows/ci.yml",
        "docs/deployment.md",
        "deploy/k8s/base/gateway/ingress.yaml",
        "deploy/k8s/overlays/production/kustomization.yaml",
    ):
        assert (dest / path).is_file(), path
    for absent in ("apps", "src"):  # no API of the earlier phases
        assert not (dest / absent).exists(), absent
    git = subprocess.run(["git", "ls-files"], cwd=dest, capture_output=True, text=True, check=True)
    tracked = git.stdout.split()
    assert "services/gateway/package.json" in tracked and "observability/prometheus.yml" in tracked

    assert next_steps(result.stdout) == [
        f"cd {dest}",
        "npm install",
        "echo \"JWT_PRIVATE_KEY=$(openssl genpkey -algorithm ed25519 | awk 1 ORS='\\\\n')\" >> .env",
        "docker compose up --build --wait # the whole system, through the gateway: "
        "http://localhost:4000/docs",
        "npm test",
        "scalefold check      # audit the project, as its CI pipeline does",
        "",
        "Or each workspace from source, each in its own terminal:",
        "npm run dev -w services/gateway           # http://localhost:4000/docs, routes to users and orders",
        "npm run dev -w services/users             # http://localhost:4001",
        "npm run dev -w services/orders            # http://localhost:4002; events wait in its outbox",
        "npm run projector -w services/orders      # probes on :4003; needs BROKER_URL, orders' DATABASE_URL",
        "npm run dev -w services/notifications     # probes on :4004; needs BROKER_URL",
        "npm run worker -w services/notifications  # probes on :4005; needs REDIS_URL",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--preset", "nope"], "unknown preset 'nope'"),
        (["--defaults", "--data", "colour=blue"], "unknown answer 'colour'"),
        (["--defaults", "--data", "project_name=Bad_Name"], "invalid project_name 'Bad_Name'"),
        (["--defaults", "--data", "port=70000"], "invalid port 70000: must be between 1 and 65535"),
        (["--defaults", "--data", "port=http"], "port: expected a whole number"),
        (["--defaults", "--data", "novalue"], "--data expects key=value"),
        (["--preset", "missing/preset.yml"], "preset file missing/preset.yml does not exist"),
        # Copier would drop an answer its `when` rules out without a word: refused instead.
        (["--preset", "monolith", "--defaults", "--data", "broker=nats"],
         "broker does not apply to this project: the template asks it only when preset != 'monolith' "
         "(here preset is 'monolith')"),
        (["--defaults", "--data", "broker=rabbitmq"], "broker does not apply to this project"),
        # A value the template computes is no question: an answer would replace the computed one.
        (["--preset", "monolith", "--defaults", "--data", "apps=[]"], "unknown answer 'apps'"),
        # Copier would read any non-empty word as a yes; only yes/no words are taken.
        (["--preset", "monolith", "--defaults", "--data", "kubernetes=maybe"],
         "kubernetes: expected true or false, got 'maybe'"),
        (["--preset", "monolith", "--defaults", "--data", "preset=serverless"],
         "invalid preset 'serverless': 'serverless' is not one of: monolith, extracted, microservices"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    dest = tmp_path / "app"
    result = run_cli("new", str(dest), *args, "--no-install", "--no-git", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr
    assert not dest.exists()


def test_refuses_a_non_empty_destination_and_keeps_its_files(tmp_path: Path) -> None:
    dest = tmp_path / "busy"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")
    result = run_cli("new", str(dest), "--defaults", "--no-install", "--no-git")
    assert result.returncode == 2
    assert "is not empty" in result.stderr and "--force" in result.stderr
    assert sorted(p.name for p in dest.iterdir()) == ["notes.txt"]


def test_force_renders_into_a_non_empty_destination_and_keeps_unrelated_files(tmp_path: Path) -> None:
    dest = tmp_path / "busy"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")
    result = run_cli("new", str(dest), "--defaults", "--force", "--no-install", "--no-git")
    assert result.returncode == 0, result.stderr
    assert (dest / "notes.txt").read_text() == "mine"
    assert answers_of(dest)["project_name"] == "busy"


def test_a_users_preset_file(tmp_path: Path) -> None:
    preset = tmp_path / "team.yml"
    preset.write_text("summary: Our defaults\nanswers:\n  preset: monolith\n  port: 4000\n  description: Team API\n")
    result = run_cli("new", str(tmp_path / "team-api"), "--preset", str(preset), "--no-install", "--no-git")
    assert result.returncode == 0, result.stderr
    answers = answers_of(tmp_path / "team-api")
    assert (answers["port"], answers["description"]) == (4000, "Team API")


def test_a_users_preset_file_with_an_unknown_key_is_refused(tmp_path: Path) -> None:
    preset = tmp_path / "team.yml"
    preset.write_text("answers:\n  prot: 4000\n")
    result = run_cli("new", str(tmp_path / "x"), "--preset", str(preset), "--no-install", "--no-git")
    assert result.returncode == 2
    assert "unknown answer 'prot'" in result.stderr


def test_an_invalid_yaml_preset_is_refused_with_its_line(tmp_path: Path) -> None:
    preset = tmp_path / "broken.yml"
    preset.write_text("answers:\n  port: [1\n")
    result = run_cli("new", str(tmp_path / "x"), "--preset", str(preset), "--no-install", "--no-git")
    assert result.returncode == 2
    assert "is not valid YAML" in result.stderr


def test_missing_npm_is_reported_as_a_failed_step(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "scalefold", "new", str(tmp_path / "x"), "--defaults", "--no-git"],
        capture_output=True, text=True, input="", timeout=120, env={"PATH": "/nonexistent", "HOME": str(Path.home())},
    )
    assert result.returncode == 1
    assert "needs npm, which is not on PATH" in result.stderr
    assert (tmp_path / "x" / ".copier-answers.yml").is_file()  # what was rendered is kept


@pytest.mark.parametrize(
    ("folder", "shown"),
    [("my api", "cd '{parent}/my api'"), ("-bad", "cd ./-bad"), ("it's", "cd '{parent}/it'\"'\"'s'")],
    ids=["space", "dash", "quote"],
)
def test_next_steps_quote_the_destination_for_the_shell(tmp_path: Path, folder: str, shown: str) -> None:
    dest = Path(folder) if folder.startswith("-") else tmp_path / folder
    result = run_cli("new", "--defaults", "--data", "project_name=svc", "--no-install", "--no-git", "--", str(dest),
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    cd = next_steps(result.stdout)[0]
    assert cd == shown.format(parent=tmp_path)
    # The line works in a shell: it enters the project.
    entered = subprocess.run(["bash", "-c", f"{cd} && pwd"], cwd=tmp_path, capture_output=True, text=True)
    assert entered.stdout.strip() == str((tmp_path / folder).resolve()), entered.stderr


def test_a_folder_name_that_is_no_project_name_is_said_not_changed_silently(tmp_path: Path) -> None:
    result = run_cli("new", str(tmp_path / "123abc"), "--defaults", "--no-install", "--no-git")
    assert result.returncode == 0, result.stderr
    assert answers_of(tmp_path / "123abc")["project_name"] == "app-123abc"
    said = " ".join(result.stderr.split())
    assert "note: the folder name '123abc' is not a valid project name" in said
    assert "the project is named 'app-123abc' (choose another with --data project_name=NAME)" in said
    plain = run_cli("new", str(tmp_path / "plain"), "--defaults", "--no-install", "--no-git")
    assert "note:" not in plain.stderr  # a folder name that is a project name is taken as it is


def test_force_lists_the_files_it_replaced(tmp_path: Path) -> None:
    dest = tmp_path / "busy"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")
    (dest / "README.md").write_text("my own readme\n")
    (dest / ".gitignore").write_text("mine\n")
    result = run_cli("new", str(dest), "--defaults", "--force", "--no-install", "--no-git")
    assert result.returncode == 0, result.stderr
    lines = [line.strip() for line in result.stdout.splitlines()]
    at = lines.index("Replaced 2 existing file(s) (--force):")
    assert lines[at + 1 : at + 3] == [".gitignore", "README.md"]
    assert (dest / "notes.txt").read_text() == "mine"  # not the template's: left alone, not listed
    assert "my own readme" not in (dest / "README.md").read_text()


def test_force_into_an_empty_folder_lists_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run_cli("new", str(tmp_path / "empty"), "--defaults", "--force", "--no-install", "--no-git")
    assert result.returncode == 0, result.stderr
    assert "Replaced" not in result.stdout


def fake_node(folder: Path, version: str) -> str:
    """A `node` that only answers --version, first on PATH."""
    folder.mkdir()
    node = folder / "node"
    node.write_text(f"#!/bin/sh\necho {version}\n")
    node.chmod(0o755)
    return f"{folder}:/usr/bin:/bin"


@pytest.mark.parametrize(("version", "warned"), [("v20.11.1", True), ("v22.0.0", False), ("v24.1.0", False)])
def test_a_node_older_than_the_projects_engines_is_warned_about(tmp_path: Path, version: str, warned: bool) -> None:
    path = fake_node(tmp_path / "bin", version)
    result = subprocess.run(
        [sys.executable, "-m", "scalefold", "new", str(tmp_path / "svc"), "--defaults", "--no-install", "--no-git"],
        capture_output=True, text=True, input="", timeout=120,
        env={"COLUMNS": "300", "PATH": path, "HOME": str(Path.home())},
    )
    assert result.returncode == 0, result.stderr
    warning = (
        f"warning: Node.js {version} on PATH is older than this project needs (package.json engines: node >=22); "
        "install Node.js 22 or later before running it"
    )
    assert (warning in result.stderr) is warned, result.stderr
