"""DKR-005: keep `node_modules`, `.git` and `.env` out of the build context.

Without a `.dockerignore`, the template's own file is written, minus any pattern that would hide
something a Dockerfile copies (`dist` when the image copies a build made outside Docker). With one
that misses entries, the missing ones are appended, taken from the template's file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from scalefold.audit.fix import template
from scalefold.audit.fix.edits import append_lines
from scalefold.audit.fix.model import CannotFix, Change, FixContext
from scalefold.audit.parsers.dockerfile import Dockerfile, is_dockerfile

if TYPE_CHECKING:
    from scalefold.audit.results import Finding

Excludes = Callable[[list[str], str], bool]  # Docker's semantics: do these patterns exclude this path?


def _patterns(lines: Iterable[str]) -> list[str]:
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def _copied_sources(dockerfiles: Iterable[Dockerfile]) -> set[str]:
    """The paths the Dockerfiles copy from the build context (not from stages, URLs or globs)."""
    sources: set[str] = set()
    for dockerfile in dockerfiles:
        for stage in dockerfile.stages:
            for ins in stage.instructions:
                if ins.keyword not in {"COPY", "ADD"} or "from" in ins.flags:
                    continue
                for source in (ins.exec_form or ins.args.split())[:-1]:
                    path = source.removeprefix("./").strip("/")
                    if path and path != "." and "://" not in path and not any(c in path for c in "*?["):
                        sources.add(path)
    return sources


def _hides(excludes: Excludes, pattern: str, source: str) -> bool:
    """Whether ``pattern`` excludes ``source`` or a folder it sits in."""
    parts = source.split("/")
    return any(excludes([pattern], "/".join(parts[: i + 1])) for i in range(len(parts)))


def _users(context: FixContext, ignore_file: str) -> list[Dockerfile]:
    """The Dockerfiles an ignore file may apply to (`X.dockerignore`: X only; else all of them)."""
    dockerfiles = context.project.dockerfiles
    if (
        ignore_file.endswith(".dockerignore")
        and ignore_file != ".dockerignore"
        and not ignore_file.endswith("/.dockerignore")
    ):
        named = ignore_file.removesuffix(".dockerignore")
        return [d for d in dockerfiles if d.path == named]
    return dockerfiles


def _create(
    context: FixContext, dockerfile_path: str, required: tuple[str, ...], excludes: Excludes
) -> Change:
    # Next to a Dockerfile in a subfolder, `<Dockerfile>.dockerignore` applies whatever the build
    # context (BuildKit); the template's `**/` patterns cover a context at the root or in the folder.
    target = f"{dockerfile_path}.dockerignore" if "/" in dockerfile_path else ".dockerignore"
    copied = _copied_sources(_users(context, target))
    kept_blocks: list[str] = []
    left_out: list[str] = []
    for block in template.dockerignore().split("\n\n"):
        lines = []
        for line in block.splitlines():
            pattern = line.strip()
            hidden = [
                s for s in copied if pattern and not pattern.startswith("#") and _hides(excludes, pattern, s)
            ]
            if hidden:
                left_out.append(f"`{pattern}` (the Dockerfile copies {hidden[0]})")
            else:
                lines.append(line)
        if _patterns(lines):
            kept_blocks.append("\n".join(lines))
    text = "\n\n".join(kept_blocks) + "\n"
    still_missing = [p for p in required if not excludes(_patterns(text.splitlines()), p)]
    if still_missing:
        raise CannotFix(f"the Dockerfile copies {', '.join(still_missing)} itself: stop copying it first")
    summary = f"created {target} from scalefold's template"
    if left_out:
        summary += "; left out " + ", ".join(sorted(left_out))
    return Change(target, text, summary)


def _complete(context: FixContext, ignore_file: str, required: tuple[str, ...], excludes: Excludes) -> Change:
    text = context.read(ignore_file) or ""
    patterns = _patterns(text.splitlines())
    missing = [p for p in required if not excludes(patterns, p)]
    negated = [
        p
        for p in missing
        if any(excludes([pattern[1:]], p) for pattern in patterns if pattern.startswith("!"))
    ]
    if negated:
        raise CannotFix(f"{ignore_file} lets {', '.join(negated)} in on purpose (`!`): decide yourself")
    copied = _copied_sources(_users(context, ignore_file))
    for path in missing:
        hidden = [s for s in copied if _hides(excludes, path, s)]
        if hidden:
            raise CannotFix(f"a Dockerfile copies {hidden[0]}: ignoring `{path}` would break its build")
    if not missing:
        raise CannotFix(f"{ignore_file} already excludes {', '.join(required)}")
    # The template's own lines for these entries, in the template's order.
    template_lines = [line.strip() for line in template.dockerignore().splitlines()]
    added = [line for line in template_lines if line in missing] + [
        p for p in missing if p not in template_lines
    ]
    return Change(ignore_file, append_lines(text, added), f"added {', '.join(f'`{a}`' for a in added)}")


def complete_dockerignore(
    context: FixContext, finding: Finding, required: tuple[str, ...], excludes: Excludes
) -> Change:
    """Write or complete the `.dockerignore` the finding is about, so it excludes ``required``."""
    if is_dockerfile(finding.path):  # the finding is on a Dockerfile: it has no .dockerignore at all
        return _create(context, finding.path, required, excludes)
    return _complete(context, finding.path, required, excludes)
