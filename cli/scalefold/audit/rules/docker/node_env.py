"""DKR-013: set `NODE_ENV=production` in the runtime image."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.parsers.dockerfile import Dockerfile, Instruction, Stage
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.docker.common import basename, hit

# `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME:+alternative}` (Dockerfile variable expansion).
_EXPANSION = re.compile(r"\$(?:\{(\w+)(?::([-+])([^}]*))?\}|(\w+))")
_PACKAGE_MANAGERS = {"npm", "yarn", "pnpm"}


def _expand(text: str, scope: dict[str, str | None]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(4)
        value = scope.get(name) or ""
        if match.group(2) == "-":
            return value or match.group(3)
        if match.group(2) == "+":
            return match.group(3) if value else ""
        return value

    return _EXPANSION.sub(replace, text)


def node_env(dockerfile: Dockerfile, final: Stage) -> tuple[str | None, Instruction | None]:
    """NODE_ENV in the final stage as a build without `--build-arg` gives it, and the ENV that sets it.

    ARG defaults stand in for build arguments (`ARG NODE_ENV=production` + `ENV NODE_ENV $NODE_ENV`
    is production), an ARG without a default is empty, and `${X:-production}` falls back.
    """
    scope: dict[str, str | None] = dict(dockerfile.global_args)
    value: str | None = None
    where: Instruction | None = None
    for ins in final.all_instructions():
        if ins.keyword == "ARG":
            for name, default in ins.key_values():
                scope[name] = _expand(default, scope) if default is not None else scope.get(name)
        elif ins.keyword == "ENV":
            for name, raw in ins.key_values():
                expanded = _expand(raw or "", scope).strip("'\"")
                scope[name] = expanded
                if name == "NODE_ENV":
                    value, where = expanded, ins
    return value, where


def _script_sets_production(project: Project, dockerfile: Dockerfile, final: Stage) -> bool:
    """Whether the image's CMD runs a package script that itself sets NODE_ENV=production."""
    cmds = final.find("CMD")
    form = cmds[-1].exec_form if cmds else None
    if not form or basename(form[0]) not in _PACKAGE_MANAGERS:
        return False
    script = form[2] if len(form) > 2 and form[1] == "run" else form[1] if len(form) > 1 else ""
    folder = dockerfile.path.rpartition("/")[0]
    pkg = project.package_of(f"{folder}/package.json" if folder else "package.json")
    scripts = pkg.data.get("scripts") if pkg is not None else None
    text = str(scripts.get(script, "")) if isinstance(scripts, dict) else ""
    return "NODE_ENV=production" in text


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        final = dockerfile.final
        assert final is not None
        value, where = node_env(dockerfile, final)
        if value == "production" or _script_sets_production(project, dockerfile, final):
            continue
        if where is None:
            yield hit(
                dockerfile, final, "The final stage does not set NODE_ENV: add `ENV NODE_ENV=production`"
            )
        else:
            shown = value or "empty"
            yield hit(dockerfile, where, f"NODE_ENV is `{shown}` in the runtime image: set it to `production`")


RULE = Rule(
    id="DKR-013",
    name="docker-node-env",
    category=Category.DOCKER,
    severity=Severity.WARNING,
    title="Set `NODE_ENV=production` in the runtime image",
    rationale="""Express, many libraries and npm itself change behaviour on `NODE_ENV`: without it they
        keep development-only checks, verbose errors and view caching off, costing speed and
        leaking detail.""",
    fix="""Add `ENV NODE_ENV=production` to the final stage (an `ARG NODE_ENV=production` default
        read by `ENV NODE_ENV=$NODE_ENV` counts, so does a start script that sets it).""",
    check=check,
)
