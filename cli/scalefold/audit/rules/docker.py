"""Docker rules: what the image that ships looks like."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.parsers.dockerfile import Dockerfile, Instruction, Stage
from scalefold.audit.project import Project
from scalefold.audit.registry import rule

DOCKER = Category.DOCKER


def _hit(
    dockerfile: Dockerfile, ins: Instruction | Stage, message: str, severity: Severity | None = None
) -> Hit:
    if isinstance(ins, Stage):
        ins = ins.instructions[0]
    return Hit(dockerfile.path, ins.line, message, f"{ins.keyword} {ins.value}", severity)


@rule(
    "DKR-001",
    "docker-multi-stage",
    DOCKER,
    Severity.WARNING,
    "Build in a multi-stage Dockerfile",
    rationale="""A single-stage image ships the compiler, dev dependencies, the npm cache and the
        source tree: a bigger image to pull on every scale-out and more code for an attacker to use.
        A separate build stage keeps the runtime image to the compiled output and production
        dependencies.""",
    fix="""Install and build in a `build` stage, then start a fresh `FROM node:<version>-slim` stage
        and `COPY --from=build` only `dist/`, `node_modules` (production) and `package.json`.""",
    references=("https://docs.docker.com/build/building/multi-stage/",),
)
def multi_stage(project: Project) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        if len(dockerfile.stages) < 2:
            yield _hit(
                dockerfile,
                dockerfile.stages[0],
                "Single-stage build: add a build stage and copy "
                "only the build output into a slim final stage",
            )


_NON_ROOT_IMAGES = re.compile(r"(^|/)(distroless/[^:]+:.*nonroot|chainguard/node)")


@rule(
    "DKR-002",
    "docker-non-root",
    DOCKER,
    Severity.ERROR,
    "Run the final stage as a non-root user",
    rationale="""Containers run as root by default. A process that is compromised as root inside
        the container is one kernel bug away from root on the host, and can rewrite the
        application's own files.""",
    fix="""Add `USER node` (the official Node images ship that user) after the last `COPY`/`RUN` of the
        final stage, and `COPY --chown=node:node` what the process must own.""",
    references=("https://docs.docker.com/build/building/best-practices/#user",),
)
def non_root(project: Project) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        final = dockerfile.final
        assert final is not None
        users = final.find("USER")
        root_image = final.root_image
        if not users:
            if root_image is not None and _NON_ROOT_IMAGES.search(root_image.ref):
                continue
            yield _hit(dockerfile, final, "The final stage runs as root: add `USER node` before `CMD`")
            continue
        last = users[-1]
        name = last.args.strip().split(":")[0]
        if name in {"root", "0"}:
            yield _hit(
                dockerfile,
                last,
                f"`USER {last.args.strip()}` runs the process as root: switch to `USER node`",
            )


def _external_images(dockerfile: Dockerfile) -> Iterator[tuple[Stage, str, str | None, str | None]]:
    for stage in dockerfile.stages:
        image = stage.image
        if image is None or "$" in image.ref:
            continue
        yield stage, image.ref, image.tag, image.digest


@rule(
    "DKR-003",
    "docker-base-tag",
    DOCKER,
    Severity.ERROR,
    "Tag base images with a version, never `latest`",
    rationale="""`latest` (or no tag at all) changes under you: the same commit builds a different
        image tomorrow, possibly on a new Node.js major, and a rollback no longer restores what ran.""",
    fix="""Name the version: `FROM node:24-slim` (or a more precise `24.11-slim`); let Dependabot or
        Renovate propose upgrades.""",
)
def base_tag(project: Project) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        for stage, ref, tag, digest in _external_images(dockerfile):
            if digest is None and (tag is None or tag == "latest"):
                yield _hit(
                    dockerfile, stage, f"Base image `{ref}` floats: pin a version tag such as `node:24-slim`"
                )


@rule(
    "DKR-004",
    "docker-base-digest",
    DOCKER,
    Severity.NOTE,
    "Pin base images by digest",
    rationale="""A tag can be re-pushed; a digest cannot. Pinning `node:24-slim@sha256:…` makes builds
        reproducible and lets Renovate or Dependabot propose each base-image update as a reviewable
        change.""",
    fix="""Append the digest: `FROM node:24-slim@sha256:<digest>` (see `docker buildx imagetools inspect
        node:24-slim`), and let Renovate or Dependabot keep it current.""",
)
def base_digest(project: Project) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        for stage, ref, _tag, digest in _external_images(dockerfile):
            if digest is None:
                yield _hit(
                    dockerfile, stage, f"Pin `{ref}` by digest (`{ref}@sha256:…`) for reproducible builds"
                )


