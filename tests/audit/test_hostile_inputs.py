"""Inputs built to break the auditor, or broken by accident: it finishes, says what it skipped, and
never lets an unreadable input pass for a clean one."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from scalefold.audit.model import Category, Severity, Status
from scalefold.audit.report import TEXT_RENDERERS
from scalefold.audit.results import exit_code

from .conftest import BASE, audit

# The classic "billion laughs": nine aliases of nine aliases, nine levels deep (10⁹ nodes).
_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{','.join([f'*{previous}'] * 9)}]\n" for previous, name in zip("abcdefgh", "bcdefghi")
)
WORKFLOW_BOMB = _LAUGHS + "on: push\njobs: {x: {runs-on: u, steps: [{run: *i}]}}\n"
MANIFEST_BOMB = (
    _LAUGHS + "apiVersion: apps/v1\nkind: Deployment\n"
    "spec: {template: {spec: {containers: [{name: api, image: *i}]}}}\n"
)
ALIAS_BOMB_SECONDS = 60  # the run takes about a second; without the guard it never ends


def _limited_memory() -> None:  # in the child: a regression fails on memory instead of filling the machine
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))


def _check_json(root: Path, *args: str) -> tuple[int, dict]:
    done = subprocess.run(
        [sys.executable, "-m", "scalefold", "check", str(root), "--format", "json", *args],
        capture_output=True,
        text=True,
        timeout=ALIAS_BOMB_SECONDS,
        preexec_fn=_limited_memory,
        check=False,
    )
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)


def test_the_bombs_are_small_and_would_expand_to_a_billion_nodes() -> None:
    assert len(WORKFLOW_BOMB.encode()) <= 450 and len(MANIFEST_BOMB.encode()) <= 500
    assert _LAUGHS.count("*") == 8 * 9


@pytest.mark.parametrize(
    ("rel", "text", "category"),
    [
        (".github/workflows/bomb.yml", WORKFLOW_BOMB, "ci"),
        ("k8s/bomb.yaml", MANIFEST_BOMB, "kubernetes"),
    ],
    ids=["workflow", "manifest"],
)
def test_a_yaml_alias_bomb_is_refused_in_seconds_with_a_note(
    project, rel: str, text: str, category: str
) -> None:
    root = project(files={rel: text})
    code, report = _check_json(root)  # the subprocess timeout is the time bound
    notes = {n["path"]: n["message"] for n in report["notes"]}
    assert "alias bomb" in notes[rel]
    undetermined = [r for r in report["rules"] if r["status"] == "undetermined"]
    assert undetermined and all(rel in r["reason"] for r in undetermined)
    assert {r["category"] for r in undetermined} >= {category}
    assert code == 0  # the clean base has nothing at error; the bomb alone is no finding


def test_an_alias_bomb_in_the_project_configuration_is_a_usage_error(project) -> None:
    root = project(files={".scalefold.yml": _LAUGHS})
    done = subprocess.run(
        [sys.executable, "-m", "scalefold", "check", str(root)],
        capture_output=True,
        text=True,
        timeout=ALIAS_BOMB_SECONDS,
        preexec_fn=_limited_memory,
        check=False,
    )
    assert done.returncode == 2
    assert "alias bomb" in done.stderr and "Traceback" not in done.stderr


# --------------------------------------------------------------------------- package.json that is not JSON

APP_WITHOUT_HELMET = (
    (BASE / "src" / "app.ts")
    .read_text()
    .replace("import helmet from '@fastify/helmet';\n", "")
    .replace("  await app.register(helmet);\n", "")
)
VIOLATIONS = {
    "src/app.ts": APP_WITHOUT_HELMET,
    "src/run.ts": "export const run = (code: string) => eval(code);\n",
    "src/log.ts": "export function f() {\n  console.log('x');\n}\n",
    "src/hash.ts": "import crypto from 'node:crypto';\n"
    "export const h = (password: string) => crypto.createHash('md5').update(password).digest('hex');\n",
}


def test_a_package_json_that_is_not_json_is_an_error_and_every_other_rule_still_runs(project) -> None:
    valid = audit(project(files=VIOLATIONS))
    broken_json = (BASE / "package.json").read_text().replace('"private": true,', '"private": true')
    broken = audit(project(files={**VIOLATIONS, "package.json": broken_json}))

    (invalid,) = [f for f in broken.findings if f.rule_id == "REL-008"]
    assert (invalid.path, invalid.severity) == ("package.json", Severity.ERROR)
    assert invalid.line == broken_json.splitlines().index('  "type": "module",') + 1
    assert exit_code(broken, "error") == 1

    def keys(report) -> set[tuple[str, str, int]]:
        return {(f.rule_id, f.path, f.line) for f in report.findings if f.rule_id != "REL-008"}

    assert len(keys(valid)) >= 4 and "SEC-001" in {rule_id for rule_id, _, _ in keys(valid)}
    assert keys(broken) == keys(valid), "the other rules found the same, reading dependencies from the code"
    statuses = {r.rule.id: r.status for r in broken.results}
    assert statuses["REL-005"] is Status.UNDETERMINED  # engines.node cannot be read from broken JSON


# --------------------------------------------------------------------------- file names that are not UTF-8


def test_file_names_that_are_not_utf8_crash_no_rule_and_are_reported_escaped(project, tmp_path: Path) -> None:
    root = project()
    base = os.fsencode(root)
    (root / "src" / "latin").mkdir()
    for name, content in {
        b"src/caf\xe9.ts": b"export const x = eval('1');\n",
        b"src/latin/\xff\xfe.js": b"console.log('x');\n",
        b".env.\xe9": b"SECRET=1\n",
        b"Dockerfile.\xe9": (BASE / "Dockerfile").read_bytes().replace(b"USER node", b"USER root"),
        b"k8s/d\xe9.yaml": (BASE / "k8s" / "deployment.yaml")
        .read_bytes()
        .replace(b"runAsNonRoot: true", b""),
        b".github/workflows/\xe9.yml": b"on: push\njobs: {t: {runs-on: u, steps: [{run: npm test}]}}\n",
    }.items():
        path = os.path.join(base, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(content)
    report = audit(root)
    assert not [r.rule.id for r in report.results if r.status is Status.ERROR]
    paths = {f.path for f in report.findings}
    assert "src/caf\\xe9.ts" in paths
    assert any(p.startswith("Dockerfile.") for p in paths) and "k8s/d\\xe9.yaml" in paths
    assert any("not valid UTF-8" in n.message for n in report.notes)
    for fmt, render in TEXT_RENDERERS.items():
        render(report).encode("utf-8")  # every format can be written out
        assert "caf" in render(report), fmt
    output = tmp_path / "report.txt"
    done = subprocess.run(
        [sys.executable, "-m", "scalefold", "check", str(root), "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stderr  # the eval is an error finding
    assert "caf\\xe9.ts" in output.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- nothing to audit


@pytest.mark.parametrize("layout", ["empty", "docs", "python"])
def test_an_empty_or_wrong_folder_exits_2_with_nothing_to_audit(tmp_path: Path, layout: str) -> None:
    root = tmp_path / layout
    root.mkdir()
    if layout == "docs":
        (root / "index.md").write_text("# Handbook\n")
    elif layout == "python":
        (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")
        (root / "Dockerfile").write_text("FROM python:3.12\n")
    done = subprocess.run(
        [sys.executable, "-m", "scalefold", "check", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "nothing to audit" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


# --------------------------------------------------------------------------- merge-conflict markers

CONFLICTED_APP = (
    (BASE / "src" / "app.ts")
    .read_text()
    .replace(
        "  app.get('/health/ready', { schema: { response: { 200: { type: 'object', properties: { status: "
        "{ type: 'string' } } } } } }, async () => ({ status: 'ok' }));\n",
        "<<<<<<< ours\n  app.get('/health/ready', async () => ({ status: 'ok' }));\n=======\n"
        "  app.get('/health/ready', readiness);\n>>>>>>> theirs\n",
    )
)


def test_a_file_with_conflict_markers_is_skipped_with_a_note_not_misread(project) -> None:
    assert CONFLICTED_APP.count(">>>>>>> theirs") == 1
    report = audit(project(files={"src/app.ts": CONFLICTED_APP}))
    assert "merge-conflict markers" in {n.path: n.message for n in report.notes}["src/app.ts"]
    results = {r.rule.id: r for r in report.results}
    # The routes and the server are in the conflicted file: nothing is reported missing from it...
    for rule_id in ("REL-004", "SEC-001", "SEC-003", "OBS-006"):
        assert results[rule_id].status is Status.UNDETERMINED, (rule_id, results[rule_id].status)
        assert "src/app.ts" in results[rule_id].reason
        assert not results[rule_id].findings
    # ...and rules that did find something elsewhere still fail.
    assert (
        report.scores[Category.RELIABILITY].score is not None
        and report.scores[Category.RELIABILITY].score < 10
    )


def test_conflict_markers_in_a_workflow_leave_the_ci_rules_undetermined(project) -> None:
    workflow = (BASE.parent / "rules" / "CI-002" / "good" / ".github" / "workflows" / "ci.yml").read_text()
    conflicted = workflow.replace(
        "      - run: npm test\n", "<<<<<<< HEAD\n      - run: npm test\n=======\n>>>>>>> main\n"
    )
    report = audit(project(files={".github/workflows/ci.yml": conflicted}))
    ci = {r.rule.id: r for r in report.results if r.rule.category is Category.CI}
    assert ci["CI-001"].status is Status.UNDETERMINED and ".github/workflows/ci.yml" in ci["CI-001"].reason
    assert ci["CI-010"].status is Status.PASS  # Dependabot does not depend on the workflow
