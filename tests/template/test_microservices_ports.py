"""The development and deployed ports: defined once, in copier.yml (`port_step`, `ports`, `dev_ports`),
and read from there by the services' defaults, their .env.example files and the next steps `scalefold
new` prints, so the whole system runs on one machine."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from copier import run_copy
from scalefold.commands.new import _microservices_from_source
from scalefold.project_env import env_example


def _defaults(project_ts: Path) -> dict[str, int]:
    """The ports a service's src/shared/project.ts declares, by name (defaultPort, defaultWorkerPort…)."""
    declared = re.findall(r"(default\w*Port): (\d+),", project_ts.read_text())
    return {name: int(value) for name, value in declared}


def computed_ports(template_dir: Path, tmp_path: Path, preset: str, port: int) -> dict[str, dict[str, int]]:
    """copier.yml's `ports` and `dev_ports` for these answers, rendered by Copier from copier.yml alone."""
    source = tmp_path / f"questions-{preset}-{port}"
    (source / "template").mkdir(parents=True)
    shutil.copy(template_dir / "copier.yml", source / "copier.yml")
    ports_file = source / "template" / "ports.json.jinja"
    ports_file.write_text("{{ {'ports': ports, 'dev_ports': dev_ports} | tojson }}")
    project = tmp_path / f"ports-{preset}-{port}"
    run_copy(str(source), project, data={"project_name": "shop", "preset": preset, "port": port},
             defaults=True, quiet=True)
    return json.loads((project / "ports.json").read_text())


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("port", "users", "orders", "projector", "notifications", "worker", "metrics"),
    [(3000, 3001, 3002, 3003, 3004, 3005, (3006, 3007, 3008)),
     # Near the top of the range every port sits below the gateway's, none past 65535.
     (65533, 65532, 65531, 65530, 65529, 65528, (65527, 65526, 65525))],
)
def test_each_process_defaults_to_the_port_the_cli_announces(
    template_dir: Path, tmp_path: Path, port: int, users: int, orders: int, projector: int,
    notifications: int, worker: int, metrics: tuple[int, int, int],
) -> None:
    answers = {"project_name": "shop", "preset": "microservices", "port": port}
    run_copy(str(template_dir), tmp_path, data=answers, defaults=True, unsafe=True, quiet=True)
    services = tmp_path / "services"
    gateway_metrics, users_metrics, orders_metrics = metrics

    assert _defaults(services / "gateway/src/shared/project.ts") == {
        "defaultPort": port, "defaultMetricsPort": gateway_metrics,
    }
    assert _defaults(services / "users/src/shared/project.ts") == {
        "defaultPort": users, "defaultMetricsPort": users_metrics,
    }
    assert _defaults(services / "orders/src/shared/project.ts") == {
        "defaultPort": orders, "defaultProjectorPort": projector, "defaultMetricsPort": orders_metrics,
    }
    assert _defaults(services / "notifications/src/shared/project.ts") == {
        "defaultPort": notifications, "defaultWorkerPort": worker,
    }
    gateway_config = (services / "gateway/src/shared/project.ts").read_text()
    assert f"users: 'http://127.0.0.1:{users}'" in gateway_config
    assert f"orders: 'http://127.0.0.1:{orders}'" in gateway_config
    # What the services' .env.example files state, which `scalefold new` reads back for its next steps.
    assert env_example(services / "users")["PORT"] == str(users)
    assert (env_example(services / "orders")["PORT"], env_example(services / "orders")["PROJECTOR_PORT"]) == (
        str(orders), str(projector))
    assert env_example(services / "notifications")["WORKER_PORT"] == str(worker)
    steps = "\n".join(_microservices_from_source(tmp_path, port))
    for announced in (f"localhost:{users}", f"localhost:{orders}", f":{projector};", f":{notifications};",
                      f":{worker};"):
        assert announced in steps


def test_the_next_steps_point_to_the_env_example_when_it_no_longer_gives_a_port(tmp_path: Path) -> None:
    (tmp_path / "services/users").mkdir(parents=True)
    (tmp_path / "services/users/.env.example").write_text("# PORT=1\nHOST=0.0.0.0\n")
    steps = _microservices_from_source(tmp_path, 3000)
    assert any(line.startswith("npm run dev -w services/users") and "PORT in its .env.example" in line
               for line in steps)


@pytest.mark.parametrize("preset", ["monolith", "extracted", "microservices"])
@pytest.mark.parametrize("port", [1, 3000, 65527, 65528, 65533, 65535])
def test_ports_stay_valid_and_apart(template_dir: Path, tmp_path: Path, preset: str, port: int) -> None:
    computed = computed_ports(template_dir, tmp_path, preset, port)
    deployed, development = computed["ports"], computed["dev_ports"]
    assert deployed["http"] == port
    assert len(set(deployed.values())) == len(deployed)
    every = [*deployed.values(), *development.values()]
    assert all(1 <= p <= 65535 for p in every), computed
    if preset == "microservices":  # every process on one machine: none may share a port
        assert development["gateway"] == port and len(set(development.values())) == len(development)
    else:  # the deployed ports, by the deployable's kind
        assert development == {"monolith": port, "api": port, "notifications": deployed["consumer"],
                               "worker": deployed["worker"]}