_IGNORED_PATHS = ("node_modules", ".git", ".env")


def _dockerignore_for(project: Project, dockerfile: Dockerfile) -> str | None:
    folder = dockerfile.path.rsplit("/", 1)[0] + "/" if "/" in dockerfile.path else ""
    for candidate in (f"{dockerfile.path}.dockerignore", f"{folder}.dockerignore", ".dockerignore"):
        if project.has(candidate):
            return candidate
    return None


def dockerignore_excludes(patterns: list[str], path: str) -> bool:
    """Docker's .dockerignore semantics for one path: the last matching pattern wins."""
    excluded = False
    for raw in patterns:
        negate = raw.startswith("!")
        pattern = raw[1:] if negate else raw
        pattern = pattern.strip().strip("/")
        pattern = pattern.removeprefix("./")
        candidates = {pattern, pattern.removeprefix("**/")}
        if any(fnmatch.fnmatchcase(path, p) for p in candidates if p):
            excluded = not negate
    return excluded


@rule(
    "DKR-005",
    "docker-dockerignore",
    DOCKER,
    Severity.WARNING,
    "Keep `node_modules`, `.git` and `.env` out of the build context",
    rationale="""Without a `.dockerignore`, `COPY . .` sends the local `node_modules` (built for another
        OS), the whole git history and any `.env` file with real secrets into the image, where
        anyone who pulls it can read them.""",
    fix="""Add a `.dockerignore` next to the Dockerfile listing at least `node_modules`, `.git` and `.env`
        (plus `dist`, `coverage` and `*.log`).""",
)
def dockerignore(project: Project) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        ignore = _dockerignore_for(project, dockerfile)
        if ignore is None:
            copy = next(
                (i for s in dockerfile.stages for i in s.instructions if i.keyword in {"COPY", "ADD"}),
                dockerfile.stages[0].instructions[0],
            )
            yield _hit(
                dockerfile, copy, "No .dockerignore: add one listing `node_modules`, `.git` and `.env`"
            )
            continue
        patterns = [
            line.strip()
            for line in project.lines(ignore)
            if line.strip() and not line.strip().startswith("#")
        ]
        missing = [p for p in _IGNORED_PATHS if not dockerignore_excludes(patterns, p)]
        if missing:
            listed = ", ".join(f"`{m}`" for m in missing)
            yield Hit(
                ignore,
                1,
                f".dockerignore does not exclude {listed}: add {'them' if len(missing) > 1 else 'it'}",
                f"dockerignore missing {' '.join(missing)}",
            )


_INIT_WRAPPERS = {"tini", "dumb-init"}
_PACKAGE_MANAGERS = {"npm", "yarn", "pnpm", "npx", "bun"}


def _basename(token: str) -> str:
    return token.rsplit("/", 1)[-1]


@rule(
    "DKR-006",
    "docker-cmd-node",
    DOCKER,
    Severity.WARNING,
    'Start the process with exec-form `CMD ["node", …]`',
    rationale="""In shell form (`CMD node server.js`) PID 1 is `/bin/sh`, which does not forward SIGTERM,
        so the server is killed without a graceful shutdown. `npm start` adds a second process that
        swallows signals too, and an extra second of start-up.""",
    fix="""Use the JSON form and call node directly: `CMD ["node", "dist/server.js"]` (preload modules with
        `"--import", "./dist/telemetry.js"` when needed).""",
)
def cmd_node(project: Project) -> Iterator[Hit]:
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
                yield _hit(
                    dockerfile, entry, "Shell-form ENTRYPOINT: use the JSON form so node receives SIGTERM"
                )
                continue
            if form and _basename(form[0]) in _INIT_WRAPPERS:
                form = [t for t in form[1:] if t not in {"--", "-g", "-s"}]
            command, where = list(form), entry
        if not command or _basename(command[0]) not in {"node"}:
            if cmds:
                cmd = cmds[-1]
                form = cmd.exec_form
                if form is None:
                    yield _hit(
                        dockerfile,
                        cmd,
                        'Shell-form CMD: write `CMD ["node", "dist/server.js"]` so node receives SIGTERM',
                    )
                    continue
                command, where = command + form, cmd
            elif not command and not distroless_node:
                yield _hit(
                    dockerfile, final, 'The final stage has no CMD: add `CMD ["node", "dist/server.js"]`'
                )
                continue
        if not command:
            continue
        first = _basename(command[0])
        if first == "node" or (distroless_node and command[0].endswith((".js", ".mjs", ".cjs"))):
            continue
        if first in _PACKAGE_MANAGERS:
            yield _hit(
                dockerfile,
                where,
                f"`{' '.join(command)}` puts {first} between the signal and node: run `node` directly",
            )
        else:
            yield _hit(
                dockerfile,
                where,
                f'`{" ".join(command)}` does not start node directly: use `CMD ["node", …]`',
            )


