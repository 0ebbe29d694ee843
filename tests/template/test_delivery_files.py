"""The delivery files of the generated monolith: Dockerfile, .dockerignore, compose.yaml, the CI
workflow, Dependabot, scripts/deploy and docs/deployment.md.

The template is rendered once with a non-default port, so every place the port must reach is checked.
The linters (hadolint, actionlint, shellcheck) run on the rendered files when they are installed
(hadolint and actionlint come with the test extras); the rest is parsed, not grepped: PyYAML for the
YAML files, dockerfile-parse for the Dockerfile. scripts/deploy runs for real, with fake ssh, scp and
kubectl on PATH; the workflow's health-check loop runs against a local HTTP server. With no container
engine on the test machines, an end-to-end test lays out the runtime stage's files as its COPY
instructions say and runs the image's commands from there.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import secrets
import shutil
import signal
import stat
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest
from copier import run_copy

from tests.support.built import built_project
from tests.support.delivery import PINNED_ACTION, assert_docker_compose_accepts, load_yaml, stages, tool
from tests.support.http import free_port, wait_until_ok
from tests.support.project import run
from tests.support.services import fresh_database, postgres_available

PROJECT_NAME = "orders-api"
PORT = 8080
IMAGE_REF = "ghcr.io/acme/orders-api@sha256:" + "0123456789abcdef" * 4

#: The scalefold release that renders the project here, as `scalefold new` passes its own.
RELEASE = "4.5.6"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, template_dir: Path) -> Path:
    dest = tmp_path_factory.mktemp("delivery") / PROJECT_NAME
    run_copy(
        str(template_dir),
        dest,
        data={"project_name": PROJECT_NAME, "port": PORT, "scalefold_version": RELEASE, "scalefold_build": ""},
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    return dest


# --- Dockerfile ---------------------------------------------------------------------------------


def test_dockerfile_passes_hadolint(project: Path) -> None:
    hadolint = tool("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [hadolint, "--failure-threshold", "warning", "--format", "json", "Dockerfile"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    findings = [f for f in json.loads(result.stdout or "[]") if f["level"] in ("warning", "error")]
    assert findings == [] and result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_builds_in_stages_from_a_pinned_node_24_slim_image(project: Path) -> None:
    found = stages(project / "Dockerfile")
    assert list(found) == ["base", "manifests", "deps", "build", "prod-deps", "runtime"]
    assert re.fullmatch(r"node:24\.\d+\.\d+-(bookworm|trixie)-slim", found["base"].base)
    # npm ci checks the lockfile against the package.json of the service and of its workspace.
    assert set(found["manifests"].values("COPY")) == {
        "package.json package-lock.json ./",
        "packages/platform/package.json packages/platform/",
    }
    assert found["deps"].base == "manifests" and found["prod-deps"].base == "manifests"
    assert found["build"].base == "deps", "the build stage compiles with the dev dependencies"
    assert any(v.endswith("npm ci") for v in found["deps"].values("RUN"))
    assert any(v.endswith("npm ci --omit=dev") for v in found["prod-deps"].values("RUN"))
    assert "npm run build" in found["build"].values("RUN")


def test_runtime_stage_carries_only_production_dependencies_and_runs_as_node(project: Path) -> None:
    runtime = stages(project / "Dockerfile")["runtime"]
    assert runtime.base == "base"
    copies = runtime.values("COPY")
    assert "--from=prod-deps /app/node_modules ./node_modules" in copies
    assert "--from=build /app/dist ./dist" in copies
    assert "--from=build /app/packages/platform/dist ./packages/platform/dist" in copies
    assert "migrations ./migrations" in copies
    assert not any(c.startswith(("--from=deps", "--from=build /app/node_modules")) for c in copies)
    assert not runtime.values("RUN"), "the runtime stage installs nothing"

    env = " ".join(runtime.values("ENV")).split()
    assert "NODE_ENV=production" in env and f"PORT={PORT}" in env
    assert runtime.values("EXPOSE") == [str(PORT)]
    assert runtime.values("USER") == ["node"]
    # USER comes before the start command, so the process never runs as root.
    names = [name for name, _ in runtime.instructions]
    assert names.index("USER") < names.index("CMD")
    # dist/telemetry.js is preloaded (OpenTelemetry, inert until an OTLP endpoint is configured).
    assert json.loads(runtime.values("CMD")[0]) == ["node", "--import", "./dist/telemetry.js", "dist/server.js"]


def test_healthcheck_runs_node_not_curl(project: Path) -> None:
    (healthcheck,) = stages(project / "Dockerfile")["runtime"].values("HEALTHCHECK")
    options, _, command = healthcheck.partition("CMD ")
    assert json.loads(command) == ["node", "dist/healthcheck.js"]
    assert "--interval=" in options and "--retries=" in options


def test_files_the_image_copies_exist_in_the_generated_project(project: Path) -> None:
    # package-lock.json is written by `npm install` when scalefold creates the project.
    for path in ("package.json", "packages/platform/package.json", "migrations", ".nvmrc"):
        assert (project / path).exists(), f"the Dockerfile or the workflow needs {path}"


def test_dockerignore_keeps_secrets_and_build_output_out_of_the_context(project: Path) -> None:
    patterns = {
        line.strip()
        for line in (project / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {"node_modules", "dist", "coverage", ".git", ".env", ".env.*"} <= patterns
    assert not any(p.startswith("!") for p in patterns), "no exception re-admits an ignored file"


# --- compose.yaml -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose(project: Path) -> dict[str, Any]:
    return load_yaml(project / "compose.yaml")


def test_compose_services_have_health_checks_and_memory_limits(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"db", "redis", "migrate", "app", "worker"}
    for name, service in services.items():
        assert service["deploy"]["resources"]["limits"]["memory"], f"{name} has no memory limit"
    assert services["db"]["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert services["app"]["healthcheck"]["test"] == ["CMD", "node", "dist/healthcheck.js"]
    assert services["worker"]["healthcheck"]["test"] == ["CMD", "node", "dist/healthcheck.js", "worker"]
    assert services["migrate"]["healthcheck"] == {"disable": True}


def test_compose_starts_the_api_after_a_healthy_database_and_successful_migrations(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert services["migrate"]["command"] == ["node", "dist/migrate.js"]
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert services["migrate"]["restart"] == "no"
    assert services["app"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }


def test_compose_runs_the_worker_from_the_api_image_with_redis_and_no_api_secrets(compose: dict[str, Any]) -> None:
    services = compose["services"]
    worker, app = services["worker"], services["app"]
    assert worker["image"] == app["image"] and worker["build"] == "."
    assert worker["command"] == ["node", "--import", "./dist/telemetry.js", "dist/worker.js"]
    assert worker["depends_on"] == {"redis": {"condition": "service_healthy"}}
    assert worker["environment"]["REDIS_URL"] == app["environment"]["REDIS_URL"] == "redis://redis:6379"
    assert worker["environment"]["WORKER_PORT"] == str(PORT + 1)
    # Least privilege: the worker needs neither the database nor the token secret.
    assert "JWT_SECRET" not in worker["environment"] and "DATABASE_URL" not in worker["environment"]
    assert "ports" not in worker
    assert worker["read_only"] is True and worker["cap_drop"] == ["ALL"]
    # BullMQ's keys must never be evicted; the queue survives a restart.
    redis_command = services["redis"]["command"]
    assert redis_command[redis_command.index("--maxmemory-policy") + 1] == "noeviction"
    assert "--appendonly" in redis_command


def test_compose_runs_the_image_in_production_mode_on_the_chosen_port(compose: dict[str, Any]) -> None:
    app = compose["services"]["app"]
    assert compose["name"] == PROJECT_NAME
    assert app["image"] == f"${{APP_IMAGE:-{PROJECT_NAME}:local}}" and app["build"] == "."
    assert app["environment"]["NODE_ENV"] == "production"
    assert app["environment"]["PORT"] == str(PORT)
    assert app["environment"]["DATABASE_URL"].endswith("@db:5432/app")
    # No default secret: compose refuses to start without one.
    assert app["environment"]["JWT_SECRET"].startswith("${JWT_SECRET:?")
    assert app["ports"] == [f"127.0.0.1:${{APP_HOST_PORT:-{PORT}}}:{PORT}"]
    assert app["read_only"] is True and app["cap_drop"] == ["ALL"]
    # The one-shot service migrates; the API (maybe several replicas) does not race to do it again.
    assert app["environment"]["MIGRATE_ON_START"] == "false"
    migrate_env = compose["services"]["migrate"]["environment"]
    assert migrate_env == {k: v for k, v in app["environment"].items() if k != "MIGRATE_ON_START"}


def test_docker_compose_accepts_the_file(project: Path) -> None:
    assert_docker_compose_accepts(project)


# --- CI workflow --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workflow(project: Path) -> dict[str, Any]:
    return load_yaml(project / ".github" / "workflows" / "ci.yml")


def steps_of(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return workflow["jobs"][job]["steps"]


def all_steps(workflow: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield name, step


def test_workflow_passes_actionlint(project: Path) -> None:
    actionlint = tool("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed (pip install -e '.[test]')")
    # actionlint also runs shellcheck on every `run:` script when shellcheck is on PATH.
    result = subprocess.run(
        [actionlint, "-no-color", ".github/workflows/ci.yml"], cwd=project, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_action_is_pinned_to_a_commit_with_its_version(project: Path) -> None:
    uses = [
        line.split("uses:", 1)[1].strip()
        for line in (project / ".github" / "workflows" / "ci.yml").read_text().splitlines()
        if line.strip().removeprefix("- ").startswith("uses:")
    ]
    assert len(uses) >= 10
    unpinned = [u for u in uses if not PINNED_ACTION.match(u)]
    assert unpinned == []
    # One version of each action across the workflow.
    by_action: dict[str, set[str]] = {}
    for u in uses:
        match = PINNED_ACTION.match(u)
        assert match is not None
        by_action.setdefault(match["action"], set()).add(match["sha"])
    assert all(len(shas) == 1 for shas in by_action.values()), by_action


def test_permissions_are_read_only_and_widened_per_job(workflow: dict[str, Any]) -> None:
    assert workflow["permissions"] == {"contents": "read"}
    widened = {name: job["permissions"] for name, job in workflow["jobs"].items() if "permissions" in job}
    assert widened == {
        "scalefold": {"contents": "read", "security-events": "write"},
        "image": {"contents": "read", "packages": "write"},
    }


def test_workflow_has_a_concurrency_group_and_never_cancels_main(workflow: dict[str, Any]) -> None:
    assert workflow["concurrency"]["group"]
    assert workflow["concurrency"]["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    for env in ("staging", "production"):
        assert workflow["jobs"][f"deploy-{env}"]["concurrency"] == {
            "group": f"deploy-{env}",
            "cancel-in-progress": False,
        }


def test_event_data_never_reaches_a_shell_directly(workflow: dict[str, Any]) -> None:
    for job, step in all_steps(workflow):
        assert "github.event" not in step.get("run", ""), f"{job}: pass event data through env"


def test_checkouts_do_not_persist_credentials(workflow: dict[str, Any]) -> None:
    checkouts = [s for _, s in all_steps(workflow) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts and all(s["with"]["persist-credentials"] is False for s in checkouts)


def test_npm_jobs_use_the_nvmrc_node_and_the_npm_cache(workflow: dict[str, Any]) -> None:
    for job in ("lint", "test"):
        (setup,) = [s for s in steps_of(workflow, job) if s.get("uses", "").startswith("actions/setup-node@")]
        assert setup["with"] == {"node-version-file": ".nvmrc", "cache": "npm"}
    runs = {job: [s.get("run") for s in steps_of(workflow, job)] for job in ("lint", "test", "audit")}
    assert runs["lint"][-3:] == ["npm ci", "npm run lint", "npm run typecheck"]
    assert runs["test"][-2:] == ["npm ci", "npm test"]
    assert runs["audit"][-2] == "npm audit --audit-level=high"


def test_snyk_runs_beside_npm_audit_only_when_the_repository_has_a_token(workflow: dict[str, Any]) -> None:
    job = workflow["jobs"]["audit"]
    # A secret cannot be tested in a step's `if`: the job exposes it as an environment variable.
    assert job["env"]["SNYK_TOKEN"] == "${{ secrets.SNYK_TOKEN }}"
    snyk = job["steps"][-1]
    assert snyk["if"] == "env.SNYK_TOKEN != ''"
    assert re.fullmatch(r"npx --yes snyk@\d+\.\d+\.\d+ test --severity-threshold=high", snyk["run"])


def test_tests_run_against_a_healthy_postgresql_service(workflow: dict[str, Any]) -> None:
    job = workflow["jobs"]["test"]
    postgres = job["services"]["postgres"]
    assert postgres["image"].startswith("postgres:")
    assert "--health-cmd" in postgres["options"]
    env = postgres["env"]
    assert job["env"]["DATABASE_URL"] == (
        f"postgres://{env['POSTGRES_USER']}:{env['POSTGRES_PASSWORD']}@localhost:5432/{env['POSTGRES_DB']}"
    )


def test_tests_run_against_a_healthy_redis_service(workflow: dict[str, Any]) -> None:
    job = workflow["jobs"]["test"]
    redis = job["services"]["redis"]
    assert redis["image"].startswith("redis:")
    assert redis["ports"] == ["6379:6379"]
    assert '--health-cmd "redis-cli ping"' in redis["options"]
    assert job["env"]["REDIS_URL"] == "redis://localhost:6379"


def test_scalefold_check_uploads_its_sarif_even_when_it_fails(workflow: dict[str, Any]) -> None:
    check, upload = steps_of(workflow, "scalefold")[-2:]
    assert check["run"] == (
        f'pipx run --spec "scalefold=={RELEASE}" scalefold check . --format sarif --output scalefold.sarif'
    )
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "scalefold.sarif"
    assert upload["if"].startswith("always()")


def test_image_is_pushed_to_ghcr_only_from_main(workflow: dict[str, Any]) -> None:
    job = workflow["jobs"]["image"]
    assert set(job["needs"]) == {"lint", "test", "audit", "scalefold"}
    assert job["env"]["PUSH"] == "${{ github.event_name == 'push' && github.ref == 'refs/heads/main' }}"
    steps = {s["uses"].split("@")[0]: s for s in job["steps"] if "uses" in s}
    assert steps["docker/login-action"]["if"] == "env.PUSH == 'true'"
    assert steps["docker/login-action"]["with"]["registry"] == "ghcr.io"
    assert steps["docker/build-push-action"]["with"]["push"] == "${{ env.PUSH == 'true' }}"
    assert workflow["env"]["IMAGE_NAME"] == "ghcr.io/${{ github.repository }}"
    assert job["outputs"]["ref"] == "${{ steps.ref.outputs.ref }}"


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_deploy_jobs_skip_until_deploy_url_is_set(workflow: dict[str, Any], environment: str) -> None:
    job = workflow["jobs"][f"deploy-{environment}"]
    assert job["environment"]["name"] == environment
    assert job["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    skip, *work = job["steps"]
    assert skip["if"] == "vars.DEPLOY_URL == ''" and "::notice" in skip["run"]
    assert work and all(step["if"] == "vars.DEPLOY_URL != ''" for step in work)
    deploy = next(s for s in work if s.get("name") == "Deploy")
    assert deploy["run"] == f'scripts/deploy {environment} "$IMAGE_REF"'
    assert deploy["env"]["IMAGE_REF"] == "${{ needs.image.outputs.ref }}"
    assert "/health/ready" in work[-1]["run"]


def test_production_waits_for_staging(workflow: dict[str, Any]) -> None:
    assert workflow["jobs"]["deploy-staging"]["needs"] == "image"
    assert workflow["jobs"]["deploy-production"]["needs"] == ["image", "deploy-staging"]


class _Health(http.server.BaseHTTPRequestHandler):
    status: ClassVar[int] = 200
    paths: ClassVar[list[str]] = []  # each test gets its own subclass, hence its own list

    def do_GET(self) -> None:
        type(self).paths.append(self.path)
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[tuple[str, type[_Health]]]:
    handler = type("Health", (_Health,), {"status": 200, "paths": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", handler
    finally:
        server.shutdown()
        server.server_close()


def no_sleep_path(tmp_path: Path) -> str:
    """PATH with a `sleep` that returns at once, so the retry loop runs without waiting."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "sleep"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    return f"{bin_dir}{os.pathsep}{os.environ['PATH']}"


