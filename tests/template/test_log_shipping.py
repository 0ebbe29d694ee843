"""Log shipping: the OpenTelemetry collector's logs pipeline (`observability/logs*.yaml`) and the compose
overlay that runs it (`compose.logs.yaml`), in every preset.

The collector's own `validate` cannot run here (its binary is published only on GitHub and Docker Hub),
so the configuration is checked the way the collector reads it: the files are merged as the collector
merges several `--config` files (maps merged, everything else replaced), then every pipeline must name
components that are defined and known to the pinned collector-contrib release, every defined component
must be used, every storage named must be an enabled extension, and every field the pipeline reads must
be one the generated logger writes.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from copier import run_copy

PROJECT_NAME = "shop"
PRESETS = ("monolith", "extracted", "microservices")
BACKENDS = ("elasticsearch", "datadog")
COLLECTOR_IMAGE = "otel/opentelemetry-collector-contrib:0.135.0"

# The component types of collector-contrib 0.135 this project uses, by kind: a misspelt type fails here
# as it would fail the collector's start.
KNOWN_TYPES = {
    "receivers": {"otlp", "filelog"},
    "processors": {"memory_limiter", "batch"},
    "exporters": {"otlp", "elasticsearch", "datadog"},
    "extensions": {"health_check", "file_storage"},
}
KNOWN_OPERATORS = {"container", "json_parser", "filter", "trace_parser", "move", "remove"}
# What every line of the generated logger carries (packages/platform/src/observability/logger.ts), and
# what it adds to the lines written inside a sampled span (packages/platform/src/telemetry/sdk.ts).
LOGGER_FIELDS = {"level", "time", "service", "pid", "hostname", "msg"}
TRACE_FIELDS = {"trace_id", "span_id", "trace_flags"}
ENV_PLACEHOLDER = re.compile(r"\$\{env:([A-Z_]+)(?::-[^}]*)?\}")


def render(template_dir: Path, dest: Path, preset: str) -> Path:
    run_copy(str(template_dir), dest, data={"project_name": PROJECT_NAME, "preset": preset},
             defaults=True, unsafe=True, quiet=True)
    return dest


@pytest.fixture(scope="module", params=PRESETS)
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
            template_dir: Path) -> Path:
    return render(template_dir, tmp_path_factory.mktemp(request.param) / PROJECT_NAME, request.param)


def load(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text())
    assert isinstance(loaded, dict), path
    return loaded


def merged(*configs: dict[str, Any]) -> dict[str, Any]:
    """The collector's merge of several `--config` files: maps merged key by key, lists and values replaced."""
    result: dict[str, Any] = {}
    for config in configs:
        for key, value in config.items():
            if isinstance(value, dict) and isinstance(result.get(key), dict):
                result[key] = merged(result[key], value)
            else:
                result[key] = value
    return result


def collector_config(project: Path, backend: str) -> dict[str, Any]:
    """What the overlay's collector loads with LOGS_BACKEND=`backend`: its `--config` files, merged."""
    overlay = load(project / "compose.logs.yaml")
    base = load(project / "compose.yaml")
    mounts = [*base["services"].get("otel-collector", {}).get("configs", []),
              *overlay["services"]["otel-collector"]["configs"]]
    files = {**base.get("configs", {}), **overlay["configs"]}
    sources = {mount["target"]: files[mount["source"]]["file"] for mount in mounts}
    configs = []
    for argument in overlay["services"]["otel-collector"]["command"]:
        target = re.sub(r"\$\{LOGS_BACKEND:\?[^}]*\}", backend, argument.removeprefix("--config="))
        assert target in sources, f"{argument} loads a file no config mounts"
        configs.append(load(project / sources[target]))
    return merged(*configs)


def component_type(name: str) -> str:
    return name.split("/", 1)[0]


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_pipeline_uses_defined_known_components_and_every_component_is_used(
    project: Path, backend: str
) -> None:
    config = collector_config(project, backend)
    pipelines = config["service"]["pipelines"]
    assert f"logs/{backend}" in pipelines
    used: dict[str, set[str]] = {kind: set() for kind in ("receivers", "processors", "exporters")}
    for name, pipeline in pipelines.items():
        for kind in used:
            for component in pipeline.get(kind, []):
                assert component in config[kind], f"pipeline {name} names an undefined {kind[:-1]} {component}"
                used[kind].add(component)
    for kind, names in used.items():
        assert set(config[kind]) == names, f"{kind} defined but used by no pipeline: {set(config[kind]) - names}"
        assert {component_type(name) for name in config[kind]} <= KNOWN_TYPES[kind]
    enabled = config["service"]["extensions"]
    assert set(enabled) == set(config["extensions"])
    assert {component_type(name) for name in enabled} <= KNOWN_TYPES["extensions"]


def test_the_logs_pipeline_is_added_beside_the_traces_pipeline(project: Path) -> None:
    base_path = project / "observability" / "otel-collector.yaml"
    base = load(base_path) if base_path.is_file() else {"service": {"pipelines": {}, "extensions": []}}
    for backend in BACKENDS:
        config = collector_config(project, backend)
        assert config["service"]["pipelines"] == {**base["service"]["pipelines"], f"logs/{backend}": config[
            "service"]["pipelines"][f"logs/{backend}"]}
        assert set(base["service"]["extensions"]) <= set(config["service"]["extensions"])


