"""`scalefold check --fix`: each fixer's before and after, idempotence, the finding gone, refusals.

Each case starts from the clean base project (which passes every rule), breaks one thing, fixes it
and checks: the files are what the template would have written, the rule passes afterwards, and a
second run finds nothing to change.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
import yaml
from scalefold.audit.fix import template
from scalefold.audit.fix.engine import FixPlan, plan_fixes

from .conftest import BASE, TODAY, audit

REPO = Path(__file__).resolve().parents[2]
BASE_DOCKERFILE = (BASE / "Dockerfile").read_text()
BASE_PACKAGE = (BASE / "package.json").read_text()


def plan(root: Path, *rules: str, today: date = TODAY) -> FixPlan:
    return plan_fixes(root, audit(root, rules=frozenset(rules), today=today), today)


def fix(root: Path, rule: str, today: date = TODAY) -> FixPlan:
    """Fix ``rule`` in ``root``; assert its findings are gone and a second run changes nothing."""
    assert audit(root, rules=frozenset({rule}), today=today).active_findings, "the case has no finding to fix"
    first = plan(root, rule, today=today)
    assert first.fixed and not first.refused, [o.summary for o in first.outcomes]
    first.write()
    after = audit(root, rules=frozenset({rule}), today=today)
    assert after.active_findings == [], [f.message for f in after.active_findings]
    second = plan(root, rule, today=today)
    assert second.outcomes == [] and second.changed_files == []
    return first


def refusal(root: Path, rule: str) -> str:
    """The reason the fixer of ``rule`` gives for not fixing; nothing is changed."""
    result = plan(root, rule)
    assert result.fixed == [] and result.changed_files == []
    (refused,) = result.refused
    return refused.summary


# --------------------------------------------------------------------------- DKR-002 non-root user


def test_dkr_002_adds_the_templates_user_after_the_last_copy_of_the_final_stage(project) -> None:
    root = project(files={"Dockerfile": BASE_DOCKERFILE.replace("USER node\n", "")})
    result = fix(root, "DKR-002")
    assert (root / "Dockerfile").read_text() == BASE_DOCKERFILE  # back where the base has it
    assert template.runtime_user() == "USER node"
    assert "`USER node` after line 20" in result.fixed[0].summary


def test_dkr_002_inserts_after_a_run_that_spans_lines(project) -> None:
    dockerfile = 'FROM docker.io/library/node:24-slim\nWORKDIR /app\nRUN apt-get update \\\n    && rm -rf /var/lib/apt/lists\nCMD ["node", "server.js"]\n'
    root = project(files={"Dockerfile": dockerfile})
    fix(root, "DKR-002")
    assert (root / "Dockerfile").read_text().splitlines()[4] == "USER node"


@pytest.mark.parametrize(
    ("dockerfile", "reason"),
    [
        ('FROM python:3.13-slim\nCOPY . .\nCMD ["python", "app.py"]\n', "may have no `node` user"),
        (
            'FROM node:24-slim\nUSER root\nCMD ["node", "s.js"]\n',
            "`USER root` on line 2 was written on purpose",
        ),
        ('FROM ghcr.io/acme/node:24\nCMD ["node", "s.js"]\n', "may have no `node` user"),
    ],
)
def test_dkr_002_refuses_when_the_user_is_not_known(project, dockerfile: str, reason: str) -> None:
    assert reason in refusal(project(files={"Dockerfile": dockerfile}), "DKR-002")


# --------------------------------------------------------------------------- DKR-007 npm ci


def test_dkr_007_turns_npm_install_into_npm_ci_in_every_stage(project) -> None:
    broken = BASE_DOCKERFILE.replace("RUN npm ci --omit=dev", "RUN npm install --omit=dev").replace(
        "RUN npm ci\n", "RUN npm i\n"
    )
    root = project(files={"Dockerfile": broken})
    result = fix(root, "DKR-007")
    assert (root / "Dockerfile").read_text() == BASE_DOCKERFILE
    assert result.fixed[0].summary == "`npm install` → `npm ci` on line 5; `npm i` → `npm ci` on line 10"


def test_dkr_007_keeps_run_flags_and_continuations(project) -> None:
    broken = BASE_DOCKERFILE.replace(
        "RUN npm ci --omit=dev",
        "RUN --mount=type=cache,target=/root/.npm \\\n    NODE_ENV=production npm install",
    )
    root = project(files={"Dockerfile": broken})
    fix(root, "DKR-007")
    assert (
        "RUN --mount=type=cache,target=/root/.npm \\\n    NODE_ENV=production npm ci\n"
        in (root / "Dockerfile").read_text()
    )


@pytest.mark.parametrize(
    ("lock", "install", "fixed"),
    [
        (
            "pnpm-lock.yaml",
            "RUN npm install -g pnpm && pnpm install",
            "RUN npm install -g pnpm && pnpm install --frozen-lockfile",
        ),
        ("yarn.lock", "RUN yarn", "RUN yarn --frozen-lockfile"),
        ("yarn.lock", "RUN yarn install --production", "RUN yarn install --immutable --production"),
    ],
)
def test_dkr_007_adds_the_lockfile_flag_of_pnpm_and_yarn(
    project, lock: str, install: str, fixed: str
) -> None:
    lockfile = "# yarn lockfile v1\n" if install == "RUN yarn" else "__metadata:\n  version: 8\n"
    if lock == "pnpm-lock.yaml":
        lockfile = "lockfileVersion: '9.0'\n"
    dockerfile = f"FROM node:24-slim\nWORKDIR /app\nCOPY package.json {lock} ./\n{install}\nUSER node\n"
    root = project(files={"Dockerfile": dockerfile, lock: lockfile})
    fix(root, "DKR-007")
    assert (root / "Dockerfile").read_text().splitlines()[
        3
    ] == fixed  # `npm install -g` is not a project install


@pytest.mark.parametrize(
    ("dockerfile", "remove", "reason"),
    [
        ("COPY package.json ./\nRUN npm install\n", (), "no package-lock.json reaches the install on line 4"),
        ("COPY package*.json ./\nRUN npm install\n", ("package-lock.json",), "no package-lock.json reaches"),
        ("COPY package.json yarn.lock ./\nRUN yarn\n", (), "no yarn.lock tells Yarn 1"),
    ],
)
def test_dkr_007_refuses_when_the_lockfile_cannot_be_used(
    project, dockerfile: str, remove: tuple[str, ...], reason: str
) -> None:
    text = f"FROM node:24-slim\nWORKDIR /app\n{dockerfile}USER node\n"
    files = {"Dockerfile": text} | ({"yarn.lock": "# no header\n"} if "yarn" in dockerfile else {})
    assert reason in refusal(project(files=files, remove=remove), "DKR-007")


# --------------------------------------------------------------------------- DKR-005 .dockerignore


def test_dkr_005_writes_the_templates_dockerignore_when_there_is_none(project) -> None:
    root = project(remove=(".dockerignore",))
    result = fix(root, "DKR-005")
    assert (root / ".dockerignore").read_text() == (REPO / "template" / ".dockerignore").read_text()
    assert result.fixed[0].summary == "created .dockerignore from scalefold's template"


def test_dkr_005_leaves_out_the_template_patterns_that_hide_what_the_dockerfile_copies(project) -> None:
    dockerfile = BASE_DOCKERFILE.replace(
        "COPY --from=build --chown=node:node /app/dist ./dist", "COPY --chown=node:node dist ./dist"
    )
    root = project(files={"Dockerfile": dockerfile}, remove=(".dockerignore",))
    result = fix(root, "DKR-005")
    patterns = [line for line in (root / ".dockerignore").read_text().splitlines() if line and line[0] != "#"]
    assert "dist" not in patterns and "**/dist" not in patterns
    assert {"node_modules", ".git", ".env", "coverage"} <= set(patterns)
    assert (
        "left out `**/dist` (the Dockerfile copies dist), `dist` (the Dockerfile copies dist)"
        in result.fixed[0].summary
    )


def test_dkr_005_next_to_a_dockerfile_in_a_subfolder_writes_its_own_ignore_file(project) -> None:
    root = project(files={"services/api/Dockerfile": BASE_DOCKERFILE}, remove=("Dockerfile", ".dockerignore"))
    fix(root, "DKR-005")
    assert (root / "services/api/Dockerfile.dockerignore").is_file()
    assert not (root / ".dockerignore").exists()


def test_dkr_005_appends_the_missing_entries_and_keeps_the_files_line_endings(project) -> None:
    root = project()
    (root / ".dockerignore").write_bytes(b"# ours\r\ndist\r\n*.log")  # CRLF, no final newline
    result = fix(root, "DKR-005")
    assert (
        root / ".dockerignore"
    ).read_bytes() == b"# ours\r\ndist\r\n*.log\r\n\r\nnode_modules\r\n.env\r\n.git\r\n"
    assert result.fixed[0].summary == "added `node_modules`, `.env`, `.git`"


def test_dkr_005_refuses_to_override_a_deliberate_exception(project) -> None:
    root = project(files={".dockerignore": "node_modules\n.git\n.env\n!.env\n"})
    assert "lets .env in on purpose" in refusal(root, "DKR-005")


# --------------------------------------------------------------------------- REL-005 engines.node


def _without_engines(text: str) -> str:
    return text.replace('  "engines": {\n    "node": ">=24"\n  },\n', "")


def test_rel_005_adds_the_templates_engines_where_the_template_has_it(project) -> None:
    root = project(files={"package.json": _without_engines(BASE_PACKAGE)})
    result = fix(root, "REL-005")
    expected_range = template.package_json()["engines"]["node"]
    assert (root / "package.json").read_text() == BASE_PACKAGE.replace('">=24"', f'"{expected_range}"')
    assert result.fixed[0].summary == f'added "engines": {{ "node": "{expected_range}" }}'


@pytest.mark.parametrize(
    ("engines", "expected"),
    [
        ('{\n    "npm": ">=10"\n  }', {"node": ">=22", "npm": ">=10"}),
        ('{\n    "node": "16.x"\n  }', {"node": ">=22"}),
        ('{\n    "node": "^18 || ^20"\n  }', {"node": ">=22"}),
    ],
)
def test_rel_005_completes_or_raises_an_existing_engines(
    project, engines: str, expected: dict[str, str]
) -> None:
    text = BASE_PACKAGE.replace('{\n    "node": ">=24"\n  }', engines)
    root = project(files={"package.json": text})
    fix(root, "REL-005")
    after = json.loads((root / "package.json").read_text())
    assert after["engines"] == expected and list(after["engines"]) == list(expected)


def test_rel_005_keeps_a_four_space_layout_and_takes_a_supported_line_once_the_templates_has_aged(
    project,
) -> None:
    data = json.loads(_without_engines(BASE_PACKAGE))
    root = project(files={"package.json": json.dumps(data, indent=4)})  # no final newline either
    fix(root, "REL-005", today=date(2027, 6, 1))  # Node.js 22 reached end of life on 2027-04-30
    text = (root / "package.json").read_text()
    assert '    "engines": {\n        "node": ">=24"\n    },\n    "scripts"' in text and not text.endswith(
        "\n"
    )


@pytest.mark.parametrize(
    ("package", "reason"),
    [
        ('{"name": "x", "dependencies": {"fastify": "^5.0.0"}}\n', "not laid out the way npm writes it"),
        (
            '{\n  "name": "x",\n  "engines": {\n    "node": ">=14 <17"\n  },\n  "dependencies": {\n    "fastify": "^5.0.0"\n  }\n}\n',
            "sets an upper bound on purpose",
        ),
    ],
)
def test_rel_005_refuses_to_reformat_or_to_lift_a_cap(project, package: str, reason: str) -> None:
    assert reason in refusal(project(files={"package.json": package}), "REL-005")


# --------------------------------------------------------------------------- CI-010 Dependabot


def test_ci_010_adds_the_templates_dependabot_config_for_the_ecosystems_in_use(project) -> None:
    root = project(remove=(".github/dependabot.yml",))
    result = fix(root, "CI-010")
    written = (root / ".github/dependabot.yml").read_text()
    config = yaml.safe_load(written)
    assert [u["package-ecosystem"] for u in config["updates"]] == ["npm", "github-actions", "docker"]
    rendered = template.dependabot([""])
    assert written in rendered.replace(rendered[rendered.index("\n\n  # The images of compose.yaml") :], "\n")
    assert result.fixed[0].summary.endswith("(npm, github-actions, docker)")


def test_ci_010_lists_each_dockerfile_folder_and_the_compose_file(project) -> None:
    root = project(
        files={"apps/api/Dockerfile": BASE_DOCKERFILE, "compose.yaml": "services: {}\n"},
        remove=(".github/dependabot.yml", "Dockerfile"),
    )
    fix(root, "CI-010")
    updates = {
        u["package-ecosystem"]: u
        for u in yaml.safe_load((root / ".github/dependabot.yml").read_text())["updates"]
    }
    assert set(updates) == {"npm", "github-actions", "docker", "docker-compose"}
    assert updates["docker"]["directories"] == ["/apps/api"]


# --------------------------------------------------------------------------- the engine


def test_fixes_in_one_file_compose_and_only_active_findings_are_fixed(project, tmp_path: Path) -> None:
    broken = BASE_DOCKERFILE.replace("USER node\n", "").replace("RUN npm ci\n", "RUN npm install\n")
    root = project(files={"Dockerfile": broken})
    result = plan(root, "DKR-002", "DKR-007")
    assert [o.rule_id for o in result.fixed] == ["DKR-002", "DKR-007"] and result.changed_files == [
        "Dockerfile"
    ]
    assert result.after["Dockerfile"] == BASE_DOCKERFILE
    # A baselined finding was accepted on purpose: it is not fixed.
    baseline = tmp_path / "b.json"
    audit(root, rules=frozenset({"DKR-002"}), write_baseline=baseline)
    report = audit(root, rules=frozenset({"DKR-002", "DKR-007"}), baseline=baseline)
    assert [o.rule_id for o in plan_fixes(root, report, TODAY).fixed] == ["DKR-007"]


def test_writing_keeps_permissions_and_refuses_symbolic_links(project) -> None:
    root = project(files={"Dockerfile": BASE_DOCKERFILE.replace("USER node\n", "")})
    os.chmod(root / "Dockerfile", 0o640)
    plan(root, "DKR-002").write()
    assert (root / "Dockerfile").stat().st_mode & 0o777 == 0o640
    linked = project(
        files={"docker/Dockerfile.real": BASE_DOCKERFILE.replace("USER node\n", "")}, remove=("Dockerfile",)
    )
    (linked / "Dockerfile").symlink_to("docker/Dockerfile.real")
    assert "is a symbolic link" in " ".join(o.summary for o in plan(linked, "DKR-002").refused)


def test_the_patch_is_a_unified_diff_git_can_apply(project, tmp_path: Path) -> None:
    import subprocess

    root = project(
        files={"Dockerfile": BASE_DOCKERFILE.replace("USER node\n", "")}, remove=(".dockerignore",)
    )
    patch = plan(root, "DKR-002", "DKR-005").patch()
    assert patch.startswith("--- /dev/null\n+++ b/.dockerignore\n") and "+USER node\n" in patch
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    applied = subprocess.run(["git", "apply", "-"], cwd=root, input=patch, text=True, capture_output=True)
    assert applied.returncode == 0, applied.stderr
    assert (root / "Dockerfile").read_text() == BASE_DOCKERFILE
