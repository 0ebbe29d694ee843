"""GitHub Actions workflows as a small model: triggers, permissions, jobs, steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scalefold.audit.parsers.yamlloc import LMap, LSeq


@dataclass
class Step:
    line: int
    name: str
    uses: str | None
    uses_line: int
    run: str | None
    run_line: int
    with_: dict[str, Any]


@dataclass
class Job:
    id: str
    line: int
    name: str
    needs: list[str]
    environment: str | None
    environment_line: int
    has_permissions: bool
    permissions: Any
    steps: list[Step]
    uses: str | None  # a reusable workflow call
    uses_line: int
    data: LMap = field(repr=False)


@dataclass
class Workflow:
    path: str
    triggers: dict[str, Any]
    on_line: int
    has_permissions: bool
    permissions: Any
    permissions_line: int
    jobs: dict[str, Job]
    line: int

    def dependents(self, job_id: str) -> list[Job]:
        """Jobs that need ``job_id``, directly or through other jobs."""
        found: list[Job] = []
        frontier = {job_id}
        while frontier:
            nxt = {j.id for j in self.jobs.values() if set(j.needs) & frontier and j not in found}
            found += [self.jobs[i] for i in sorted(nxt) if self.jobs[i] not in found]
            frontier = nxt
        return found

    def ancestors(self, job_id: str) -> list[Job]:
        """Jobs ``job_id`` needs, directly or transitively."""
        found: list[str] = []
        stack = list(self.jobs[job_id].needs) if job_id in self.jobs else []
        while stack:
            current = stack.pop()
            if current in found or current not in self.jobs:
                continue
            found.append(current)
            stack += self.jobs[current].needs
        return [self.jobs[i] for i in found]


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def _triggers(on: Any) -> dict[str, Any]:
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {str(t): None for t in on}
    if isinstance(on, dict):
        return {str(k): v for k, v in on.items()}
    return {}


def _line(mapping: Any, key: str, default: int) -> int:
    return mapping.line_of(key) if isinstance(mapping, LMap) else default


def parse_workflow(path: str, doc: Any) -> Workflow | None:
    if not isinstance(doc, dict) or not isinstance(doc.get("jobs"), dict):
        return None
    top_line = doc.line if isinstance(doc, LMap) else 1
    jobs: dict[str, Job] = {}
    for job_id, data in doc["jobs"].items():
        if not isinstance(data, dict):
            continue
        job_line = _line(doc["jobs"], job_id, top_line)
        env = data.get("environment")
        env_name = env.get("name") if isinstance(env, dict) else env
        steps: list[Step] = []
        raw_steps: list[Any] = data["steps"] if isinstance(data.get("steps"), list) else []
        for index, raw in enumerate(raw_steps):
            if not isinstance(raw, dict):
                continue
            line = raw_steps.line_at(index) if isinstance(raw_steps, LSeq) else job_line
            run = raw.get("run")
            uses = raw.get("uses")
            steps.append(
                Step(
                    line=line,
                    name=str(raw.get("name") or ""),
                    uses=str(uses) if uses is not None else None,
                    uses_line=_line(raw, "uses", line),
                    run=str(run) if run is not None else None,
                    run_line=_line(raw, "run", line),
                    with_=raw["with"] if isinstance(raw.get("with"), dict) else {},
                )
            )
        uses = data.get("uses")
        jobs[str(job_id)] = Job(
            id=str(job_id),
            line=job_line,
            name=str(data.get("name") or job_id),
            needs=_as_list(data.get("needs")),
            environment=str(env_name) if env_name is not None else None,
            environment_line=_line(data, "environment", job_line),
            has_permissions="permissions" in data,
            permissions=data.get("permissions"),
            steps=steps,
            uses=str(uses) if uses is not None else None,
            uses_line=_line(data, "uses", job_line),
            data=data if isinstance(data, LMap) else LMap(data),
        )
    return Workflow(
        path=path,
        triggers=_triggers(doc.get("on")),
        on_line=_line(doc, "on", top_line),
        has_permissions="permissions" in doc,
        permissions=doc.get("permissions"),
        permissions_line=_line(doc, "permissions", top_line),
        jobs=jobs,
        line=top_line,
    )


def is_workflow(rel: str) -> bool:
    """A YAML file directly in a `.github/workflows/` folder (a path: text, not code)."""
    folder, _, name = rel.rpartition("/")
    return (folder == ".github/workflows" or folder.endswith("/.github/workflows")) and name.endswith(
        (".yml", ".yaml")
    )