@pytest.mark.skipif(shutil.which("curl") is None, reason="the health check uses curl, as on the runners")
@pytest.mark.parametrize(("status", "passes"), [(200, True), (503, False)])
def test_health_check_step_polls_ready_a_bounded_number_of_times(
    workflow: dict[str, Any],
    health_server: tuple[str, type[_Health]],
    tmp_path: Path,
    status: int,
    passes: bool,
) -> None:
    url, handler = health_server
    handler.status = status
    script = steps_of(workflow, "deploy-production")[-1]["run"]
    env = {**os.environ, "DEPLOY_URL": url, "PATH": no_sleep_path(tmp_path)}
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (result.returncode == 0) is passes, result.stdout + result.stderr
    assert set(handler.paths) == {"/health/ready"}
    if passes:
        assert len(handler.paths) == 1
    else:
        assert len(handler.paths) == 30
        assert "::error" in result.stdout


def test_docs_name_every_variable_and_secret_the_workflow_reads(project: Path) -> None:
    workflow_text = (project / ".github" / "workflows" / "ci.yml").read_text()
    names = set(re.findall(r"\b(?:vars|secrets)\.([A-Z0-9_]+)", workflow_text)) - {"GITHUB_TOKEN"}
    assert "DEPLOY_URL" in names
    docs = (project / "docs" / "deployment.md").read_text()
    assert {n for n in names if f"`{n}`" not in docs} == set()


