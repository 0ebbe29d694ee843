"""CI systems other than GitHub Actions, read into the same model as a workflow.

Travis CI, GitLab CI, CircleCI, Azure Pipelines and Bitbucket Pipelines each list jobs that run
shell scripts, some of which deploy to a named environment and depend on other jobs. Read as a
``Workflow`` (jobs, steps with a ``run`` script, ``needs``, ``environment``), the CI rules that ask
what a pipeline runs (tests, an audit, a build, deploys and their order, health checks after a
deploy) check them as they check GitHub workflows. The rules about GitHub itself (token permissions,
action pinning, expression injection, ``pull_request_target``) keep to ``.github/workflows``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scalefold.audit.parsers.workflow import Job, Step, Workflow
from scalefold.audit.parsers.yamlloc import LMap, LSeq
from scalefold.audit.project import Project

# Every pipeline here runs on pushed commits and on pull (merge) requests unless told otherwise.
_DEFAULT_TRIGGERS: dict[str, Any] = {"push": None, "pull_request": None}
_GITLAB_RESERVED = frozenset(
    {
        "stages",
        "variables",
        "image",
        "services",
        "before_script",
        "after_script",
        "cache",
        "include",
        "default",
        "workflow",
        "pages",
    }
)
_TRAVIS_SCRIPTS = ("before_install", "install", "before_script", "script", "after_success", "before_deploy")


def _line(mapping: Any, key: Any, default: int) -> int:
    return mapping.line_of(key) if isinstance(mapping, LMap) and key in mapping else default


def _text(value: Any) -> str | None:
    """A script given as one string or as a list of lines."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(str(v) for v in value if isinstance(v, (str, int, float)))
    return None


def _step(run: str | None, line: int, name: str = "") -> Step:
    return Step(line=line, name=name, uses=None, uses_line=line, run=run, run_line=line, with_={})


def _job(
    job_id: str,
    line: int,
    steps: list[Step],
    *,
    name: str = "",
    needs: list[str] | None = None,
    environment: str | None = None,
    environment_line: int | None = None,
    data: Any = None,
) -> Job:
    return Job(
        id=job_id,
        line=line,
        name=name or job_id,
        needs=needs or [],
        environment=environment,
        environment_line=environment_line or line,
        has_permissions=False,
        permissions=None,
        steps=steps,
        uses=None,
        uses_line=line,
        data=data if isinstance(data, LMap) else LMap(data if isinstance(data, dict) else {}),
    )


def _workflow(path: str, jobs: list[Job], triggers: dict[str, Any] | None = None) -> Workflow:
    return Workflow(
        path=path,
        triggers=dict(_DEFAULT_TRIGGERS if triggers is None else triggers),
        on_line=1,
        has_permissions=False,
        permissions=None,
        permissions_line=1,
        jobs={job.id: job for job in jobs},
        line=1,
    )


def _script_steps(data: Any, keys: tuple[str, ...], default_line: int) -> list[Step]:
    steps = []
    for key in keys:
        run = _text(data.get(key)) if isinstance(data, dict) else None
        if run:
            steps.append(_step(run, _line(data, key, default_line), key))
    return steps


# --------------------------------------------------------------------------- the five systems


def _travis(path: str, doc: Any) -> Workflow | None:
    if not isinstance(doc, dict):
        return None
    steps = _script_steps(doc, _TRAVIS_SCRIPTS, 1)
    if doc.get("language") == "node_js" and "script" not in doc:
        steps.append(_step("npm test", _line(doc, "language", 1), "default script"))  # Travis's default
    jobs = [_job("travis", 1, steps, name="travis")]
    matrix = doc.get("jobs") or doc.get("matrix")
    includes = matrix.get("include") if isinstance(matrix, dict) else None
    for index, item in enumerate(includes if isinstance(includes, list) else []):
        if isinstance(item, dict):
            line = includes.line_at(index) if isinstance(includes, LSeq) else 1
            jobs.append(
                _job(
                    f"job-{index + 1}",
                    line,
                    _script_steps(item, _TRAVIS_SCRIPTS, line),
                    name=str(item.get("name") or item.get("stage") or ""),
                )
            )
    deploy = doc.get("deploy")
    for index, item in enumerate(deploy if isinstance(deploy, list) else [deploy] if deploy else []):
        line = _line(doc, "deploy", 1)
        provider = str(item.get("provider") or "") if isinstance(item, dict) else ""
        jobs.append(
            _job(
                f"deploy-{provider or index + 1}",
                line,
                [_step(f"deploy {provider}", line)],
                needs=["travis"],
                name=f"deploy {provider}",
            )
        )
    return _workflow(path, jobs)


