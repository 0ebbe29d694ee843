"""Dockerfiles, read with dockerfile-parse and split into build stages."""

from __future__ import annotations

import io
import json
import re
import shlex
from dataclasses import dataclass, field

from dockerfile_parse import DockerfileParser

from scalefold.audit.parsers import shell

# `$NAME` and `${NAME}` / `${NAME:-default}` references in a Dockerfile word. dockerfile-parse's own
# substitution drops unknown variables and misreads `${NAME:-default}`, so a reference it cannot
# resolve would look like an untagged image; an unresolved one is kept as written instead.
_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+][^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))")


@dataclass(frozen=True)
class Image:
    """A parsed image reference: ``registry/repo:tag@digest``."""

    ref: str
    repository: str
    tag: str | None
    digest: str | None

    @classmethod
    def parse(cls, ref: str) -> Image:
        name, _, digest = ref.partition("@")
        slash = name.rfind("/")
        colon = name.rfind(":")
        if colon > slash:
            repository, tag = name[:colon], name[colon + 1 :]
        else:
            repository, tag = name, None
        return cls(ref, repository, tag or None, digest or None)

    @property
    def short_name(self) -> str:
        """``node`` for ``docker.io/library/node``."""
        return self.repository.rsplit("/", 1)[-1]

    def node_major(self) -> int | None:
        """The Node.js major version an official or distroless Node image carries, if it says."""
        if self.tag is None:
            return None
        if self.short_name == "node":
            match = re.match(r"(\d+)", self.tag)
            return int(match.group(1)) if match else None
        match = re.fullmatch(r"nodejs(\d+)(?:-debian\d+)?", self.short_name)
        if match:
            return int(match.group(1))
        return None


@dataclass
class Instruction:
    keyword: str  # upper case: FROM, RUN, COPY, …
    value: str  # everything after the keyword, continuation lines joined
    line: int  # 1-based first line
    flags: dict[str, str] = field(default_factory=dict)  # --from=build → {"from": "build"}
    args: str = ""  # value without the leading flags

    @property
    def exec_form(self) -> list[str] | None:
        """The JSON array of an exec-form CMD/ENTRYPOINT/RUN, or None for shell form."""
        text = self.args.strip()
        if not text.startswith("["):
            return None
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            return None
        return [str(v) for v in value] if isinstance(value, list) else None

    def key_values(self) -> list[tuple[str, str | None]]:
        """Pairs of an ENV/ARG/LABEL instruction (`ENV A=1 B=2`, `ENV A 1`, `ARG NAME`)."""
        try:
            tokens = shlex.split(self.args, posix=True)
        except ValueError:
            tokens = self.args.split()
        if not tokens:
            return []
        if self.keyword == "ENV" and "=" not in tokens[0]:
            return [(tokens[0], " ".join(tokens[1:]))]
        pairs: list[tuple[str, str | None]] = []
        for token in tokens:
            name, sep, value = token.partition("=")
            pairs.append((name, value if sep else None))
        return pairs

    def shell_commands(self) -> list[list[str]]:
        """A RUN's shell command split into simple commands at `&&`, `||`, `;` and `|`."""
        form = self.exec_form
        if form is not None:
            return [form]
        return shell.commands(self.args)