def _install_command(tokens: list[str]) -> str | None:
    """'npm-install', 'npm-ci', 'yarn', 'pnpm' when the tokens install a project's dependencies."""
    tokens = [t for t in tokens if "=" not in t or t.startswith("-")]  # drop `NODE_ENV=x` prefixes
    if not tokens:
        return None
    tool = _basename(tokens[0])
    rest = tokens[1:]
    positional = [t for t in rest if not t.startswith("-")]
    if tool == "npm" and positional[:1] in (["install"], ["i"], ["isntall"]) and len(positional) == 1:
        return "npm-install"
    if tool == "npm" and positional[:1] in (["ci"], ["clean-install"]):
        return "npm-ci"
    if tool == "yarn" and (not positional or positional == ["install"]):
        return "yarn"
    if tool == "pnpm" and positional in (["install"], ["i"]):
        return "pnpm"
    return None


def _installs(stage: Stage) -> Iterator[tuple[Instruction, list[str], str]]:
    for ins in stage.instructions:
        if ins.keyword != "RUN":
            continue
        for tokens in ins.shell_commands():
            kind = _install_command(tokens)
            if kind is not None:
                yield ins, tokens, kind


@rule(
    "DKR-007",
    "docker-npm-ci",
    DOCKER,
    Severity.WARNING,
    "Install with `npm ci` from the lockfile",
    rationale="""`npm install` may resolve different versions than the lockfile says and rewrites it, so
        the image is not what was tested. `npm ci` installs exactly the lockfile and fails when it
        is out of date.""",
    fix="""Copy `package.json` and `package-lock.json` first, then `RUN npm ci` (`yarn install
        --immutable`, `pnpm install --frozen-lockfile`).""",
)
def npm_ci(project: Project) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        for stage in dockerfile.stages:
            for ins, tokens, kind in _installs(stage):
                if kind == "npm-install":
                    yield _hit(dockerfile, ins, "`npm install` ignores the lockfile: use `npm ci`")
                elif kind == "yarn" and not {"--frozen-lockfile", "--immutable"} & set(tokens):
                    yield _hit(
                        dockerfile,
                        ins,
                        "`yarn install` may change the lockfile: add "
                        "`--immutable` (`--frozen-lockfile` on Yarn 1)",
                    )
                elif kind == "pnpm" and "--frozen-lockfile" not in tokens:
                    yield _hit(
                        dockerfile, ins, "`pnpm install` may change the lockfile: add `--frozen-lockfile`"
                    )


_PROD_FLAGS = {"--omit=dev", "--only=prod", "--only=production", "--production", "--prod", "--omit", "-P"}


def _omits_dev(stage: Stage, ins: Instruction, tokens: list[str]) -> bool:
    if _PROD_FLAGS & set(tokens) or any(t.startswith("--omit=") and "dev" in t for t in tokens):
        return True
    if any(t == "NODE_ENV=production" for t in tokens):
        return True
    # npm and yarn leave devDependencies out when NODE_ENV=production is set before the install.
    env: dict[str, str | None] = {}
    for earlier in stage.all_instructions():
        if earlier is ins:
            break
        if earlier.keyword == "ENV":
            env.update(earlier.key_values())
    return env.get("NODE_ENV") == "production"


def _is_prune(tokens: list[str]) -> bool:
    return len(tokens) >= 2 and _basename(tokens[0]) in {"npm", "pnpm"} and tokens[1] == "prune"


def _dev_install(stage: Stage) -> Instruction | None:
    """The RUN that leaves devDependencies in this stage's node_modules, if one does."""
    dev: Instruction | None = None
    for current in stage.lineage():
        for ins in current.instructions:
            if ins.keyword != "RUN":
                continue
            for tokens in ins.shell_commands():
                if _install_command(tokens):
                    dev = None if _omits_dev(current, ins, tokens) else ins
                elif _is_prune(tokens) and ({"--production", "--omit=dev"} & set(tokens)):
                    dev = None
    return dev


