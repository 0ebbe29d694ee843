"""Which packages of a repository are deployed servers, and which packages each one builds on.

A monorepo holds library packages beside its deployables: a Fastify plugin package or an Express
middleware package depends on the framework without ever running a server, and a scaffolding
template (``templates/api``) is copied into new apps, never deployed. Rules that judge "a service"
(helmet, rate limit, health routes, process handlers…) skip both. What a library registers counts
for the apps that depend on it: helmet registered by a shared ``fastify-base`` package protects
every app built on it.
"""

from __future__ import annotations

from collections.abc import Iterable

from scalefold.audit.packages import FRAMEWORKS, NodePackage

# Folders whose packages are copied by a generator into new projects, not deployed as they are.
TEMPLATE_DIRS = frozenset({"templates", "template", "_templates", "blueprints"})
# Scripts that start a process: a package with one of them is run, not only imported.
START_SCRIPTS = ("start", "start:prod", "start:production", "serve", "dev", "start:dev")


def _names(packages: Iterable[NodePackage]) -> dict[str, NodePackage]:
    return {str(p.data.get("name")): p for p in packages if p.valid and p.data.get("name")}


def is_template(pkg: NodePackage) -> bool:
    return any(part in TEMPLATE_DIRS for part in pkg.dir.split("/"))


def _runs(pkg: NodePackage) -> bool:
    scripts = pkg.data.get("scripts")
    return isinstance(scripts, dict) and any(name in scripts for name in START_SCRIPTS)


def _framework_is_peer(pkg: NodePackage) -> bool:
    """A plugin package: it declares its web framework as a peer dependency, never as its own."""
    peers = pkg.data.get("peerDependencies")
    own = pkg.runtime_deps
    return isinstance(peers, dict) and any(name in peers and name not in own for name in FRAMEWORKS)


def libraries(packages: list[NodePackage]) -> set[str]:
    """Folders of the workspace's library packages: they start nothing, and another package depends
    on them or they take their framework as a peer dependency."""
    by_name = _names(packages)
    depended = {
        by_name[name].dir
        for pkg in packages
        for name in pkg.deps
        if name in by_name and by_name[name] is not pkg
    }
    return {
        pkg.dir
        for pkg in packages
        if pkg.dir and not _runs(pkg) and (pkg.dir in depended or _framework_is_peer(pkg))
    }


def deployed_servers(packages: list[NodePackage]) -> list[NodePackage]:
    """Packages with a web framework that are deployed: not a workspace library, not a template."""
    library_dirs = libraries(packages)
    return [
        p for p in packages if p.framework is not None and p.dir not in library_dirs and not is_template(p)
    ]


def workspace_dependencies(pkg: NodePackage, packages: list[NodePackage]) -> list[NodePackage]:
    """The workspace packages ``pkg`` builds on, transitively, nearest first (``pkg`` excluded)."""
    by_name = _names(packages)
    seen = {pkg.dir}
    order: list[NodePackage] = []
    queue = [pkg]
    while queue:
        current = queue.pop(0)
        for name in sorted(current.deps):
            dep = by_name.get(name)
            if dep is not None and dep.dir not in seen:
                seen.add(dep.dir)
                order.append(dep)
                queue.append(dep)
    return order
