"""``scalefold new``: render a project from a preset, install it, commit it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional

import typer
from rich.panel import Panel

from scalefold.console import console, err_console
from scalefold.errors import UsageError
from scalefold.presets import load_preset
from scalefold.progress import step_progress
from scalefold.project import NewOptions, create_project, slugify
from scalefold.questions import load_questions, parse_data_pairs, validate_answers


def _terminal_attached() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def resolve_answers(destination: Path | None, preset: str | None, data: list[str]) -> tuple[Path, dict[str, Any]]:
    """Combine preset answers, ``--data`` and the destination folder into validated answers."""
    answers: dict[str, Any] = {}
    if preset:
        answers.update(load_preset(preset).answers)
    answers.update(parse_data_pairs(data))
    if "project_name" not in answers:
        if destination is None:
            raise UsageError("give a destination folder (scalefold new DEST) or --data project_name=NAME")
        answers["project_name"] = slugify(destination.resolve().name)
    answers = validate_answers(answers)
    return destination or Path(answers["project_name"]), answers


#: Where each process of the microservices preset listens in development, as offsets from the `port`
#: answer (the gateway's): on one machine every process needs a port of its own.
MICROSERVICES_DEV_PORTS = {"users": 1, "orders": 2, "projector": 3, "consumer": 4, "worker": 5}
#: A generated compose.yaml refuses to start without it: the tokens are signed and verified with it.
_JWT_SECRET_STEP = 'echo "JWT_SECRET=$(openssl rand -base64 48)" >> .env'


def dev_port(port: int, offset: int) -> int:
    """The port ``offset`` above ``port``; every one below it when the highest would pass 65535.

    The same rule as copier.yml's ``dev_ports``, which the generated services default to.
    """
    above = port + max(MICROSERVICES_DEV_PORTS.values()) <= 65535
    return port + offset if above else port - offset


def _commented(lines: list[tuple[str, str]]) -> list[str]:
    """Commands with their comments aligned in one column."""
    width = max(len(command) for command, _ in lines) + 2
    return [f"{command:<{width}}# {comment}" for command, comment in lines]


def _microservices_from_source(port: int) -> list[str]:
    """Each workspace from source, on its development port; what a process needs besides is named."""
    at = {name: dev_port(port, offset) for name, offset in MICROSERVICES_DEV_PORTS.items()}
    return _commented(
        [
            ("npm run dev -w services/gateway", f"http://localhost:{port}/docs, routes to users and orders"),
            ("npm run dev -w services/users", f"http://localhost:{at['users']}"),
            ("npm run dev -w services/orders", f"http://localhost:{at['orders']}; events wait in its outbox"),
            (
                "npm run projector -w services/orders",
                f"probes on :{at['projector']}; needs BROKER_URL, orders' DATABASE_URL",
            ),
            ("npm run dev -w services/notifications", f"probes on :{at['consumer']}; needs BROKER_URL"),
            ("npm run worker -w services/notifications", f"probes on :{at['worker']}; needs REDIS_URL"),
        ]
    )


def _next_steps(options: NewOptions) -> str:
    port = int(options.answers.get("port", load_questions()["port"].default))
    preset = options.answers.get("preset", "monolith")
    steps = [f"cd {options.destination}"]
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
            _JWT_SECRET_STEP,
            "docker compose up --build --wait # the whole system, through the gateway: "
            f"http://localhost:{port}/docs",
        ]
    steps += [
        "npm test",
        "scalefold check      # audit the project, as its CI pipeline does",
    ]
    if preset == "microservices":
        steps += ["", "Or each workspace from source, each in its own terminal:"]
        steps += _microservices_from_source(port)
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
) -> None:
    """Create a new backend project.

    In a terminal, the scale advisor recommends a preset, then the project questions follow.

    With --preset or --defaults, or without a terminal, it never prompts (defaults fill the gaps).
    """
    interactive = not defaults and preset is None and _terminal_attached()
    extra_files: dict[str, str] = {}
    if interactive:
        from scalefold.interactive import ask_new_project

        project = ask_new_project(destination, parse_data_pairs(data), force=force)
        destination, answers, extra_files = project.destination, project.answers, project.extra_files
    else:
        destination, answers = resolve_answers(destination, preset, data)
    options = NewOptions(
        destination,
        answers,
        force=force,
        install=not no_install,
        git=not no_git,
        extra_files=extra_files,
        template_source=template_source,
    )
    try:
        with step_progress() as steps:
            create_project(options, report=steps)
    except KeyboardInterrupt:
        written = destination.is_dir() and any(destination.iterdir())
        left = f"{destination} may be incomplete" if written else "nothing was left behind"
        err_console.print(f"[warn]interrupted[/warn]: {left}")
        raise typer.Exit(130) from None
    console.print(
        Panel(_next_steps(options), title=f"[ok]Created {answers['project_name']}[/ok] — next steps", title_align="left")
    )


def register(app: typer.Typer) -> None:
    app.command()(new)
