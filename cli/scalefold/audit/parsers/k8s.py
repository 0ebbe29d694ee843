"""Kubernetes workloads found in YAML manifests, with their pod specs and containers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scalefold.audit.parsers.yamlloc import LMap, LSeq

LONG_RUNNING = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"})
BATCH = frozenset({"Job", "CronJob"})
WORKLOAD_KINDS = LONG_RUNNING | BATCH | {"Pod"}


@dataclass
class Container:
    name: str
    image: str
    line: int
    image_line: int
    init: bool
    data: LMap


@dataclass
class Workload:
    path: str
    kind: str
    name: str
    line: int
    pod_spec: LMap
    pod_spec_line: int
    containers: list[Container]

    @property
    def long_running(self) -> bool:
        return self.kind in LONG_RUNNING or self.kind == "Pod"

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name}"


def _get(mapping: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(mapping, dict):
            return None
        mapping = mapping.get(key)
    return mapping


def _pod_spec(doc: dict[str, Any]) -> Any:
    kind = doc.get("kind")
    if kind == "Pod":
        return doc.get("spec")
    if kind == "CronJob":
        return _get(doc, "spec", "jobTemplate", "spec", "template", "spec")
    return _get(doc, "spec", "template", "spec")


def parse_workload(path: str, doc: Any) -> Workload | None:
    if not isinstance(doc, dict) or doc.get("kind") not in WORKLOAD_KINDS or "apiVersion" not in doc:
        return None
    spec = _pod_spec(doc)
    if not isinstance(spec, LMap):
        return None
    containers: list[Container] = []
    for key, init in (("containers", False), ("initContainers", True)):
        items = spec.get(key)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if not isinstance(item, LMap):
                continue
            line = items.line_at(index) if isinstance(items, LSeq) else spec.line
            containers.append(
                Container(
                    name=str(item.get("name") or f"#{index}"),
                    image=str(item.get("image") or ""),
                    line=line,
                    image_line=item.line_of("image"),
                    init=init,
                    data=item,
                )
            )
    name = _get(doc, "metadata", "name") or "?"
    return Workload(
        path=path,
        kind=str(doc["kind"]),
        name=str(name),
        line=doc.line if isinstance(doc, LMap) else 1,
        pod_spec=spec,
        pod_spec_line=spec.line,
        containers=containers,
    )
