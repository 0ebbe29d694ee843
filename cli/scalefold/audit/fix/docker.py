"""Fixes in Dockerfiles: run the final stage as the image's unprivileged user (DKR-002), install
from the lockfile (DKR-007). Each edits the instructions it concerns and nothing else."""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING

from scalefold.audit.fix import template
from scalefold.audit.fix.dockerfile import Word, instruction_lines, shell_commands
from scalefold.audit.fix.edits import insert_after_line
from scalefold.audit.fix.model import CannotFix, Change, FixContext
from scalefold.audit.parsers.dockerfile import Instruction, Stage
from scalefold.audit.rules.docker.common import basename, install_command

if TYPE_CHECKING:
    from scalefold.audit.results import Finding

#: The official Node.js image, which ships the unprivileged `node` user, under each of its names.
_OFFICIAL_NODE = frozenset({"node", "library/node", "docker.io/library/node", "index.docker.io/library/node"})


def add_runtime_user(context: FixContext, finding: Finding) -> Change:
    """DKR-002: the template's `USER node`, after the last `COPY`/`ADD`/`RUN` of the final stage (which keep
    running as root, as before), when the final stage is built on the official Node image."""
    text, dockerfile = context.dockerfile(finding.path)
    final = dockerfile.final
    if final is None:
        raise CannotFix(f"{finding.path} has no stage")
    users = final.find("USER")
    if users:
        raise CannotFix(
            f"`USER {users[-1].args.strip()}` on line {users[-1].line} was written on purpose: "
            "change it to `USER node` yourself once nothing after it needs root"
        )
    image = final.root_image
    if image is None or image.repository.lower() not in _OFFICIAL_NODE:
        built_on = image.ref if image is not None else final.base
        raise CannotFix(
            f"the final stage is built on {built_on}, which may have no `node` user: "
            "add `USER` with an unprivileged user that image has"
        )
    anchors = [i for i in final.instructions if i.keyword in {"COPY", "ADD", "RUN"}] or final.instructions[:1]
    after = instruction_lines(text)[anchors[-1].line]
    user = template.runtime_user()
    return Change(
        finding.path,
        insert_after_line(text, after, [user]),
        f"`{user}` after line {after}: the process no longer runs as root "
        "(files it must write need `COPY --chown=node:node`)",
    )


_NPM_LOCKFILES = ("package-lock.json", "npm-shrinkwrap.json")
Edit = tuple[int, int, str, str]  # (start, end, replacement, what it does) in the Dockerfile's text


def _context_folders(path: str) -> list[str]:
    """Where the build context may be: the Dockerfile's folder, and the repository root."""
    folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    return sorted({folder, ""})


def _npm_lockfile_reaches(context: FixContext, path: str, stage: Stage, run: Instruction) -> bool:
    """Whether the build context has an npm lockfile and a `COPY`/`ADD` before ``run`` brings it in."""
    folders = _context_folders(path)
    if not any(context.exists(f"{folder}{lock}") for folder in folders for lock in _NPM_LOCKFILES):
        return False
    for ins in stage.all_instructions():
        if ins is run:
            return False
        if ins.keyword not in {"COPY", "ADD"} or "from" in ins.flags:
            continue
        for source in (ins.exec_form or ins.args.split())[:-1]:
            folder = source.strip("/")
            if source in {".", "./"} or any(
                fnmatch.fnmatchcase(lock, basename(folder)) for lock in _NPM_LOCKFILES
            ):
                return True
            if any(context.exists(f"{f}{folder}/{lock}") for f in folders for lock in _NPM_LOCKFILES):
                return True  # a folder holding the lockfile
    return False


def _yarn_flag(context: FixContext, path: str) -> str:
    for folder in _context_folders(path):
        lock = context.read(f"{folder}yarn.lock")
        if lock is None:
            continue
        if "# yarn lockfile v1" in lock[:500]:
            return "--frozen-lockfile"
        if "__metadata:" in lock:
            return "--immutable"
    raise CannotFix(
        "no yarn.lock tells Yarn 1 (`--frozen-lockfile`) from Yarn 2+ (`--immutable`): add the flag yourself"
    )


def _install_edit(context: FixContext, path: str, words: list[Word], line: int) -> Edit | None:
    """The edit that makes one install command use the lockfile, if it does not."""
    index = 0
    while index < len(words) and "=" in words[index].value and not words[index].value.startswith("-"):
        index += 1  # `NODE_ENV=production npm install`
    command = words[index:]
    kind = install_command([w.value for w in command])
    if kind is None or kind == "npm-ci":
        return None
    positional = [w for w in command[1:] if not w.value.startswith("-")]
    verb = positional[0] if positional else command[0]  # bare `yarn` installs too
    flags = {w.value for w in command}
    if kind == "npm-install":
        return (verb.start, verb.end, "ci", f"`npm {verb.value}` → `npm ci` on line {line}")
    if kind == "pnpm" and "--frozen-lockfile" not in flags:
        return (verb.end, verb.end, " --frozen-lockfile", f"`pnpm install --frozen-lockfile` on line {line}")
    if kind == "yarn" and not {"--frozen-lockfile", "--immutable"} & flags:
        flag = _yarn_flag(context, path)
        return (verb.end, verb.end, f" {flag}", f"`yarn install {flag}` on line {line}")
    return None


def install_from_lockfile(context: FixContext, finding: Finding) -> Change:
    """DKR-007: `npm install` → `npm ci` (`--frozen-lockfile` / `--immutable` for pnpm and Yarn) in every
    stage, when the lockfile is in the build context and copied before the install."""
    text, dockerfile = context.dockerfile(finding.path)
    spans = instruction_lines(text)
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    edits: list[Edit] = []
    for stage in dockerfile.stages:
        for ins in stage.instructions:
            if ins.keyword != "RUN":
                continue
            begin, end = starts[ins.line - 1], starts[spans[ins.line]]
            commands = shell_commands(text[begin:end])
            if commands:  # the first command starts with `RUN` and its flags
                commands[0] = [w for w in commands[0][1:] if not w.value.startswith("--")]
            for words in commands:
                edit = _install_edit(context, finding.path, words, ins.line)
                if edit is None:
                    continue
                if ins.exec_form is not None:
                    raise CannotFix(f"the install on line {ins.line} is in exec form: change it yourself")
                if edit[2] == "ci" and not _npm_lockfile_reaches(context, finding.path, stage, ins):
                    raise CannotFix(
                        f"no package-lock.json reaches the install on line {ins.line}: copy it first "
                        "(`COPY package.json package-lock.json ./`), or commit one (`npm install` writes it)"
                    )
                edits.append((begin + edit[0], begin + edit[1], edit[2], edit[3]))
    if not edits:
        raise CannotFix("no install to change was found")
    for start, stop, replacement, _ in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[stop:]
    return Change(finding.path, text, "; ".join(e[3] for e in edits))
