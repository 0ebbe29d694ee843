"""No deployable carries a copy of another's code: what two deployables both need lives once, in a
workspace package (packages/platform, packages/contracts).

Every preset is rendered (not installed), each broker of the multi-deployable ones; the source and test
files of its deployables (TypeScript, JavaScript, SQL) over 10 lines are compared byte for byte. A
shorter file (a re-export, a one-line wiring) may coincide without being a copy worth sharing.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path

import pytest
from copier import run_copy

#: The five renders are made once, on one worker.
pytestmark = pytest.mark.xdist_group("no-copies")

MOST_LINES_OF_A_COINCIDENCE = 10
SOURCE_SUFFIXES = (".ts", ".js", ".mjs", ".sql")
VARIANTS = {
    "monolith": {"preset": "monolith"},
    "extracted-rabbitmq": {"preset": "extracted", "broker": "rabbitmq"},
    "extracted-nats": {"preset": "extracted", "broker": "nats"},
    "microservices-rabbitmq": {"preset": "microservices", "broker": "rabbitmq"},
    "microservices-nats": {"preset": "microservices", "broker": "nats"},
}

#: Files (path inside the deployable) still repeated across deployables while their concern moves to
#: packages/platform. A file leaves this list when it moves; the test fails if one listed here is no
#: longer repeated anywhere, so the list only shrinks, and it must reach empty.
NOT_YET_SHARED = frozenset(
    {
        # The inbox's table stays in the schema of each service that consumes messages: a service's
        # migrations are one numbered history, recorded by version in its own schema_migrations (this
        # file is version 0001 there, its own tables follow), and copied into its image with them. A
        # platform-shipped migration would need a history of its own beside the service's, and with it a
        # new schema_migrations layout in every database already deployed. So this one stays a copy.
        "migrations/0001_create_processed_messages.sql",
    }
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, template_dir: Path) -> dict[str, Path]:
    projects = {}
    for name, answers in VARIANTS.items():
        dest = tmp_path_factory.mktemp(name) / "shop"
        run_copy(
            str(template_dir),
            dest,
            data={"project_name": "shop", **answers},
            defaults=True,
            unsafe=True,
            quiet=True,
        )
        projects[name] = dest
    return projects


def _deployables(project: Path) -> list[Path]:
    """The folders of the deployables: the root of a monolith, else the workspaces outside packages/."""
    manifest = json.loads((project / "package.json").read_text())
    if "imports" in manifest:  # a deployable at the root: the monolith
        return [project]
    return [
        project / workspace for workspace in manifest["workspaces"] if not workspace.startswith("packages/")
    ]


def _sources(deployable: Path) -> dict[str, bytes]:
    files = {}
    for path in deployable.rglob("*"):
        relative = path.relative_to(deployable)
        if relative.parts[0] in {"node_modules", "dist", "packages"} or not path.is_file():
            continue
        if path.suffix in SOURCE_SUFFIXES:
            content = path.read_bytes()
            if content.count(b"\n") > MOST_LINES_OF_A_COINCIDENCE:
                files[relative.as_posix()] = content
    return files


def _copies(project: Path) -> dict[str, list[str]]:
    """Each repeated file's path inside a deployable, with the deployables that carry it."""
    holders: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for deployable in _deployables(project):
        for relative, content in _sources(deployable).items():
            holders[hashlib.sha256(content).hexdigest()].append(
                (deployable.relative_to(project).as_posix(), relative)
            )
    copies: dict[str, list[str]] = defaultdict(list)
    for found in holders.values():
        if len({deployable for deployable, _ in found}) > 1:
            for deployable, relative in found:
                copies[relative].append(deployable)
    return copies


def test_every_preset_renders_its_deployables(rendered: dict[str, Path]) -> None:
    counts = {name: len(_deployables(project)) for name, project in rendered.items()}
    assert counts == {
        "monolith": 1,
        "extracted-rabbitmq": 2,
        "extracted-nats": 2,
        "microservices-rabbitmq": 4,
        "microservices-nats": 4,
    }


def test_no_file_is_repeated_across_deployables(rendered: dict[str, Path]) -> None:
    repeated = {
        f"{name}: {relative} in {', '.join(sorted(set(where)))}"
        for name, project in rendered.items()
        for relative, where in _copies(project).items()
        if relative not in NOT_YET_SHARED
    }
    assert not repeated, "move these to a workspace package:\n" + "\n".join(sorted(repeated))


def test_the_files_not_yet_shared_are_still_repeated(rendered: dict[str, Path]) -> None:
    still = {relative for project in rendered.values() for relative in _copies(project)}
    assert not NOT_YET_SHARED - still, (
        f"shared now, take them off NOT_YET_SHARED: {sorted(NOT_YET_SHARED - still)}"
    )


def test_the_platform_package_carries_only_what_the_deployables_use(rendered: dict[str, Path]) -> None:
    """The messaging infrastructure is in the package of the presets whose deployables use a broker only."""
    for name, project in rendered.items():
        platform = project / "packages" / "platform"
        dependencies = json.loads((platform / "package.json").read_text())["dependencies"]
        messaging = name != "monolith"
        assert (platform / "src" / "broker").is_dir() == messaging, name
        assert (platform / "src" / "inbox").is_dir() == messaging, name
        assert ("amqplib" in dependencies) == name.endswith("rabbitmq"), name
        assert ("@nats-io/jetstream" in dependencies) == name.endswith("nats"), name
        assert ("p-queue" in dependencies) == messaging, name