# --- Dependabot ---------------------------------------------------------------------------------


def test_dependabot_updates_every_ecosystem_weekly_grouping_minor_and_patch(project: Path) -> None:
    config = load_yaml(project / ".github" / "dependabot.yml")
    assert config["version"] == 2
    updates = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(updates) == {"npm", "github-actions", "docker", "docker-compose"}
    for ecosystem, update in updates.items():
        assert update["directory"] == "/" and update["schedule"]["interval"] == "weekly", ecosystem
        assert [g["update-types"] for g in update["groups"].values()] == [["minor", "patch"]], ecosystem


# --- scripts/deploy -----------------------------------------------------------------------------


@dataclass
class DeployRun:
    result: subprocess.CompletedProcess[str]
    calls: list[dict[str, Any]]  # what each fake command received


FAKE_COMMAND = """#!/usr/bin/env python3
# Records its name, arguments, the files -i and KUBECONFIG point to (content, mode), then exits.
import json, os, stat, sys
args = sys.argv[1:]
files = {}
for path in [args[i + 1] for i, a in enumerate(args[:-1]) if a == "-i"] + [os.environ.get("KUBECONFIG", "")]:
    if path and os.path.isfile(path):
        files[path] = {"content": open(path).read(), "mode": stat.S_IMODE(os.stat(path).st_mode)}
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps({"command": os.path.basename(sys.argv[0]), "args": args, "files": files}) + "\\n")
sys.exit(int(os.environ.get("FAKE_EXIT_" + os.path.basename(sys.argv[0]).upper(), "0")))
"""