def _environment(value: Any) -> str | None:
    name = value.get("name") if isinstance(value, dict) else value
    return str(name) if name is not None else None


def _gitlab(path: str, doc: Any) -> Workflow | None:
    if not isinstance(doc, dict):
        return None
    stages = [str(s) for s in doc.get("stages") or []] if isinstance(doc.get("stages"), list) else []
    jobs: list[tuple[str, Job]] = []
    for key, data in doc.items():
        name = str(key)
        if name in _GITLAB_RESERVED or name.startswith(".") or not isinstance(data, dict):
            continue
        line = _line(doc, key, 1)
        steps = _script_steps(data, ("before_script", "script", "after_script"), line)
        image = data.get("image")
        image_name = image.get("name") if isinstance(image, dict) else image
        if image_name:
            steps.insert(
                0,
                Step(
                    line=_line(data, "image", line),
                    name="image",
                    uses=f"docker://{image_name}",
                    uses_line=_line(data, "image", line),
                    run=None,
                    run_line=line,
                    with_={},
                ),
            )
        needs = data.get("needs") if isinstance(data.get("needs"), list) else data.get("dependencies")
        needed = (
            [str(n.get("job") if isinstance(n, dict) else n) for n in needs or []]
            if isinstance(needs, list)
            else []
        )
        job = _job(
            name,
            line,
            steps,
            needs=needed,
            environment=_environment(data.get("environment")),
            environment_line=_line(data, "environment", line),
            data=data,
        )
        jobs.append((str(data.get("stage") or "test"), job))
    # A job without `needs` waits for every job of the earlier stages.
    for stage, job in jobs:
        if job.needs or stage not in stages:
            continue
        earlier = set(stages[: stages.index(stage)])
        job.needs = [other.id for other_stage, other in jobs if other_stage in earlier]
    return _workflow(path, [job for _, job in jobs])


def _circleci(path: str, doc: Any) -> Workflow | None:
    if not isinstance(doc, dict) or not isinstance(doc.get("jobs"), dict):
        return None
    requires: dict[str, list[str]] = {}
    scheduled: set[str] = set()
    for flow in (doc.get("workflows") or {}).values() if isinstance(doc.get("workflows"), dict) else []:
        for entry in flow.get("jobs") or [] if isinstance(flow, dict) else []:
            if isinstance(entry, str):
                scheduled.add(entry)
            if isinstance(entry, dict):
                scheduled.update(str(name) for name in entry)
                for job_name, options in entry.items():
                    needed = options.get("requires") if isinstance(options, dict) else None
                    requires[str(job_name)] = [str(n) for n in needed or []]
    jobs = []
    for key, data in doc["jobs"].items():
        if not isinstance(data, dict) or (isinstance(doc.get("workflows"), dict) and str(key) not in scheduled):
            continue  # with workflows, a job no workflow lists never runs
        line = _line(doc["jobs"], key, 1)
        steps: list[Step] = []
        raw_steps = data.get("steps") if isinstance(data.get("steps"), list) else []
        for index, raw in enumerate(raw_steps):
            step_line = raw_steps.line_at(index) if isinstance(raw_steps, LSeq) else line
            run = raw.get("run") if isinstance(raw, dict) else None
            if isinstance(run, dict):
                steps.append(_step(_text(run.get("command")), step_line, str(run.get("name") or "")))
            elif isinstance(run, str):
                steps.append(_step(run, step_line))
        jobs.append(_job(str(key), line, steps, needs=requires.get(str(key), []), data=data))
    return _workflow(path, jobs)


def _azure_steps(raw_steps: Any, default_line: int) -> list[Step]:
    steps = []
    for index, raw in enumerate(raw_steps if isinstance(raw_steps, list) else []):
        if not isinstance(raw, dict):
            continue
        line = raw_steps.line_at(index) if isinstance(raw_steps, LSeq) else default_line
        run = next((raw[k] for k in ("script", "bash", "pwsh", "powershell") if k in raw), None)
        steps.append(_step(_text(run), line, str(raw.get("displayName") or raw.get("task") or "")))
    return steps


