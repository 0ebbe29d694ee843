"""Helpers for the tests of generated delivery files: the linters, Dockerfile stages, Kustomize
rendering, the environment schema, and a kubectl stand-in that renders for real but applies nothing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from dockerfile_parse import DockerfileParser

Manifest = dict[str, Any]

PINNED_ACTION = re.compile(r"^(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40}) # v\d+\.\d+\.\d+$")


def one(objects: list[Manifest], kind: str, name: str) -> Manifest:
    """The one object of `kind` named `name` among rendered manifests."""
    (found,) = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    return found


def pod_spec(objects: list[Manifest], deployment: str) -> dict[str, Any]:
    return one(objects, "Deployment", deployment)["spec"]["template"]["spec"]


def containers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """A pod's containers, init containers included."""
    return spec["containers"] + spec.get("initContainers", [])


def assert_valid_manifests(objects: list[Manifest], deployments: set[str], namespace: str, version: str) -> None:
    """The rendered overlay has exactly `deployments`, all in `namespace`, each object valid against
    the Kubernetes `version` schemas (strict: an unknown field fails)."""
    assert {o["metadata"]["name"] for o in objects if o["kind"] == "Deployment"} == deployments
    assert {o["metadata"]["namespace"] for o in objects} == {namespace}
    for manifest in objects:
        try:
            kubernetes_validate.validate(manifest, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{manifest['kind']} {manifest['metadata']['name']}: {error.message}")


def tool(name: str) -> str | None:
    """The linter from the virtual environment running the tests, else from PATH."""
    beside_python = Path(sys.executable).parent / name
    return str(beside_python) if beside_python.is_file() else shutil.which(name)


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[tuple[str, str]]  # (INSTRUCTION, value)

    def values(self, instruction: str) -> list[str]:
        return [value for name, value in self.instructions if name == instruction]


def stages(dockerfile: Path) -> dict[str, Stage]:
    parsed = DockerfileParser(path=str(dockerfile))
    found: dict[str, Stage] = {}
    current: Stage | None = None
    for item in parsed.structure:
        instruction, value = item["instruction"], " ".join(item["value"].split())
        if instruction == "FROM":
            base, _, name = value.partition(" AS ")
            current = found.setdefault(name, Stage(name, base, []))
        elif current is not None and instruction != "COMMENT":
            current.instructions.append((instruction, value))
    return found


def kustomize(kubectl: str, directory: Path) -> list[Manifest]:
    """The objects `kubectl kustomize <directory>` prints."""
    result = subprocess.run(
        [kubectl, "kustomize", str(directory)], check=False, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def env_schema_defaults(app_dir: Path) -> dict[str, str | None]:
    """Every variable a deployable's configuration reads, with its default where it has one.

    Each configuration module declares the variables of its concern: the deployable's own in
    src/infrastructure/config/*.ts, the shared ones in packages/platform/src/config/, those it imports.
    """
    folder = app_dir / "src" / "infrastructure" / "config"
    modules = sorted(folder.glob("*.ts"))
    platform = next(p / "packages" / "platform" for p in (app_dir, *app_dir.parents) if (p / "packages").is_dir())
    shared = {m for path in modules for m in re.findall(r"'#platform/config/([a-z-]+)'", path.read_text())}
    modules += [platform / "src" / "config" / f"{name}.ts" for name in sorted(shared)]
    source = "\n".join(path.read_text() for path in modules)
    variables: dict[str, str | None] = {}
    for match in re.finditer(r"^(?:  |    )([A-Z][A-Z0-9_]*): (.*)$", source, flags=re.MULTILINE):
        default = re.search(r"default: ([^,}]+)", match[2])
        variables[match[1]] = default[1].strip().strip("'") if default else None
    return variables


FAKE_KUBECTL = """#!{python}
# Renders with the real kubectl; records every other call (and the manifests it would apply) instead
# of talking to a cluster.
import json, os, subprocess, sys
import pytest
import yaml
args = sys.argv[1:]
if args[:1] == ["kustomize"]:
    sys.exit(subprocess.run([{real!r}, *args]).returncode)
kubeconfig = os.environ.get("KUBECONFIG")
call = {{"args": args, "kubeconfig": open(kubeconfig).read() if kubeconfig else None}}
if "apply" in args:
    call["manifests"] = open(args[args.index("--filename") + 1]).read()
    for doc in yaml.safe_load_all(call["manifests"]):
        group = doc["apiVersion"].rpartition("/")[0]
        print(f"{{doc['kind'].lower()}}{{'.' + group if group else ''}}/{{doc['metadata']['name']}}")
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps(call) + "\\n")
if "rollout" in args:
    sys.exit(int(os.environ.get("FAKE_EXIT_ROLLOUT", "0")))
"""


def fake_kubectl(bin_dir: Path, real_kubectl: str) -> Path:
    """Writes the kubectl stand-in into bin_dir (put it first on PATH; it logs to $FAKE_LOG)."""
    bin_dir.mkdir(exist_ok=True)
    path = bin_dir / "kubectl"
    path.write_text(FAKE_KUBECTL.format(python=sys.executable, real=real_kubectl))
    path.chmod(0o755)
    return path


def assert_docker_compose_accepts(project: Path) -> None:
    """`docker compose config` accepts the project's compose.yaml; skipped without a compose client."""
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "compose", "version"], capture_output=True).returncode != 0:
        pytest.skip("the docker compose client is not installed")
    env = {**os.environ, "JWT_SECRET": "x" * 48, "JWT_PRIVATE_KEY": "an Ed25519 key in PEM"}
    result = subprocess.run(
        [docker, "compose", "config", "--quiet"], cwd=project, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