@rule(
    "DKR-008",
    "docker-production-deps",
    DOCKER,
    Severity.WARNING,
    "Ship only production dependencies in the runtime stage",
    rationale="""Test runners, compilers and linters in the runtime image double its size and bring
        their own vulnerabilities into production, where they are never used.""",
    fix="""In a `deps` stage run `npm ci --omit=dev` and copy that `node_modules` into the final stage
        (or `npm prune --omit=dev` after building).""",
)
def production_deps(project: Project) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        final = dockerfile.final
        assert final is not None
        if (
            final.parent is not None
            and _dev_install(final.parent) is not None
            and not any(True for _ in _installs(final))
        ):
            yield _hit(
                dockerfile,
                final,
                f"The final stage builds on `{final.parent.name}`, which "
                "has devDependencies: start from a clean base image",
            )
            continue
        own = _dev_install(final) if any(True for _ in _installs(final)) else None
        if own is not None:
            yield _hit(
                dockerfile,
                own,
                "This install keeps devDependencies in the runtime image: use `npm ci --omit=dev`",
            )
        for copy in final.find("COPY", inherited=False):
            source_stage = (
                dockerfile.stage_named(copy.flags.get("from", "")) if "from" in copy.flags else None
            )
            if source_stage is None or _dev_install(source_stage) is None:
                continue
            parts = copy.args.split()
            if copy.exec_form is not None:
                parts = copy.exec_form
            sources = parts[:-1]
            workdir = source_stage.workdir().rstrip("/")
            if any(_copies_node_modules(src, workdir) for src in sources):
                yield _hit(
                    dockerfile,
                    copy,
                    f"Copies node_modules with devDependencies from `{source_stage.name or source_stage.index}`:"
                    " copy them from a stage that ran `npm ci --omit=dev`",
                )


def _copies_node_modules(source: str, workdir: str) -> bool:
    source = source.rstrip("/")
    return source.endswith("node_modules") or source in {".", "", "/", workdir, "./"}


_SECRET_NAME = re.compile(
    r"(^|_)(PASSWORD|PASSWD|PASS|SECRET|SECRETS|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|AUTH_?KEY)(_|$)",
    re.IGNORECASE,
)
_NOT_SECRET_SUFFIX = re.compile(
    r"_(FILE|PATH|DIR|TTL|EXPIRES|EXPIRES_IN|EXPIRY|LENGTH|ALGORITHM|ISSUER|AUDIENCE|HEADER|NAME|ENABLED|ROUNDS)$",
    re.IGNORECASE,
)


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME.search(name)) and not _NOT_SECRET_SUFFIX.search(name)


@rule(
    "DKR-009",
    "docker-no-secrets",
    DOCKER,
    Severity.ERROR,
    "Keep secrets out of `ARG` and `ENV`",
    rationale="""Build arguments and environment variables are stored in the image metadata and layer
        history: `docker history` shows them to anyone who can pull the image, long after the secret
        was rotated.""",
    fix="""Pass build-time secrets with `RUN --mount=type=secret,id=npm_token …` and runtime secrets
        through the orchestrator's secret store (environment injected at start), never the image.""",
)
def no_secrets(project: Project) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        instructions = [i for s in dockerfile.stages for i in s.instructions]
        for ins in instructions:
            if ins.keyword not in {"ARG", "ENV"}:
                continue
            for name, _value in ins.key_values():
                if is_secret_name(name):
                    yield _hit(
                        dockerfile,
                        ins,
                        f"`{ins.keyword} {name}` bakes a secret into the image: "
                        "use `RUN --mount=type=secret` or inject it at run time",
                    )
        for name in dockerfile.global_args:
            if is_secret_name(name):
                yield Hit(
                    dockerfile.path,
                    1,
                    f"`ARG {name}` bakes a secret into the image history: use `RUN --mount=type=secret`",
                    f"ARG {name}",
                )