def _azure(path: str, doc: Any) -> Workflow | None:
    if not isinstance(doc, dict):
        return None
    triggers = {}
    if doc.get("trigger", True) not in (None, "none"):
        triggers["push"] = None
    if doc.get("pr", True) not in (None, "none"):
        triggers["pull_request"] = None
    jobs: list[Job] = []

    def add_jobs(raw_jobs: Any, stage_needs: list[str]) -> None:
        for index, raw in enumerate(raw_jobs if isinstance(raw_jobs, list) else []):
            if not isinstance(raw, dict):
                continue
            line = raw_jobs.line_at(index) if isinstance(raw_jobs, LSeq) else 1
            job_id = str(raw.get("job") or raw.get("deployment") or f"job-{len(jobs) + 1}")
            steps = _azure_steps(raw.get("steps"), line)
            strategy = raw.get("strategy")
            run_once = strategy.get("runOnce") if isinstance(strategy, dict) else None
            deploy = run_once.get("deploy") if isinstance(run_once, dict) else None
            if isinstance(deploy, dict):
                steps += _azure_steps(deploy.get("steps"), line)
            depends = raw.get("dependsOn")
            needs = (
                [str(d) for d in depends] if isinstance(depends, list) else [str(depends)] if depends else []
            )
            jobs.append(
                _job(
                    job_id,
                    line,
                    steps,
                    name=str(raw.get("displayName") or job_id),
                    needs=needs + stage_needs,
                    environment=_environment(raw.get("environment")),
                    environment_line=_line(raw, "environment", line),
                    data=raw,
                )
            )

    if isinstance(doc.get("stages"), list):
        previous: list[str] = []
        for stage in doc["stages"]:
            if isinstance(stage, dict):
                before = len(jobs)
                add_jobs(stage.get("jobs"), list(previous))
                previous = [job.id for job in jobs[before:]]
    elif isinstance(doc.get("jobs"), list):
        add_jobs(doc["jobs"], [])
    elif isinstance(doc.get("steps"), list):
        jobs.append(_job("build", _line(doc, "steps", 1), _azure_steps(doc["steps"], 1)))
    return _workflow(path, jobs, triggers) if jobs else None


def _bitbucket(path: str, doc: Any) -> Workflow | None:
    pipelines = doc.get("pipelines") if isinstance(doc, dict) else None
    if not isinstance(pipelines, dict):
        return None
    jobs: list[Job] = []

    def add(entries: Any) -> None:
        previous: list[str] = []
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            step = entry.get("step") if isinstance(entry, dict) else None
            if not isinstance(step, dict):
                continue
            line = entries.line_at(index) if isinstance(entries, LSeq) else 1
            job_id = f"{step.get('name') or 'step'}-{len(jobs) + 1}"
            run = _text(step.get("script"))
            jobs.append(
                _job(
                    job_id,
                    line,
                    [_step(run, _line(step, "script", line))],
                    name=str(step.get("name") or ""),
                    needs=list(previous),
                    environment=_environment(step.get("deployment")),
                    environment_line=_line(step, "deployment", line),
                    data=step,
                )
            )
            previous = [job_id]

    add(pipelines.get("default"))
    for group in ("branches", "tags", "pull-requests", "custom"):
        section = pipelines.get(group)
        for entries in section.values() if isinstance(section, dict) else []:
            add(entries)
    return _workflow(path, jobs) if jobs else None


PARSERS: dict[str, Callable[[str, Any], Workflow | None]] = {
    ".travis.yml": _travis,
    ".gitlab-ci.yml": _gitlab,
    ".circleci/config.yml": _circleci,
    "azure-pipelines.yml": _azure,
    ".azure-pipelines.yml": _azure,
    "bitbucket-pipelines.yml": _bitbucket,
}


def other_pipelines(project: Project) -> list[Workflow]:
    """The pipelines of the CI systems other than GitHub Actions found at the repository's root."""

    def parse() -> list[Workflow]:
        found = []
        for rel, parse_one in PARSERS.items():
            if not project.has(rel):
                continue
            docs = project.yaml(rel)
            if not docs:
                if docs is None:
                    project.note(rel, "could not be read as YAML, not checked")
                continue
            pipeline = parse_one(rel, docs[0])
            if pipeline is not None and pipeline.jobs:
                found.append(pipeline)
        return found

    return project.shared("ci-other-pipelines", parse)


def pipelines(project: Project) -> list[Workflow]:
    """GitHub workflows and every other CI system's pipelines."""
    return [*project.workflows, *other_pipelines(project)]


def require_pipelines(project: Project) -> list[Workflow]:
    """Every pipeline; not applicable when the repository has no CI configuration at all."""
    found = pipelines(project)
    if found:
        return found
    return project.require_workflows()  # raises: no workflows (or says which could not be read)