@pytest.fixture
def deploy(project: Path, tmp_path: Path):
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    for name in ("ssh", "scp", "kubectl"):
        (bin_dir / name).write_text(FAKE_COMMAND)
        (bin_dir / name).chmod(0o755)
    log = tmp_path / "calls.jsonl"

    def run(*args: str, **env: str) -> DeployRun:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("DEPLOY_", "KUBECONFIG"))}
        full_env = {**base, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "FAKE_LOG": str(log), **env}
        result = subprocess.run(
            ["scripts/deploy", *args], cwd=project, env=full_env, capture_output=True, text=True, timeout=60
        )
        calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        log.unlink(missing_ok=True)
        return DeployRun(result, calls)

    return run


def test_deploy_script_is_executable_and_passes_shellcheck(project: Path) -> None:
    script = project / "scripts" / "deploy"
    assert script.stat().st_mode & stat.S_IXUSR
    assert "set -euo pipefail" in script.read_text()
    shellcheck = tool("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed")
    result = subprocess.run([shellcheck, str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "expected 2 arguments"),
        (("qa", IMAGE_REF), "unknown environment 'qa'"),
        (("staging", "ghcr.io/acme/app;reboot"), "is not an image reference"),
        (("staging", "ghcr.io/acme/app@sha256:short"), "is not an image reference"),
    ],
)
def test_deploy_rejects_bad_arguments_with_its_usage(deploy, args: tuple[str, ...], message: str) -> None:
    run = deploy(*args)
    assert run.result.returncode == 2
    assert message in run.result.stderr
    assert "usage: scripts/deploy <staging|production> <image-ref>" in run.result.stderr
    assert run.calls == []


