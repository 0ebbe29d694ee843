"""``scalefold new``: render a project from a preset, install it, commit it."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Optional

import typer
from rich.markup import escape
from rich.panel import Panel

from scalefold.console import console, err_console
from scalefold.errors import UsageError
from scalefold.pinned import PinnedTemplate, pin_template
from scalefold.presets import load_preset
from scalefold.progress import step_progress
from scalefold.project import NewOptions, create_project, slugify
from scalefold.project_env import env_example
from scalefold.questions import Question, load_questions, parse_data_pairs, validate_answers
from scalefold.settings import load_settings
from scalefold.upgrade.source import TemplateSource


def _terminal_attached() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def resolve_answers(
    destination: Path | None,
    preset: str | None,
    data: list[str],
    questions: Mapping[str, Question] | None = None,
) -> tuple[Path, dict[str, Any]]:
    """Combine preset answers, ``--data`` and the destination folder into validated answers."""
    answers: dict[str, Any] = {}
    if preset:
        answers.update(load_preset(preset, questions).answers)
    answers.update(parse_data_pairs(data))
    folder = None
    if "project_name" not in answers:
        if destination is None:
            raise UsageError("give a destination folder (scalefold new DEST) or --data project_name=NAME")
        folder = destination.resolve().name
        answers["project_name"] = slugify(folder)
    answers = validate_answers(answers, questions)
    if folder is not None:
        _say_if_renamed(folder, answers["project_name"])
    return destination or Path(answers["project_name"]), answers


def _say_if_renamed(folder: str, project_name: str) -> None:
    """The project name is derived from the folder's; when they differ, say so rather than rename silently.

    A folder name only has to suit the file system ("My API", "2fast"), a project name is an npm package
    name; refusing every such folder would refuse an intent that is clear, so the name is derived, shown,
    and can be chosen instead.
    """
    if project_name != folder:
        err_console.print(
            f"[warn]note:[/warn] the folder name {escape(repr(folder))} is not a valid project name (an npm "
            "package name: lowercase letters, digits and dashes, starting with a letter); the project is named "
            f"{escape(repr(project_name))} (choose another with --data project_name=NAME)",
            soft_wrap=True,
        )


#: A generated compose.yaml refuses to start without it: the tokens are signed and verified with it.
_JWT_SECRET_STEP = 'echo "JWT_SECRET=$(openssl rand -base64 48)" >> .env'
#: The microservices' compose.yaml refuses to start without the users service's Ed25519 signing key
#: (written on one line, its line breaks as \n).
_JWT_PRIVATE_KEY_STEP = "echo \"JWT_PRIVATE_KEY=$(openssl genpkey -algorithm ed25519 | awk 1 ORS='\\\\n')\" >> .env"


def _commented(lines: list[tuple[str, str]]) -> list[str]:
    """Commands with their comments aligned in one column."""
    width = max(len(command) for command, _ in lines) + 2
    return [f"{command:<{width}}# {comment}" for command, comment in lines]


def _microservices_from_source(project: Path, port: int) -> list[str]:
    """Each workspace from source, on the development port its .env.example gives (copier.yml's
    ``dev_ports`` wrote them); what a process needs besides is named."""
    users, orders, notifications = (
        env_example(project / "services" / name) for name in ("users", "orders", "notifications")
    )
    url, probes = "http://localhost:", "probes on :"
    return _commented(
        [
            ("npm run dev -w services/gateway", f"http://localhost:{port}/docs, routes to users and orders"),
            ("npm run dev -w services/users", _at(users, "PORT", url)),
            ("npm run dev -w services/orders", f"{_at(orders, 'PORT', url)}; events wait in its outbox"),
            (
                "npm run projector -w services/orders",
                f"{_at(orders, 'PROJECTOR_PORT', probes)}; needs BROKER_URL, orders' DATABASE_URL",
            ),
            (
                "npm run dev -w services/notifications",
                f"{_at(notifications, 'PORT', probes)}; needs BROKER_URL",
            ),
            (
                "npm run worker -w services/notifications",
                f"{_at(notifications, 'WORKER_PORT', probes)}; needs REDIS_URL",
            ),
        ]
    )


def _at(variables: Mapping[str, str], name: str, prefix: str) -> str:
    """Where a process listens, from its .env.example; said so when the file no longer gives it."""
    return f"{prefix}{variables[name]}" if variables.get(name) else f"{name} in its .env.example"


def shell_path(path: Path) -> str:
    """``path`` as a shell command's argument: quoted where needed, never taken for an option."""
    text = str(path)
    return shlex.quote(f"./{text}" if text.startswith("-") else text)