@dataclass
class Stage:
    index: int
    name: str | None
    base: str  # as written after FROM (variables substituted)
    line: int
    parent: Stage | None  # set when FROM names an earlier stage
    instructions: list[Instruction] = field(default_factory=list)

    @property
    def image(self) -> Image | None:
        """The external base image, or None when the stage starts from another stage or scratch."""
        if self.parent is not None or self.base == "scratch":
            return None
        return Image.parse(self.base)

    @property
    def root_image(self) -> Image | None:
        stage: Stage | None = self
        while stage is not None and stage.parent is not None:
            stage = stage.parent
        return stage.image if stage is not None else None

    def lineage(self) -> list[Stage]:
        """This stage and the stages it builds on, oldest first."""
        chain: list[Stage] = []
        stage: Stage | None = self
        while stage is not None and stage not in chain:
            chain.append(stage)
            stage = stage.parent
        return list(reversed(chain))

    def all_instructions(self) -> list[Instruction]:
        """Instructions in effect for this stage, including those inherited from parent stages."""
        return [ins for stage in self.lineage() for ins in stage.instructions]

    def find(self, keyword: str, *, inherited: bool = True) -> list[Instruction]:
        pool = self.all_instructions() if inherited else self.instructions
        return [ins for ins in pool if ins.keyword == keyword]

    def env(self) -> dict[str, tuple[str | None, int]]:
        values: dict[str, tuple[str | None, int]] = {}
        for ins in self.find("ENV"):
            for name, value in ins.key_values():
                values[name] = (value, ins.line)
        return values

    def workdir(self) -> str:
        dirs = self.find("WORKDIR")
        return dirs[-1].args.strip() if dirs else "/"


@dataclass
class Dockerfile:
    path: str
    stages: list[Stage]
    global_args: dict[str, str | None]
    comments: dict[int, str]  # line → comment text

    @property
    def final(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def stage_named(self, ref: str) -> Stage | None:
        for stage in self.stages:
            if stage.name is not None and stage.name.lower() == ref.lower():
                return stage
        if ref.isdigit() and int(ref) < len(self.stages):
            return self.stages[int(ref)]
        return None


def _split_flags(value: str) -> tuple[dict[str, str], str]:
    flags: dict[str, str] = {}
    rest = value.lstrip()
    while rest.startswith("--"):
        token, _, remainder = rest.partition(" ")
        name, _, flag_value = token[2:].partition("=")
        flags[name.lower()] = flag_value
        rest = remainder.lstrip()
    return flags, rest


def substitute(text: str, variables: dict[str, str | None]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        value = variables.get(name)
        return value if value is not None else match.group(0)

    return _VAR.sub(replace, text)


def parse_dockerfile(path: str, text: str) -> Dockerfile:
    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")))
    stages: list[Stage] = []
    global_args: dict[str, str | None] = {}
    comments: dict[int, str] = {}
    for item in parser.structure:
        keyword = str(item["instruction"]).upper()
        line = int(item["startline"]) + 1
        value = str(item["value"])
        if keyword == "COMMENT":
            comments[line] = value
            continue
        flags, args = _split_flags(value)
        ins = Instruction(keyword, value, line, flags, args)
        if keyword == "FROM":
            parts = args.split()
            base = substitute(parts[0], global_args) if parts else ""
            name = parts[2] if len(parts) >= 3 and parts[1].lower() == "as" else None
            parent = next((s for s in stages if s.name and s.name.lower() == base.lower()), None)
            stage = Stage(len(stages), name, base, line, parent)
            stage.instructions.append(ins)
            stages.append(stage)
        elif not stages:
            if keyword == "ARG":
                global_args.update(ins.key_values())
        else:
            stages[-1].instructions.append(ins)
    return Dockerfile(path, stages, global_args, comments)


def is_dockerfile(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    lower = name.lower()
    if lower in {"dockerfile", "containerfile"}:
        return True
    return lower.endswith(".dockerfile") or lower.startswith("dockerfile.")


# Development images are allowed to run `npm run dev` as root: the rules audit what ships.
_DEV_MARKERS = re.compile(r"(^|[.\-_])(dev|devcontainer|local|test|ci|debug)([.\-_]|$)", re.IGNORECASE)


# Folders whose images run tests or CI jobs, and development workspaces (Gitpod), not the service.
_NOT_SERVICE_DIRS = frozenset({".devcontainer", "test", "tests", "e2e", "ci", ".ci", ".gitpod", "cypress"})


def is_development_dockerfile(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    stem = re.sub(r"(?i)dockerfile|containerfile", "", name)
    if _DEV_MARKERS.search(stem) or "gitpod" in stem.lower():
        return True
    return any(part.lower() in _NOT_SERVICE_DIRS for part in rel.split("/")[:-1])