def test_deploy_without_a_strategy_says_what_it_would_do_and_fails(deploy) -> None:
    run = deploy("staging", IMAGE_REF, DEPLOY_URL="https://staging.example.com")
    assert run.result.returncode == 1
    assert f"Would deploy {IMAGE_REF} to staging" in run.result.stdout
    assert "adapt scripts/deploy" in run.result.stderr
    assert run.calls == []


def test_deploy_rejects_an_unknown_strategy(deploy) -> None:
    run = deploy("staging", IMAGE_REF, DEPLOY_STRATEGY="ftp")
    assert run.result.returncode == 2 and "unknown DEPLOY_STRATEGY 'ftp'" in run.result.stderr


@pytest.mark.parametrize(
    ("strategy", "missing"), [("ssh-compose", "DEPLOY_SSH_HOST"), ("kubectl", "DEPLOY_K8S_DEPLOYMENT")]
)
def test_deploy_names_the_setting_a_strategy_lacks(deploy, strategy: str, missing: str) -> None:
    run = deploy("production", IMAGE_REF, DEPLOY_STRATEGY=strategy)
    assert run.result.returncode == 1
    assert f"{missing} is required" in run.result.stderr
    assert run.calls == []


def test_ssh_compose_copies_compose_yaml_and_restarts_on_the_new_image(deploy) -> None:
    key = "-----BEGIN OPENSSH PRIVATE KEY-----\nfake\n-----END OPENSSH PRIVATE KEY-----"
    run = deploy(
        "production",
        IMAGE_REF,
        DEPLOY_STRATEGY="ssh-compose",
        DEPLOY_SSH_HOST="deploy@prod.example.com",
        DEPLOY_SSH_PATH="services/api",
        DEPLOY_SSH_KEY=key,
        DEPLOY_SSH_KNOWN_HOSTS="prod.example.com ssh-ed25519 AAAAfake",
    )
    assert run.result.returncode == 0, run.result.stderr
    assert [c["command"] for c in run.calls] == ["ssh", "scp", "ssh"]
    mkdir, copy, restart = run.calls
    assert mkdir["args"][-2:] == ["deploy@prod.example.com", "mkdir -p services/api"]
    assert copy["args"][-2:] == ["compose.yaml", "deploy@prod.example.com:services/api/compose.yaml"]
    assert restart["args"][-1] == (
        f"cd services/api && export APP_IMAGE='{IMAGE_REF}' && docker compose pull --quiet app migrate"
        " && docker compose up --detach --wait --no-build --remove-orphans"
    )
    for call in run.calls:
        assert "StrictHostKeyChecking=yes" in call["args"]
        ((key_path, key_file),) = call["files"].items()
        assert key_file == {"content": key + "\n", "mode": 0o600}
        # The key only lives while the script runs.
        assert not Path(key_path).exists()