def _next_steps(options: NewOptions, questions: Mapping[str, Question]) -> str:
    port_question = questions.get("port")
    port = int(options.answers.get("port", port_question.default if port_question else 3000))
    preset = options.answers.get("preset", "monolith")
    steps = [f"cd {shell_path(options.destination)}"]
    if not options.install:
        steps.append("npm install")
    if preset == "monolith":
        steps.append("npm run dev          # http://localhost:%s/docs — runs on embedded PGlite, nothing else needed" % port)
    elif preset == "extracted":
        steps += [
            "npm run dev -w apps/api          # http://localhost:%s/docs — events wait in its outbox" % port,
            _JWT_SECRET_STEP,
            "docker compose up --build --wait # everything, with PostgreSQL, Redis and the broker",
        ]
    else:  # microservices: the whole system in compose; each workspace from source comes last
        steps += [
            _JWT_PRIVATE_KEY_STEP,
            "docker compose up --build --wait # the whole system, through the gateway: "
            f"http://localhost:{port}/docs",
        ]
    steps += [
        "npm test",
        "scalefold check      # audit the project, as its CI pipeline does",
    ]
    if preset == "microservices":
        steps += ["", "Or each workspace from source, each in its own terminal:"]
        steps += _microservices_from_source(options.destination, port)
    return "\n".join(steps)


def new(
    destination: Optional[Path] = typer.Argument(None, help="Folder to create the project in (default: ./PROJECT_NAME)."),
    preset: Optional[str] = typer.Option(None, "--preset", "-p", metavar="NAME|FILE", help="Preset name (see 'scalefold presets') or a preset YAML file."),
    data: list[str] = typer.Option([], "--data", "-d", metavar="KEY=VALUE", help="An answer as key=value; repeat for several."),
    defaults: bool = typer.Option(False, "--defaults", help="Use the default answer for every question not given; never prompt."),
    force: bool = typer.Option(False, "--force", help="Render into a non-empty destination, overwriting files the template writes."),
    no_install: bool = typer.Option(False, "--no-install", help="Skip 'npm install' (no package-lock.json is created)."),
    no_git: bool = typer.Option(False, "--no-git", help="Skip 'git init' and the first commit."),
    template_source: Optional[str] = typer.Option(
        None,
        "--template-source",
        metavar="URL|PATH",
        help="Git source the project records for later updates (default: the configured one; see docs/upgrading.md).",
    ),
    vcs_ref: Optional[str] = typer.Option(
        None,
        "--vcs-ref",
        metavar="VERSION",
        help="Render this version of the template (a tag such as v0.1.0, or a commit), read from the template "
        "source, instead of this scalefold's (see docs/upgrading.md).",
    ),
) -> None:
    """Create a new backend project.

    In a terminal, the scale advisor recommends a preset, then the project questions follow.

    With --preset or --defaults, or without a terminal, it never prompts (defaults fill the gaps).
    """
    pinned = _pinned(template_source, vcs_ref)
    questions = pinned.questions if pinned else load_questions()
    interactive = not defaults and preset is None and _terminal_attached()
    extra_files: dict[str, str] = {}
    if interactive:
        from scalefold.interactive import ask_new_project

        project = ask_new_project(destination, parse_data_pairs(data), force=force, questions=questions)
        destination, answers, extra_files = project.destination, project.answers, project.extra_files
    else:
        destination, answers = resolve_answers(destination, preset, data, questions)
    options = NewOptions(
        destination,
        answers,
        force=force,
        install=not no_install,
        git=not no_git,
        extra_files=extra_files,
        template_source=template_source,
        pinned=pinned,
    )
    try:
        with step_progress() as steps:
            created = create_project(options, report=steps, warn=_warn)
    except KeyboardInterrupt:
        written = destination.is_dir() and any(destination.iterdir())
        left = f"{destination} may be incomplete" if written else "nothing was left behind"
        err_console.print(f"[warn]interrupted[/warn]: {left}")
        raise typer.Exit(130) from None
    if created.replaced:
        console.print(f"[warn]Replaced {len(created.replaced)} existing file(s)[/warn] (--force):")
        for path in created.replaced:
            console.print(f"  {escape(path)}", soft_wrap=True)
    console.print(
        Panel(
            _next_steps(options, questions),
            title=f"[ok]Created {answers['project_name']}[/ok] — next steps",
            title_align="left",
        )
    )


def _pinned(template_source: str | None, vcs_ref: str | None) -> PinnedTemplate | None:
    """The template version ``--vcs-ref`` names, from ``--template-source`` (else the configured source)."""
    if vcs_ref is None:
        return None
    if not vcs_ref.strip():
        raise UsageError("--vcs-ref needs a version (a tag such as v0.1.0, or a commit)")
    source = TemplateSource.parse(load_settings(template_source).template_source)
    return pin_template(source, vcs_ref.strip())


def _warn(message: str) -> None:
    err_console.print(f"[warn]warning:[/warn] {escape(message)}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command()(new)
