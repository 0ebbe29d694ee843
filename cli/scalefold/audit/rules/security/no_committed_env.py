"""SEC-013: do not commit `.env` files."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Location, NotApplicable, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.security.common import gitignore_patterns, gitignored

# File names (text): `.env` and `.env.<name>`, except the templates meant to be committed.
_ENV_FILE = re.compile(r"(?:^|/)\.env(?:\.(?!example$|sample$|template$|dist$|defaults$|schema$)[\w.-]+)?$")


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    env_files = [rel for rel in project.files if _ENV_FILE.search(rel)]
    if not env_files and not project.packages:
        raise NotApplicable("no package.json")
    for rel in sorted(env_files):
        folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
        if not gitignored(gitignore_patterns(project, folder), rel):
            yield Hit(
                Location(rel, 1, f"env file {rel}"),
                f"`{rel}` is not ignored by git: add it to .gitignore, commit `.env.example` instead and rotate its secrets",
            )


RULE = Rule(
    id="SEC-013",
    name="security-no-committed-env",
    category=Category.SECURITY,
    severity=Severity.ERROR,
    title="Do not commit `.env` files",
    rationale="""A `.env` file holds the real secrets of some environment. Committed, it is in every
        clone and fork forever, even after deletion, and the secrets must be rotated.""",
    fix="""Add `.env` and `.env.*` (with `!.env.example`) to `.gitignore`, commit only `.env.example` with
        placeholder values, and rotate anything that was committed.""",
    check=check,
)