@rule(
    "DKR-010",
    "docker-tls-verification",
    DOCKER,
    Severity.ERROR,
    "Never turn off TLS verification in the image",
    rationale="""`NODE_TLS_REJECT_UNAUTHORIZED=0` (or `npm config set strict-ssl false`) makes every HTTPS
        connection accept any certificate: a man-in-the-middle reads and changes the traffic,
        including database and payment calls.""",
    fix="""Remove the setting. For a private certificate authority, add its certificate with
        `NODE_EXTRA_CA_CERTS=/path/ca.pem` instead.""",
)
def tls_verification(project: Project) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        for stage in dockerfile.stages:
            for ins in stage.instructions:
                if ins.keyword in {"ENV", "ARG"}:
                    for name, value in ins.key_values():
                        if name == "NODE_TLS_REJECT_UNAUTHORIZED" and (value or "").strip("'\"") == "0":
                            yield _hit(
                                dockerfile,
                                ins,
                                "NODE_TLS_REJECT_UNAUTHORIZED=0 accepts any certificate: "
                                "remove it (use NODE_EXTRA_CA_CERTS for a private CA)",
                            )
                elif ins.keyword == "RUN":
                    for tokens in ins.shell_commands():
                        joined = " ".join(tokens)
                        if "NODE_TLS_REJECT_UNAUTHORIZED=0" in tokens or re.search(
                            r"\bstrict-ssl\s+false\b", joined
                        ):
                            yield _hit(
                                dockerfile,
                                ins,
                                "This RUN turns off TLS verification: remove "
                                "it (use NODE_EXTRA_CA_CERTS for a private CA)",
                            )
                            break


@rule(
    "DKR-011",
    "docker-copy-not-add",
    DOCKER,
    Severity.WARNING,
    "Use `COPY`, not `ADD`",
    rationale="""`ADD` also downloads URLs (without checking them) and unpacks archives, so a harmless
        looking line can fetch remote code or explode a tarball into the image. `COPY` does only
        what it says.""",
    fix="""Replace `ADD` with `COPY`. To fetch a file, use `ADD --checksum=sha256:… <url>` or `curl` in a
        build stage and verify it.""",
)
def copy_not_add(project: Project) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        for stage in dockerfile.stages:
            for ins in stage.instructions:
                if ins.keyword != "ADD":
                    continue
                sources = (ins.exec_form or ins.args.split())[:-1]
                remote = any(re.match(r"https?://|git@", s) for s in sources)
                archive = (
                    all(re.search(r"\.(tar|tar\.gz|tgz|tar\.bz2|tar\.xz)$", s) for s in sources) and sources
                )
                if (remote and "checksum" in ins.flags) or (archive and not remote):
                    continue
                yield _hit(dockerfile, ins, "Use `COPY` instead of `ADD` for local files")


def _has_probes(project: Project) -> bool:
    return any(
        "readinessProbe" in c.data or "livenessProbe" in c.data
        for w in project.workloads
        for c in w.containers
    )


@rule(
    "DKR-012",
    "docker-healthcheck",
    DOCKER,
    Severity.WARNING,
    "Declare a `HEALTHCHECK`",
    rationale="""Without a health check, Docker, Compose and Swarm only know the process is alive, not
        that it serves: a wedged event loop keeps receiving traffic. (Kubernetes ignores
        `HEALTHCHECK` and uses its probes, so there this is only a note.)""",
    fix="""Add a check that uses node's own fetch, so no curl is needed in the image: `HEALTHCHECK CMD
        ["node", "dist/healthcheck.js"]`, where the script requests the liveness route and exits 1 unless
        it answers 200.""",
)
def healthcheck(project: Project) -> Iterator[Hit]:
    dockerfiles = project.require_dockerfiles()
    severity = Severity.NOTE if _has_probes(project) else None
    for dockerfile in dockerfiles:
        final = dockerfile.final
        assert final is not None
        checks = final.find("HEALTHCHECK")
        if not checks or checks[-1].args.strip().upper() == "NONE":
            suffix = " (Kubernetes probes cover this in the cluster)" if severity else ""
            yield _hit(
                dockerfile,
                final,
                f"The final stage has no HEALTHCHECK: add one that calls the liveness route{suffix}",
                severity,
            )


@rule(
    "DKR-013",
    "docker-node-env",
    DOCKER,
    Severity.WARNING,
    "Set `NODE_ENV=production` in the runtime image",
    rationale="""Express, many libraries and npm itself change behaviour on `NODE_ENV`: without it they
        keep development-only checks, verbose errors and view caching off, costing speed and
        leaking detail.""",
    fix="""Add `ENV NODE_ENV=production` to the final stage.""",
)
def node_env(project: Project) -> Iterator[Hit]:
    for dockerfile in project.require_dockerfiles():
        final = dockerfile.final
        assert final is not None
        value = final.env().get("NODE_ENV")
        if value is None:
            yield _hit(
                dockerfile, final, "The final stage does not set NODE_ENV: add `ENV NODE_ENV=production`"
            )
        elif (value[0] or "").strip("'\"") != "production":
            ins = next(i for i in final.find("ENV") if i.line == value[1])
            yield _hit(
                dockerfile, ins, f"NODE_ENV is `{value[0]}` in the runtime image: set it to `production`"
            )