def test_kubectl_sets_the_image_and_waits_for_the_rollout(deploy) -> None:
    run = deploy(
        "staging",
        IMAGE_REF,
        DEPLOY_STRATEGY="kubectl",
        DEPLOY_K8S_DEPLOYMENT="orders-api",
        DEPLOY_KUBECONFIG="apiVersion: v1",
    )
    assert run.result.returncode == 0, run.result.stderr
    assert [c["args"] for c in run.calls] == [
        ["--namespace", "staging", "set", "image", "deployment/orders-api", f"orders-api={IMAGE_REF}"],
        ["--namespace", "staging", "rollout", "status", "deployment/orders-api", "--timeout=5m"],
    ]
    ((kubeconfig, content),) = run.calls[0]["files"].items()
    assert content == {"content": "apiVersion: v1\n", "mode": 0o600}
    assert not Path(kubeconfig).exists()


def test_a_failed_rollout_fails_the_deployment(deploy) -> None:
    run = deploy(
        "staging", IMAGE_REF, DEPLOY_STRATEGY="kubectl", DEPLOY_K8S_DEPLOYMENT="api", FAKE_EXIT_KUBECTL="1"
    )
    assert run.result.returncode != 0
    assert len(run.calls) == 1, "nothing runs after the failing command"


# --- docs/deployment.md -------------------------------------------------------------------------


