"""The audited project: its files, read and parsed lazily, once, and shared by every rule."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from scalefold.audit.files import FileEntry, FileTree, read_text, walk
from scalefold.audit.model import Hit, NotApplicable, Note
from scalefold.audit.parsers import js as jsparse
from scalefold.audit.parsers.dockerfile import (
    Dockerfile,
    is_development_dockerfile,
    is_dockerfile,
    parse_dockerfile,
)
from scalefold.audit.parsers.k8s import Workload, parse_workload
from scalefold.audit.parsers.workflow import Workflow, is_workflow, parse_workflow
from scalefold.audit.parsers.yamlloc import LMap, ParseError, load_json, load_yaml_documents

FRAMEWORKS = {
    "fastify": "fastify",
    "express": "express",
    "koa": "koa",
    "@nestjs/core": "nestjs",
    "hono": "hono",
    "@hapi/hapi": "hapi",
    "restify": "restify",
}

FRONTEND_FRAMEWORKS = (
    "react",
    "react-dom",
    "vue",
    "svelte",
    "next",
    "nuxt",
    "@angular/core",
    "solid-js",
    "preact",
)

_NOT_SERVER_DIRS = frozenset(
    {
        "test",
        "tests",
        "__tests__",
        "__mocks__",
        "spec",
        "e2e",
        "fixtures",
        "__fixtures__",
        "scripts",
        "bench",
        "benchmark",
        "benchmarks",
        "examples",
        "example",
        "docs",
        "tools",
        "stories",
        ".storybook",
        "cypress",
        "playwright",
        "seeds",
    }
)
_NOT_SERVER_FILE = re.compile(
    r"(\.(test|spec|e2e|bench|config|stories|test-d|tst)\.[cm]?[jt]sx?$)|(\.d\.[cm]?ts$)|(\.min\.js$)"
    r"|(^(eslint|prettier|vitest|jest|vite|webpack|rollup|tsup|babel)\.config\.)|(^\.eslintrc)|(^gulpfile|^gruntfile)",
    re.IGNORECASE,
)
PARALLEL_THRESHOLD = 400  # below this many files a process pool costs more than it saves


def is_server_source(rel: str) -> bool:
    """Application code that runs in production, as opposed to tests, scripts and configuration."""
    if not rel.endswith(jsparse.JS_EXTENSIONS):
        return False
    parts = rel.split("/")
    if any(part in _NOT_SERVER_DIRS for part in parts[:-1]):
        return False
    return not _NOT_SERVER_FILE.search(parts[-1])


@dataclass
class NodePackage:
    """One package.json and the code beside it: the unit most rules judge."""

    dir: str  # "" for the root, else "services/api"
    path: str  # its package.json
    data: LMap
    framework: str | None

    @property
    def deps(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for key in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies"):
            section = self.data.get(key)
            if isinstance(section, dict):
                merged.update({str(k): str(v) for k, v in section.items()})
        return merged

    @property
    def runtime_deps(self) -> dict[str, str]:
        section = self.data.get("dependencies")
        return {str(k): str(v) for k, v in section.items()} if isinstance(section, dict) else {}

    def has_dep(self, *names: str) -> str | None:
        deps = self.deps
        return next((n for n in names if n in deps), None)

    def dep_line(self, name: str) -> int:
        for key in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies"):
            section = self.data.get(key)
            if isinstance(section, LMap) and name in section:
                return section.line_of(name)
        return 1

    def key_line(self, key: str) -> int:
        return self.data.line_of(key) if isinstance(self.data, LMap) else 1

    @property
    def frontend(self) -> bool:
        """A browser application (React, Vue, …) with no server framework: not server code."""
        return self.framework is None and self.has_dep(*FRONTEND_FRAMEWORKS) is not None

    def contains(self, rel: str) -> bool:
        return not self.dir or rel.startswith(self.dir + "/")

    @property
    def label(self) -> str:
        return str(self.data.get("name") or self.dir or "the root package")


@dataclass(frozen=True)
class Anchor:
    """Where to point a finding about something missing."""

    path: str
    line: int
    snippet: str


def _analyse_entry(entry: tuple[str, str, int]) -> jsparse.JsFacts:
    rel, path, size = entry
    result = read_text(FileEntry(rel, Path(path), size), max_bytes=1024 * 1024)
    if result.text is None:
        facts = jsparse.JsFacts(path=rel)
        if result.note is not None:
            facts.notes.append(result.note)
        return facts
    try:
        return jsparse.analyse(rel, result.text.encode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - one pathological file (or visitor bug) must not end the audit
        facts = jsparse.JsFacts(path=rel)
        facts.notes.append(Note(rel, f"could not be analysed ({exc.__class__.__name__}), skipped"))
        return facts


def _worker_init() -> None:
    from scalefold.audit.registry import catalogue

    catalogue()


def _worker_count() -> int:
    try:
        return max(1, min(len(os.sched_getaffinity(0)), 8))
    except AttributeError:  # not on Linux
        return max(1, min(os.cpu_count() or 1, 8))


class Project:
    """Lazy, cached access to everything the rules read."""

    def __init__(
        self,
        root: Path,
        *,
        exclude: tuple[str, ...] = (),
        today: date | None = None,
        jobs: int | None = None,
        command_runner: Callable[..., Any] | None = None,
    ) -> None:
        self.root = root
        self.command_runner = command_runner  # runs npm audit / pip-audit; tests pass a stub
        self.tree: FileTree = walk(root, exclude)
        self.notes: list[Note] = list(self.tree.notes)
        self.today = today or date.today()
        self.jobs = jobs
        self._text: dict[str, str | None] = {}
        self._yaml: dict[str, list[Any] | None] = {}
        self._json: dict[str, Any] = {}

    # ------------------------------------------------------------------ files

    @property
    def files(self) -> dict[str, FileEntry]:
        return self.tree.files

    def has(self, rel: str) -> bool:
        return rel in self.tree.files

    def glob(self, pattern: str) -> list[str]:
        regex = re.compile(pattern)
        return [rel for rel in self.tree.files if regex.fullmatch(rel)]

    def note(self, path: str, message: str) -> None:
        note = Note(path, message)
        if note not in self.notes:
            self.notes.append(note)

    def read(self, rel: str) -> str | None:
        if rel not in self._text:
            entry = self.tree.files.get(rel)
            if entry is None:
                self._text[rel] = None
            else:
                result = read_text(entry)
                if result.note is not None:
                    self.note(result.note.path, result.note.message)
                self._text[rel] = result.text
        return self._text[rel]

    def lines(self, rel: str) -> list[str]:
        text = self.read(rel)
        return text.splitlines() if text is not None else []

    def line_text(self, rel: str, line: int) -> str:
        lines = self.lines(rel)
        return lines[line - 1].strip() if 0 < line <= len(lines) else ""

    def yaml(self, rel: str) -> list[Any] | None:
        if rel not in self._yaml:
            text = self.read(rel)
            docs: list[Any] | None = None
            if text is not None:
                try:
                    docs = load_yaml_documents(text)
                except ParseError as exc:
                    self.note(rel, f"{exc}, skipped")
            self._yaml[rel] = docs
        return self._yaml[rel]

    def json(self, rel: str) -> Any:
        if rel not in self._json:
            text = self.read(rel)
            data = None
            if text is not None:
                try:
                    data = load_json(text)
                except ParseError as exc:
                    self.note(rel, f"{exc}, skipped")
            self._json[rel] = data
        return self._json[rel]

    # ------------------------------------------------------------------ Node packages

    @cached_property
    def packages(self) -> list[NodePackage]:
        found: list[NodePackage] = []
        for rel in sorted(self.tree.files):
            if rel == "package.json" or rel.endswith("/package.json"):
                data = self.json(rel)
                if not isinstance(data, dict):
                    continue
                located = data if isinstance(data, LMap) else LMap(data)
                pkg_dir = rel[: -len("package.json")].rstrip("/")
                pkg = NodePackage(pkg_dir, rel, located, None)
                deps = pkg.deps
                pkg.framework = next((FRAMEWORKS[name] for name in FRAMEWORKS if name in deps), None)
                found.append(pkg)
        return found

    @property
    def root_package(self) -> NodePackage | None:
        return next((p for p in self.packages if p.dir == ""), None) or (
            self.packages[0] if self.packages else None
        )

    @cached_property
    def services(self) -> list[NodePackage]:
        """Packages that run an HTTP server (they have a web framework among their dependencies)."""
        return [p for p in self.packages if p.framework is not None]

    def require_node(self) -> list[NodePackage]:
        if not self.packages:
            raise NotApplicable("no package.json")
        return self.packages

    def require_services(self) -> list[NodePackage]:
        self.require_node()
        if not self.services:
            raise NotApplicable("no HTTP server framework among the dependencies")
        return self.services

    def package_of(self, rel: str) -> NodePackage | None:
        best: NodePackage | None = None
        for pkg in self.packages:
            if pkg.contains(rel) and (best is None or len(pkg.dir) > len(best.dir)):
                best = pkg
        return best

    # ------------------------------------------------------------------ source code

    @cached_property
    def sources(self) -> list[str]:
        if not self.packages:
            return []
        return [rel for rel in sorted(self.tree.files) if is_server_source(rel)]

    @cached_property
    def js(self) -> dict[str, jsparse.JsFacts]:
        """Facts of every server source file, each parsed once (in a process pool when many)."""
        entries = [(rel, str(self.tree.files[rel].path), self.tree.files[rel].size) for rel in self.sources]
        workers = self.jobs if self.jobs is not None else _worker_count()
        results: Iterable[jsparse.JsFacts]
        if workers > 1 and len(entries) >= PARALLEL_THRESHOLD:
            results = self._analyse_parallel(entries, workers)
        else:
            _worker_init()
            results = map(_analyse_entry, entries)
        facts: dict[str, jsparse.JsFacts] = {}
        for item in results:
            facts[item.path] = item
            for note in item.notes:
                self.note(note.path, note.message)
        return facts

    @staticmethod
    def _analyse_parallel(entries: list[tuple[str, str, int]], workers: int) -> list[jsparse.JsFacts]:
        import multiprocessing

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        context = multiprocessing.get_context(method)
        chunk = max(16, len(entries) // (workers * 8))
        try:
            with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init) as pool:
                return list(pool.map(_analyse_entry, entries, chunksize=chunk))
        except (OSError, RuntimeError):  # no processes allowed here: do the work in this one
            _worker_init()
            return [_analyse_entry(e) for e in entries]

    def js_hits(self, rule_id: str, *, server_only: bool = False) -> Iterator[Hit]:
        """Hits the source visitors reported for ``rule_id`` (``server_only``: not in front-end packages)."""
        for rel, facts in self.js.items():
            if server_only:
                owner = self.package_of(rel)
                if owner is not None and owner.frontend:
                    continue
            for hit_rule, hit in facts.hits:
                if hit_rule == rule_id:
                    yield hit

    @cached_property
    def _sources_by_package(self) -> dict[int, list[jsparse.JsFacts]]:
        grouped: dict[int, list[jsparse.JsFacts]] = {}
        for rel, facts in self.js.items():
            owner = self.package_of(rel)
            if owner is not None:
                grouped.setdefault(id(owner), []).append(facts)
        return grouped

    def package_sources(self, pkg: NodePackage) -> list[jsparse.JsFacts]:
        """Source facts of the files that belong to ``pkg`` (not to a package nested inside it)."""
        return self._sources_by_package.get(id(pkg), [])

    @cached_property
    def _signals_by_package(self) -> dict[int, dict[str, Anchor]]:
        """For each package, the first place each signal shows in its code (files in path order)."""
        index: dict[int, dict[str, Anchor]] = {}
        for pkg in self.packages:
            first: dict[str, Anchor] = {}
            for facts in self.package_sources(pkg):
                for name, (line, code) in facts.signals.items():
                    first.setdefault(name, Anchor(facts.path, line, code))
            index[id(pkg)] = first
        return index

    def signal(self, pkg: NodePackage, *names: str) -> Anchor | None:
        """Where one of the named signals first shows in ``pkg``'s code, if anywhere."""
        found = self._signals_by_package.get(id(pkg), {})
        return next((found[name] for name in names if name in found), None)

    def anchor(self, pkg: NodePackage) -> Anchor:
        """Where to report something missing from a service: where its server is created."""
        found = self.signal(pkg, "app")
        if found is not None:
            return found
        return Anchor(pkg.path, pkg.key_line("dependencies"), f"{pkg.label} dependencies")

    # ------------------------------------------------------------------ Dockerfiles

    @cached_property
    def dockerfiles(self) -> list[Dockerfile]:
        found: list[Dockerfile] = []
        for rel in sorted(self.tree.files):
            if not is_dockerfile(rel):
                continue
            if is_development_dockerfile(rel):
                self.note(rel, "development Dockerfile, not audited")
                continue
            text = self.read(rel)
            if text is None:
                continue
            try:
                found.append(parse_dockerfile(rel, text))
            except Exception as exc:  # noqa: BLE001 - dockerfile-parse raises assorted errors on odd input
                self.note(rel, f"could not be parsed ({exc.__class__.__name__}), skipped")
        return [d for d in found if d.stages]

    def require_dockerfiles(self) -> list[Dockerfile]:
        if not self.dockerfiles:
            raise NotApplicable("no Dockerfile")
        return self.dockerfiles

    # ------------------------------------------------------------------ GitHub Actions

    @cached_property
    def workflows(self) -> list[Workflow]:
        found: list[Workflow] = []
        for rel in sorted(self.tree.files):
            if not is_workflow(rel):
                continue
            docs = self.yaml(rel)
            if not docs:
                continue
            workflow = parse_workflow(rel, docs[0])
            if workflow is not None:
                found.append(workflow)
        return found

    def require_workflows(self) -> list[Workflow]:
        if not self.workflows:
            raise NotApplicable("no GitHub Actions workflows")
        return self.workflows

    # ------------------------------------------------------------------ Kubernetes

    @cached_property
    def _kustomize_patches(self) -> set[str]:
        patches: set[str] = set()
        for rel in self.tree.files:
            name = rel.rsplit("/", 1)[-1]
            if name not in {"kustomization.yaml", "kustomization.yml", "Kustomization"}:
                continue
            base = rel[: -len(name)]
            for doc in self.yaml(rel) or []:
                if not isinstance(doc, dict):
                    continue
                items: list[Any] = []
                for key in ("patchesStrategicMerge", "patches", "patchesJson6902"):
                    value = doc.get(key)
                    if isinstance(value, list):
                        items += value
                for item in items:
                    target = item.get("path") if isinstance(item, dict) else item
                    if isinstance(target, str) and "\n" not in target:
                        patches.add(os.path.normpath(base + target).replace(os.sep, "/"))
        return patches

    @cached_property
    def workloads(self) -> list[Workload]:
        found: list[Workload] = []
        for rel in sorted(self.tree.files):
            if not rel.endswith((".yaml", ".yml")) or rel.startswith(".github/") or "/.github/" in rel:
                continue
            if rel in self._kustomize_patches:
                continue
            parts = rel.split("/")
            if "templates" in parts[:-1]:
                chart_dir = "/".join(parts[: parts.index("templates")])
                if self.has(f"{chart_dir}/Chart.yaml" if chart_dir else "Chart.yaml"):
                    self.note(rel, "Helm template, not audited (audit the output of `helm template`)")
                    continue
            text = self.read(rel)
            if text is None or "apiVersion" not in text or "kind" not in text:
                continue  # cheap pre-filter: only manifests can hold workloads
            for doc in self.yaml(rel) or []:
                workload = parse_workload(rel, doc)
                if workload is not None:
                    found.append(workload)
        return found

    def require_workloads(self) -> list[Workload]:
        if not self.workloads:
            raise NotApplicable("no Kubernetes workload manifests")
        return self.workloads
