"""The template's own version of what a fix writes: the Copier template files shipped with scalefold,
rendered with the template's default answers, so a fixed project gets exactly what a generated one has.

Nothing here is a second hand-written copy: `.dockerignore`, `.github/dependabot.yml`, the
`engines` of package.json and the runtime stage's `USER` are read from `template/` each time.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from scalefold.audit.parsers.dockerfile import parse_dockerfile
from scalefold.questions import default_for, load_questions
from scalefold.resources import template_root

#: Where the deployable's own files sit in the template (rendered once per deployable).
APP_FOLDER = "{% yield app from apps %}{{ app.dir }}{% endyield %}"
#: The answers a fix renders with: the template's defaults for a one-service project.
SENSIBLE_ANSWERS = {"project_name": "app", "preset": "monolith"}


@cache
def answers() -> dict[str, Any]:
    """The template's default answers (as Copier computes them) for ``SENSIBLE_ANSWERS``."""
    values: dict[str, Any] = {"_copier_answers": {}}
    for name, question in load_questions().items():
        if name in SENSIBLE_ANSWERS:
            values[name] = SENSIBLE_ANSWERS[name]
            continue
        default = default_for(question, values)
        if question.type == "yaml" and isinstance(default, str):
            default = yaml.safe_load(default)
        values[name] = question.coerce(default) if default is not None else None
    values["app"] = values["apps"][0]
    return values


@cache
def _environment() -> SandboxedEnvironment:
    # Copier's environment (its default filters, copier.yml's options). `{% yield %}` appears only in
    # folder names, which are not rendered here.
    return SandboxedEnvironment(
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
        keep_trailing_newline=True,
        undefined=StrictUndefined,  # a variable this module does not provide fails loudly, in the tests
    )


def template_file(rel: str) -> Path:
    return template_root() / "template" / rel


def render(rel: str, **overrides: Any) -> str:
    """The template file ``rel`` (under ``template/``), rendered; a file without `.jinja` is read as is."""
    text = template_file(rel).read_text(encoding="utf-8")
    if not rel.endswith(".jinja"):
        return text
    return _environment().from_string(text).render(**{**answers(), **overrides})


def dockerignore() -> str:
    return render(".dockerignore")


def dependabot(docker_dirs: list[str]) -> str:
    """`.github/dependabot.yml` for Dockerfiles in ``docker_dirs`` ("" for the root)."""
    if docker_dirs in ([], [""]):
        return render(".github/dependabot.yml.jinja", workspaces=False)
    apps = [{"dir": folder} for folder in docker_dirs]
    return render(".github/dependabot.yml.jinja", workspaces=True, apps=apps)


def package_json() -> dict[str, Any]:
    """The template's package.json, parsed (its keys in the template's order)."""
    return dict(json.loads(render(f"{APP_FOLDER}/package.json.jinja")))


def runtime_user() -> str:
    """The `USER` instruction of the template's runtime stage, as written (`USER node`)."""
    dockerfile = parse_dockerfile("Dockerfile", render(f"{APP_FOLDER}/Dockerfile.jinja"))
    assert dockerfile.final is not None
    (user,) = dockerfile.final.find("USER", inherited=False)
    return f"USER {user.args.strip()}"
