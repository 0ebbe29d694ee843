"""DKR-006: start the process with exec-form `CMD ["node", …]`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Location, Severity
from scalefold.audit.parsers.dockerfile import Instruction, Stage
from scalefold.audit.parsers.yamlloc import LMap
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.docker.common import basename, hit

_INIT_WRAPPERS = {"tini", "dumb-init"}
_PACKAGE_MANAGERS = {"npm", "yarn", "pnpm", "npx", "bun"}


_COMPOSE = re.compile(r"(^|/)(docker-)?compose[\w.-]*\.ya?ml$")
_PRODUCTION_FILE = re.compile(r"prod", re.IGNORECASE)


def _runs_in_production(rel: str, service: dict) -> bool:
    """A compose file named for production, or a service that sets NODE_ENV=production."""
    environment = service.get("environment")
    if isinstance(environment, dict):
        production = str(environment.get("NODE_ENV", "")) == "production"
    else:
        production = any(str(item).replace(" ", "") == "NODE_ENV=production" for item in environment or [])
    return production or bool(_PRODUCTION_FILE.search(rel.rsplit("/", 1)[-1]))


def compose_starts(project: Project) -> Iterator[Hit]:
    """Production services a compose file starts through the package manager (`command: yarn start`)."""
    for rel in sorted(project.files):
        if not _COMPOSE.search(rel):
            continue
        docs = project.yaml(rel) or []
        services = docs[0].get("services") if docs and isinstance(docs[0], dict) else None
        for name, service in services.items() if isinstance(services, dict) else []:
            command = service.get("command") if isinstance(service, dict) else None
            words = command.split() if isinstance(command, str) else [str(w) for w in command or []]
            if words and basename(words[0]) in _PACKAGE_MANAGERS and _runs_in_production(rel, service):
                line = service.line_of("command") if isinstance(service, LMap) else 1
                yield Hit(
                    Location(rel, line, f"{name} command {' '.join(words)}"),
                    f"`{' '.join(words)}` starts the production service `{name}` through {words[0]}: "
                    "run `node` directly so it receives SIGTERM",
                )


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    yield from compose_starts(project)
    for dockerfile in project.require_dockerfiles():
        final = dockerfile.final
        assert final is not None
        cmds = final.find("CMD")
        entrypoints = final.find("ENTRYPOINT")
        root = final.root_image
        distroless_node = root is not None and root.short_name.startswith("nodejs")
        command: list[str] = []
        where: Instruction | Stage = final
        if entrypoints:
            entry = entrypoints[-1]
            form = entry.exec_form
            if form is None:
                yield hit(
                    dockerfile, entry, "Shell-form ENTRYPOINT: use the JSON form so node receives SIGTERM"
                )
                continue
            if form and basename(form[0]) in _INIT_WRAPPERS:
                form = [t for t in form[1:] if t not in {"--", "-g", "-s"}]
            command, where = list(form), entry
        if not command or basename(command[0]) not in {"node"}:
            if cmds:
                cmd = cmds[-1]
                form = cmd.exec_form
                if form is None:
                    yield hit(
                        dockerfile,
                        cmd,
                        'Shell-form CMD: write `CMD ["node", "dist/server.js"]` so node receives SIGTERM',
                    )
                    continue
                command, where = command + form, cmd
            elif not command and not distroless_node:
                yield hit(
                    dockerfile, final, 'The final stage has no CMD: add `CMD ["node", "dist/server.js"]`'
                )
                continue
        if not command:
            continue
        first = basename(command[0])
        if first == "node" or (distroless_node and command[0].endswith((".js", ".mjs", ".cjs"))):
            continue
        if first in _PACKAGE_MANAGERS:
            yield hit(
                dockerfile,
                where,
                f"`{' '.join(command)}` puts {first} between the signal and node: run `node` directly",
            )
        else:
            yield hit(
                dockerfile,
                where,
                f'`{" ".join(command)}` does not start node directly: use `CMD ["node", …]`',
            )


RULE = Rule(
    id="DKR-006",
    name="docker-cmd-node",
    category=Category.DOCKER,
    severity=Severity.WARNING,
    title='Start the process with exec-form `CMD ["node", …]`',
    rationale="""In shell form (`CMD node server.js`) PID 1 is `/bin/sh`, which does not forward SIGTERM,
        so the server is killed without a graceful shutdown. `npm start` adds a second process that
        swallows signals too, and an extra second of start-up.""",
    fix="""Use the JSON form and call node directly: `CMD ["node", "dist/server.js"]` (preload modules with
        `"--import", "./dist/telemetry.js"` when needed).""",
    check=check,
)
