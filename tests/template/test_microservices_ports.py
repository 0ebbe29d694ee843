"""The microservices preset's development ports: one rule for the services' defaults, the gateway's
routes and the next steps `scalefold new` prints, so the whole system runs on one machine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from copier import run_copy

from scalefold.commands.new import MICROSERVICES_DEV_PORTS, dev_port


def _defaults(project_ts: Path) -> dict[str, int]:
    """The ports a service's src/shared/project.ts declares, by name (defaultPort, defaultWorkerPort…)."""
    return {name: int(value) for name, value in re.findall(r"(default\w*Port): (\d+),", project_ts.read_text())}


@pytest.mark.smoke
@pytest.mark.parametrize("port", [3000, 65533])
def test_each_process_defaults_to_the_port_the_cli_announces(template_dir: Path, tmp_path: Path, port: int) -> None:
    run_copy(str(template_dir), tmp_path, data={"project_name": "shop", "preset": "microservices", "port": port},
             defaults=True, unsafe=True, quiet=True)
    expected = {name: dev_port(port, offset) for name, offset in MICROSERVICES_DEV_PORTS.items()}
    services = tmp_path / "services"

    assert _defaults(services / "gateway/src/shared/project.ts") == {
        "defaultPort": port,
        "defaultMetricsPort": expected["gateway_metrics"],
    }
    assert _defaults(services / "users/src/shared/project.ts") == {
        "defaultPort": expected["users"],
        "defaultMetricsPort": expected["users_metrics"],
    }
    assert _defaults(services / "orders/src/shared/project.ts") == {
        "defaultPort": expected["orders"],
        "defaultProjectorPort": expected["projector"],
        "defaultMetricsPort": expected["orders_metrics"],
    }
    assert _defaults(services / "notifications/src/shared/project.ts") == {
        "defaultPort": expected["consumer"],
        "defaultWorkerPort": expected["worker"],
    }
    gateway_config = (services / "gateway/src/infrastructure/config/config.ts").read_text()
    assert f"users: 'http://127.0.0.1:{expected['users']}'" in gateway_config
    assert f"orders: 'http://127.0.0.1:{expected['orders']}'" in gateway_config
    ports = [port, *expected.values()]
    assert len(set(ports)) == len(ports) and all(0 < p <= 65535 for p in ports)
