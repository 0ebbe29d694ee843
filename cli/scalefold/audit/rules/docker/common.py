"""What the Docker rules share: pointing at instructions, base images and dependency installs."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Hit, Location, Severity
from scalefold.audit.parsers.dockerfile import Dockerfile, Instruction, Stage


def hit(
    dockerfile: Dockerfile, where: Instruction | Stage, message: str, severity: Severity | None = None
) -> Hit:
    """A finding on an instruction (or on the ``FROM`` of a stage), fingerprinted by its text."""
    ins = where.instructions[0] if isinstance(where, Stage) else where
    return Hit(Location(dockerfile.path, ins.line, f"{ins.keyword} {ins.value}"), message, severity)


def external_images(dockerfile: Dockerfile) -> Iterator[tuple[Stage, str, str | None, str | None]]:
    """(stage, reference, tag, digest) of each stage built on an image from a registry."""
    for stage in dockerfile.stages:
        image = stage.image
        if image is None or "$" in image.ref:
            continue
        yield stage, image.ref, image.tag, image.digest


def basename(token: str) -> str:
    return token.rsplit("/", 1)[-1]


def install_command(tokens: list[str]) -> str | None:
    """'npm-install', 'npm-ci', 'yarn', 'pnpm' when the tokens install a project's dependencies."""
    tokens = [t for t in tokens if "=" not in t or t.startswith("-")]  # drop `NODE_ENV=x` prefixes
    if not tokens:
        return None
    tool = basename(tokens[0])
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


def installs(stage: Stage) -> Iterator[tuple[Instruction, list[str], str]]:
    """(RUN, its command's tokens, kind of install) for each dependency install in ``stage``."""
    for ins in stage.instructions:
        if ins.keyword != "RUN":
            continue
        for tokens in ins.shell_commands():
            kind = install_command(tokens)
            if kind is not None:
                yield ins, tokens, kind


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
    return len(tokens) >= 2 and basename(tokens[0]) in {"npm", "pnpm"} and tokens[1] == "prune"


def dev_install(stage: Stage) -> Instruction | None:
    """The RUN that leaves devDependencies in this stage's node_modules, if one does."""
    dev: Instruction | None = None
    for current in stage.lineage():
        for ins in current.instructions:
            if ins.keyword != "RUN":
                continue
            for tokens in ins.shell_commands():
                if install_command(tokens):
                    dev = None if _omits_dev(current, ins, tokens) else ins
                elif _is_prune(tokens) and ({"--production", "--omit=dev"} & set(tokens)):
                    dev = None
    return dev