@pytest.mark.parametrize("backend", BACKENDS)
def test_what_a_backend_outage_holds_back_waits_on_disk(project: Path, backend: str) -> None:
    config = collector_config(project, backend)
    receiver = config["receivers"]["filelog/containers"]
    (exporter,) = [value for name, value in config["exporters"].items() if component_type(name) == backend]
    assert exporter["sending_queue"]["enabled"] is True
    for storage in (receiver["storage"], exporter["sending_queue"]["storage"]):
        assert storage in config["service"]["extensions"]


def test_the_pipeline_reads_only_fields_the_generated_logger_writes(project: Path) -> None:
    operators = load(project / "observability" / "logs.yaml")["receivers"]["filelog/containers"]["operators"]
    assert {operator["type"] for operator in operators} <= KNOWN_OPERATORS
    read = set()
    for operator in operators:
        for key in ("from", "field", "parse_from"):
            if isinstance(operator.get(key), str) and operator[key].startswith("attributes."):
                read.add(operator[key].removeprefix("attributes."))
        for part in ("timestamp", "severity", "trace_id", "span_id", "trace_flags"):
            if isinstance(operator.get(part), dict):
                read.add(operator[part]["parse_from"].removeprefix("attributes."))
    assert read <= LOGGER_FIELDS | TRACE_FIELDS, read - LOGGER_FIELDS - TRACE_FIELDS
    assert {"service", "level", "time", "msg"} | TRACE_FIELDS <= read

    logger = (project / "packages/platform/src/observability/logger.ts").read_text()
    assert re.search(r"base: \{ service: options\.service, pid: process\.pid, hostname: hostname\(\) \}", logger)
    # Every process names its deployable: the entry points pass the service name to the logger.
    for entry_point in project.rglob("src/*.ts"):
        if "createLogger(" in entry_point.read_text():
            assert "createLogger({ ...config.log, service: PROJECT.name })" in entry_point.read_text(), entry_point
    assert "formatters: { level: (label) => ({ level: label }) }" in logger

    (moved,) = [op for op in operators if op["type"] == "move" and op["from"] == "attributes.service"]
    assert moved["to"] == 'resource["service.name"]'
    (parser,) = [op for op in operators if op["type"] == "json_parser"]
    go_layout = parser["timestamp"]["layout"]
    python_layout = go_layout.replace("2006", "%Y").replace("01", "%m").replace("02", "%d").replace(
        "15", "%H").replace("04", "%M").replace("05", "%S").replace(".000", ".%f").replace("Z07:00", "%z")
    # pino's timestamp as the logger writes it (Date.prototype.toISOString).
    assert datetime.strptime("2026-12-06T10:00:00.123Z", python_layout).microsecond == 123000


def test_only_this_projects_services_are_shipped(project: Path) -> None:
    operators = load(project / "observability" / "logs.yaml")["receivers"]["filelog/containers"]["operators"]
    (drop,) = [op for op in operators if op["type"] == "filter"]
    assert f'attributes.service != "{PROJECT_NAME}"' in drop["expr"]
    assert f'startsWith "{PROJECT_NAME}-"' in drop["expr"]
    names = [op["type"] for op in operators]
    assert names.index("json_parser") < names.index("filter") < names.index("move")


def test_the_overlay_runs_the_collector_on_the_containers_logs(project: Path) -> None:
    overlay = load(project / "compose.logs.yaml")
    collector = overlay["services"]["otel-collector"]
    assert collector["image"] == COLLECTOR_IMAGE
    assert "/var/lib/docker/containers:/var/lib/docker/containers:ro" in collector["volumes"]
    receiver = load(project / "observability" / "logs.yaml")["receivers"]["filelog/containers"]
    assert all(pattern.startswith("/var/lib/docker/containers/") for pattern in receiver["include"])
    state = load(project / "observability" / "logs.yaml")["extensions"]["file_storage/logs"]["directory"]
    assert any(volume.endswith(f":{state}") for volume in collector["volumes"])
    for name, config in overlay["configs"].items():
        assert (project / config["file"]).is_file(), name
    assert any("${LOGS_BACKEND:?" in argument for argument in collector["command"])
    for backend in BACKENDS:
        text = (project / "observability" / f"logs-{backend}.yaml").read_text()
        for variable in ENV_PLACEHOLDER.findall(text):
            assert variable in collector["environment"], f"{variable} is not passed to the collector"
    base = load(project / "compose.yaml")
    if "otel-collector" in base["services"]:
        assert base["services"]["otel-collector"]["image"] == COLLECTOR_IMAGE
        assert "--config=/etc/otelcol-contrib/config.yaml" in collector["command"]


def test_the_readme_says_how_to_ship_logs(project: Path) -> None:
    readme = (project / "README.md").read_text()
    assert "## Shipping logs" in readme
    assert "compose.logs.yaml" in readme and "LOGS_BACKEND" in readme
