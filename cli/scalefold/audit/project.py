"""The audited project: its files, read and parsed lazily, once, and shared by every rule.

The project also keeps track of what it could not read, by kind of input (source, Dockerfile,
workflow, Kubernetes manifest), and of which kinds the rule being run has looked at: a rule that
found nothing while some input it depends on was unreadable did not pass, it could not decide (see
``unread_consulted``). A package.json that cannot be read still makes a package (``NodePackage.valid``
is false); the rules that need its fields say so themselves.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import Any, NoReturn

from scalefold.audit.detectors import APP, SERVER
from scalefold.audit.files import FileEntry, FileTree, read_text, walk
from scalefold.audit.js.analysis import analyse
from scalefold.audit.js.facts import JsFacts, VisitorError
from scalefold.audit.js.syntax import bare_module
from scalefold.audit.js.visitors import VisitorTable
from scalefold.audit.model import Hit, Location, NotApplicable, Note, Undetermined
from scalefold.audit.packages import NodePackage, is_server_source
from scalefold.audit.parsers.dockerfile import (
    Dockerfile,
    is_development_dockerfile,
    is_dockerfile,
    parse_dockerfile,
)
from scalefold.audit.parsers.k8s import Workload, parse_workload
from scalefold.audit.parsers.workflow import Workflow, is_workflow, parse_workflow
from scalefold.audit.parsers.yamlloc import LMap, ParseError, load_json, load_yaml_documents
from scalefold.audit.workspace import deployed_servers, workspace_dependencies

PARALLEL_THRESHOLD = 400  # below this many source files a process pool costs more than it saves
MAX_SOURCE_BYTES = 1024 * 1024


class Input(str, Enum):
    """Kinds of input a rule depends on; one that could not be read leaves the rule undetermined."""

    SOURCE = "source"
    DOCKERFILE = "Dockerfile"
    WORKFLOW = "workflow"
    KUBERNETES = "Kubernetes manifest"


# --------------------------------------------------------------------------- source analysis (workers)

_TABLE: VisitorTable | None = None


def _worker_init(table: VisitorTable) -> None:
    global _TABLE
    _TABLE = table


def _analyse_entry(entry: FileEntry) -> JsFacts:
    assert _TABLE is not None
    result = read_text(entry, max_bytes=MAX_SOURCE_BYTES)
    if result.data is None:
        facts = JsFacts(path=entry.rel, unread=result.note.message if result.note else "not read")
        if result.note is not None:
            facts.notes.append(result.note)
        return facts
    try:
        return analyse(entry.rel, result.data, _TABLE)
    except Exception as exc:  # noqa: BLE001 - a parser failure on one file must not end the audit
        reason = f"could not be analysed ({exc.__class__.__name__}), skipped"
        return JsFacts(path=entry.rel, notes=[Note(entry.rel, reason)], unread=reason)


def _worker_count() -> int:
    try:
        return max(1, min(len(os.sched_getaffinity(0)), 8))
    except AttributeError:  # not on Linux
        return max(1, min(os.cpu_count() or 1, 8))


def _analyse_all(entries: list[FileEntry], table: VisitorTable, workers: int) -> list[JsFacts]:
    if workers > 1 and len(entries) >= PARALLEL_THRESHOLD:
        import multiprocessing

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        context = multiprocessing.get_context(method)
        # Small chunks keep the workers evenly loaded to the end (a chunk is some 60 ms of work);
        # the results still come back in the order of ``entries``.
        chunk = max(16, len(entries) // (workers * 32))
        try:
            with ProcessPoolExecutor(
                workers, mp_context=context, initializer=_worker_init, initargs=(table,)
            ) as pool:
                return list(pool.map(_analyse_entry, entries, chunksize=chunk))
        except (OSError, RuntimeError):  # no processes allowed here: do the work in this one
            pass
    _worker_init(table)
    return [_analyse_entry(entry) for entry in entries]


# --------------------------------------------------------------------------- the project


class Project:
    """Lazy, cached access to everything the rules read."""

    def __init__(
        self,
        root: Path,
        *,
        visitors: VisitorTable | None = None,
        exclude: tuple[str, ...] = (),
        today: date | None = None,
        jobs: int | None = None,
        command_runner: Callable[..., Any] | None = None,
    ) -> None:
        self.root = root
        self.visitors = visitors or VisitorTable()
        self.command_runner = command_runner  # runs npm audit / pip-audit; tests pass a stub
        self.tree: FileTree = walk(root, exclude)
        self.notes: list[Note] = list(self.tree.notes)
        self.today = today or date.today()
        self.jobs = jobs
        self.unread: dict[Input, dict[str, str]] = {kind: {} for kind in Input}
        self.consulted: set[Input] = set()
        self._text: dict[str, str | None] = {}
        self._not_read: dict[str, str] = {}  # why a file could not be read
        self._yaml: dict[str, list[Any] | None] = {}
        self._json: dict[str, Any] = {}
        self._json_errors: dict[str, ParseError] = {}
        self._shared: dict[str, Any] = {}

    # ------------------------------------------------------------------ files

    @property
    def files(self) -> dict[str, FileEntry]:
        return self.tree.files

    def has(self, rel: str) -> bool:
        return rel in self.tree.files

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
                    self._not_read[rel] = result.note.message
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
                    self._not_read[rel] = str(exc)
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
                    self._json_errors[rel] = exc
                    self.note(rel, f"{exc}, skipped")
                    self._not_read[rel] = str(exc)
            self._json[rel] = data
        return self._json[rel]

    def json_error(self, rel: str) -> ParseError | None:
        """Why ``rel`` could not be read as JSON (after ``json(rel)``), if it could not."""
        return self._json_errors.get(rel)

    def shared(self, key: str, compute: Callable[[], Any]) -> Any:
        """A value derived once per run and shared by the rules that need it (``key`` names it)."""
        if key not in self._shared:
            self._shared[key] = compute()
        return self._shared[key]

    # ------------------------------------------------------------------ what could not be read

    def begin_rule(self) -> None:
        self.consulted = set()

    def consult(self, kind: Input) -> None:
        self.consulted.add(kind)

    def unread_consulted(self) -> list[tuple[Input, str, str]]:
        """(kind, path, reason) of the unreadable inputs of the kinds the current rule looked at."""
        return [
            (kind, path, reason)
            for kind in Input
            if kind in self.consulted
            for path, reason in sorted(self.unread[kind].items())
        ]

    def _unreadable(self, kind: Input, rel: str, reason: str) -> None:
        self.unread[kind].setdefault(rel, reason)

    def _nothing_read(self, kind: Input, absent: str) -> NoReturn:
        """Nothing of ``kind`` to look at: not applicable, unless some of it could not be read."""
        unread = sorted(self.unread[kind].items())
        if unread:
            raise Undetermined(unread_reason((kind, path, reason) for path, reason in unread))
        raise NotApplicable(absent)

    # ------------------------------------------------------------------ Node packages

    @cached_property
    def packages(self) -> list[NodePackage]:
        found: list[NodePackage] = []
        for rel in sorted(self.tree.files):
            if rel != "package.json" and not rel.endswith("/package.json"):
                continue
            pkg_dir = rel[: -len("package.json")].rstrip("/")
            data = self.json(rel)
            error: str | None = None
            error_line = 1
            if not isinstance(data, dict):
                parse_error = self.json_error(rel)
                if parse_error is not None:
                    error, error_line = str(parse_error), parse_error.line or 1
                else:
                    error = self._not_read.get(rel, "not read") if data is None else "not a JSON object"
                data = {}
            pkg = NodePackage(pkg_dir, rel, data if isinstance(data, LMap) else LMap(data), error, error_line)
            if error is not None:
                pkg.imported = self._imports_of(pkg)
            found.append(pkg)
        return found

    def _imports_of(self, pkg: NodePackage) -> Callable[[], set[str]]:
        """What ``pkg``'s code imports: its dependencies, when its package.json cannot say."""

        def imported() -> set[str]:
            return {
                bare_module(imp.spec)
                for facts in self.package_sources(pkg)
                for imp in facts.imports
                if not imp.spec.startswith((".", "/"))
            }

        return imported

    @cached_property
    def _package_by_dir(self) -> dict[str, NodePackage]:
        return {pkg.dir: pkg for pkg in self.packages}

    def package_of(self, rel: str) -> NodePackage | None:
        """The innermost package whose folder holds ``rel``."""
        by_dir = self._package_by_dir
        folder = rel.rpartition("/")[0]
        while True:
            pkg = by_dir.get(folder)
            if pkg is not None:
                return pkg
            if not folder:
                return None
            folder = folder.rpartition("/")[0]

    @property
    def root_package(self) -> NodePackage | None:
        return self._package_by_dir.get("") or (self.packages[0] if self.packages else None)

    @cached_property
    def services(self) -> list[NodePackage]:
        """Packages deployed as HTTP servers: a web framework among their dependencies, and neither a
        library other workspace packages build on nor a scaffolding template (``workspace.py``)."""
        return deployed_servers(self.packages)

    def require_node(self) -> list[NodePackage]:
        if not self.packages:
            raise NotApplicable("no package.json")
        return self.packages

    def require_services(self) -> list[NodePackage]:
        self.require_node()
        if not self.services:
            raise NotApplicable("no HTTP server framework among the dependencies")
        return self.services

    def require_sources(self) -> None:
        self.require_node()
        if not self.sources:
            raise NotApplicable("no server source code")

    # ------------------------------------------------------------------ source code

    @cached_property
    def sources(self) -> list[str]:
        if not self.packages:
            return []
        return [rel for rel in sorted(self.tree.files) if is_server_source(rel)]

    @cached_property
    def js(self) -> dict[str, JsFacts]:
        """Facts of every server source file, each parsed once (in a process pool when many)."""
        entries = [self.tree.files[rel] for rel in self.sources]
        workers = self.jobs if self.jobs is not None else _worker_count()
        facts: dict[str, JsFacts] = {}
        for item in _analyse_all(entries, self.visitors, workers):
            facts[item.path] = item
            for note in item.notes:
                self.note(note.path, note.message)
            if item.unread is not None:
                self._unreadable(Input.SOURCE, item.path, item.unread)
        return facts

    def source_facts(self) -> dict[str, JsFacts]:
        self.consult(Input.SOURCE)
        return self.js

    @cached_property
    def _hits_by_owner(self) -> dict[str, list[Hit]]:
        index: dict[str, list[Hit]] = {}
        for facts in self.js.values():
            for owner, hits in facts.hits.items():
                index.setdefault(owner, []).extend(hits)
        return index

    def source_hits(self, owner: Any, *, server_only: bool = False) -> Iterator[Hit]:
        """What ``owner``'s visitors reported, in file order (``server_only``: not in front-end packages)."""
        self.consult(Input.SOURCE)
        for hit in self._hits_by_owner.get(owner.id, []):
            if server_only:
                pkg = self.package_of(hit.location.path)
                if pkg is not None and pkg.frontend:
                    continue
            yield hit

    @cached_property
    def visitor_errors(self) -> dict[str, list[tuple[str, VisitorError]]]:
        """Visitors that crashed, by owner: (file, error)."""
        errors: dict[str, list[tuple[str, VisitorError]]] = {}
        for facts in self.js.values():
            for error in facts.errors:
                errors.setdefault(error.owner, []).append((facts.path, error))
        return errors

    @cached_property
    def _sources_by_package(self) -> dict[str, list[JsFacts]]:
        grouped: dict[str, list[JsFacts]] = {}
        for rel, facts in self.js.items():
            owner = self.package_of(rel)
            if owner is not None:
                grouped.setdefault(owner.dir, []).append(facts)
        return grouped

    def package_sources(self, pkg: NodePackage) -> list[JsFacts]:
        """Source facts of the files that belong to ``pkg`` (not to a package nested inside it)."""
        self.consult(Input.SOURCE)
        return self._sources_by_package.get(pkg.dir, [])

    def sources_built_on(self, pkg: NodePackage) -> list[JsFacts]:
        """Source facts of ``pkg`` and of the workspace packages it builds on, nearest first: the routes
        and plugins a shared package registers on every app (a platform's health routes) are the app's."""
        return [facts for source in (pkg, *self._builds_on.get(pkg.dir, [])) for facts in self.package_sources(source)]

    def unread_sources(self, pkg: NodePackage) -> list[str]:
        """Source files of ``pkg`` that could not be analysed (so something may hide in them)."""
        return [facts.path for facts in self.package_sources(pkg) if facts.unread is not None]

    @cached_property
    def _builds_on(self) -> dict[str, list[NodePackage]]:
        return {pkg.dir: workspace_dependencies(pkg, self.packages) for pkg in self.packages}

    @cached_property
    def _first_marks(self) -> dict[str, dict[tuple[str, str], Location]]:
        """Per package folder, where each (owner, mark name) first shows in its files (in path order).

        Indexed once: rules ask for marks per service, and scanning every file of a package for
        each question cost more than the rules themselves on a large monorepo.
        """
        index: dict[str, dict[tuple[str, str], Location]] = {}
        for pkg_dir, sources in self._sources_by_package.items():
            first = index.setdefault(pkg_dir, {})
            for facts in sources:
                for owner, marks in facts.marks.items():
                    for name, location in marks.items():
                        first.setdefault((owner, name), location)
        return index

    def mark(self, owner: Any, pkg: NodePackage, *names: str, follow: bool = False) -> Location | None:
        """Where one of the named marks of ``owner`` first shows in ``pkg``'s code (files in path order;
        the first of ``names`` that shows at all wins), with ``follow``, else in the code of the workspace
        packages ``pkg`` builds on (a shared plugin package that registers helmet or the logger for every
        app)."""
        if not names:
            return None
        self.consult(Input.SOURCE)
        for source in (pkg, *(self._builds_on.get(pkg.dir, []) if follow else [])):
            first = self._first_marks.get(source.dir, {})
            for name in names:
                found = first.get((owner.id, name))
                if found is not None:
                    return found
        return None

    def anchor(self, pkg: NodePackage) -> Location:
        """Where to report something missing from a service: where its server is created."""
        found = self.mark(SERVER, pkg, APP)
        if found is not None:
            return found
        return Location(pkg.path, pkg.key_line("dependencies"), f"{pkg.label} dependencies")

    # ------------------------------------------------------------------ Dockerfiles

    @cached_property
    def _dockerfiles(self) -> list[Dockerfile]:
        found: list[Dockerfile] = []
        for rel in sorted(self.tree.files):
            if not is_dockerfile(rel):
                continue
            if is_development_dockerfile(rel):
                self.note(rel, "development Dockerfile, not audited")
                continue
            text = self.read(rel)
            if text is None:
                self._unreadable(Input.DOCKERFILE, rel, self._not_read.get(rel, "not read"))
                continue
            try:
                found.append(parse_dockerfile(rel, text))
            except Exception as exc:  # noqa: BLE001 - dockerfile-parse raises assorted errors on odd input
                self.note(rel, f"could not be parsed ({exc.__class__.__name__}), skipped")
                self._unreadable(Input.DOCKERFILE, rel, "could not be parsed")
        return [d for d in found if d.stages]

    @property
    def dockerfiles(self) -> list[Dockerfile]:
        self.consult(Input.DOCKERFILE)
        return self._dockerfiles

    def require_dockerfiles(self) -> list[Dockerfile]:
        if not self.dockerfiles:
            self._nothing_read(Input.DOCKERFILE, "no Dockerfile")
        return self.dockerfiles

    # ------------------------------------------------------------------ GitHub Actions

    @cached_property
    def _workflows(self) -> list[Workflow]:
        found: list[Workflow] = []
        for rel in sorted(self.tree.files):
            if not is_workflow(rel):
                continue
            docs = self.yaml(rel)
            if docs is None:
                self._unreadable(Input.WORKFLOW, rel, self._not_read.get(rel, "not read"))
                continue
            if not docs:
                continue
            workflow = parse_workflow(rel, docs[0])
            if workflow is not None:
                found.append(workflow)
        return found

    @property
    def workflows(self) -> list[Workflow]:
        self.consult(Input.WORKFLOW)
        return self._workflows

    def require_workflows(self) -> list[Workflow]:
        if not self.workflows:
            self._nothing_read(Input.WORKFLOW, "no GitHub Actions workflows")
        return self.workflows

    # ------------------------------------------------------------------ Kubernetes

    @cached_property
    def _kustomize_patches(self) -> set[str]:
        patches: set[str] = set()
        for rel in sorted(self.tree.files):
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
    def _workloads(self) -> list[Workload]:
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
            if text is None:
                if self._may_be_manifest(rel):
                    self._unreadable(Input.KUBERNETES, rel, self._not_read.get(rel, "not read"))
                continue
            if "apiVersion" not in text or "kind" not in text:
                continue  # cheap pre-filter: only manifests can hold workloads
            docs = self.yaml(rel)
            if docs is None:
                self._unreadable(Input.KUBERNETES, rel, self._not_read.get(rel, "not read"))
                continue
            for doc in docs:
                workload = parse_workload(rel, doc)
                if workload is not None:
                    found.append(workload)
        return found

    def _may_be_manifest(self, rel: str) -> bool:
        """Whether an unreadable YAML file looks like a Kubernetes manifest (it names both keys)."""
        try:
            with open(self.tree.files[rel].path, "rb") as handle:
                head = handle.read(65536)
        except OSError:
            return False
        return b"apiVersion" in head and b"kind" in head

    @property
    def workloads(self) -> list[Workload]:
        self.consult(Input.KUBERNETES)
        return self._workloads

    def require_workloads(self) -> list[Workload]:
        if not self.workloads:
            self._nothing_read(Input.KUBERNETES, "no Kubernetes workload manifests")
        return self.workloads


def unread_reason(unread: Iterable[tuple[Input, str, str]]) -> str:
    """One line naming what could not be read, for an undetermined rule."""
    items = list(unread)
    shown = ", ".join(f"{path} ({reason})" for _kind, path, reason in items[:3])
    more = f" and {len(items) - 3} more" if len(items) > 3 else ""
    kinds = sorted({kind.value for kind, _path, _reason in items})
    return f"could not read {' or '.join(kinds)} input: {shown}{more}"