def test_deployment_docs_cover_environments_approval_and_the_worked_examples(project: Path) -> None:
    docs = (project / "docs" / "deployment.md").read_text()
    for needed in (
        "**staging**",
        "**production**",
        "Required reviewers",
        "ssh-compose",
        "kubectl",
        "/health/ready",
    ):
        assert needed in docs, needed
    assert f"http://127.0.0.1:{PORT}/health/ready" in docs
    assert f"deployment/{PROJECT_NAME}" in docs
    assert "{{" not in docs and "{%" not in docs


# --- The runtime image, assembled without a container engine ------------------------------------


@pytest.mark.e2e
@pytest.mark.xdist_group("delivery-runtime")
def test_runtime_stage_layout_migrates_serves_and_reports_health(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, node_env: dict[str, str]
) -> None:
    """Lays out the files exactly as the runtime stage's COPY instructions do (production dependencies
    from `npm ci --omit=dev`, dist/ from the build), then runs the image's commands from that folder:
    migrations, the server, the HEALTHCHECK command, SIGTERM."""
    if not postgres_available():
        pytest.skip("PostgreSQL is not answering on 127.0.0.1:5432")
    context = built_project(tmp_path_factory, node_env, "monolith")  # the build context: only read
    prod_deps = tmp_path / "prod-deps"
    prod_deps.mkdir()
    # The manifests stage: the lockfile and the package.json files it covers, the workspace's included.
    for name in ("package.json", "package-lock.json", "packages/platform/package.json"):
        (prod_deps / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(context / name, prod_deps / name)
    run(["npm", "ci", "--omit=dev", "--no-audit", "--no-fund"], prod_deps, node_env)
    stage_roots = {"prod-deps": prod_deps, "build": context}

    app = tmp_path / "app"
    app.mkdir()
    for copy in stages(context / "Dockerfile")["runtime"].values("COPY"):
        *sources, target = copy.split()
        root = context
        if sources[0].startswith("--from="):
            root = stage_roots[sources.pop(0).removeprefix("--from=")]
        for source in sources:
            origin = root / source.removeprefix("/app/")
            destination = app / target if not target.endswith("/") else app / target / origin.name
            destination.parent.mkdir(parents=True, exist_ok=True)
            if origin.is_dir():
                shutil.copytree(origin, destination, symlinks=True)
            else:
                shutil.copy2(origin, destination)
    assert sorted(p.name for p in app.iterdir()) == [
        "dist",
        "migrations",
        "node_modules",
        "package-lock.json",
        "package.json",
        "packages",
    ]
    assert not (app / "node_modules" / "typescript").exists(), "dev dependencies stay out of the image"

    runtime_env = stages(context / "Dockerfile")["runtime"].values("ENV")[0].split()
    with fresh_database("scalefold_delivery") as database_url:
        port = free_port()
        env = {
            **node_env,
            **dict(item.split("=", 1) for item in runtime_env),
            "PORT": str(port),
            "DATABASE_URL": database_url,
            "JWT_SECRET": secrets.token_urlsafe(48),
            "MIGRATE_ON_START": "false",
            "CORS_ORIGINS": "https://app.example.com",
        }
        assert env["NODE_ENV"] == "production"
        run(["node", "dist/migrate.js"], app, env)
        healthcheck = ["node", "dist/healthcheck.js"]
        server = subprocess.Popen(
            ["node", "dist/server.js"],
            cwd=app,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            wait_until_ok(f"http://127.0.0.1:{port}/health/ready", process=server)
            assert subprocess.run(healthcheck, cwd=app, env=env, timeout=30).returncode == 0
        finally:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
            output, _ = server.communicate(timeout=30)
        assert server.returncode == 0, output[-4000:]
        assert subprocess.run(healthcheck, cwd=app, env=env, capture_output=True, timeout=30).returncode != 0
