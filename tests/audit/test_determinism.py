"""The same input gives the same findings on every run.

tree-sitter's query cursor hands each capture's nodes back as a set, ordered by memory address,
so "the first declaration of a name" used to differ between runs. The tree here is a rendered
project plus every rule fixture laid out as its own package (thousands of files, enough for the
process pool), audited in fresh processes with different hash seeds, in one process and with process
pools of different sizes (which split the files into different chunks, finishing in a different order).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from copier import run_copy
from scalefold.audit.js.analysis import analyse
from scalefold.audit.js.visitors import VisitorTable
from scalefold.audit.project import PARALLEL_THRESHOLD, Project
from scalefold.audit.registry import RULES

from .conftest import BASE, FIXTURES, TODAY, audit

REPO = Path(__file__).parents[2]
SEEDS = ("0", "1", "2", "4242")

pytestmark = pytest.mark.filterwarnings("ignore:Dirty template changes:UserWarning")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("determinism") / "tree"
    run_copy(
        str(REPO),
        root,
        data={"project_name": "demo-svc"},
        defaults=True,
        unsafe=True,
        quiet=True,
        vcs_ref="HEAD",
    )
    for rule_dir in sorted((FIXTURES / "rules").iterdir()):
        for case in sorted(p for p in rule_dir.iterdir() if p.is_dir()):
            target = root / "cases" / f"{rule_dir.name}-{case.name}"
            shutil.copytree(BASE, target)
            shutil.copytree(case, target, dirs_exist_ok=True)
    # Files the analysis can only note (not UTF-8), spread over the whole list of sources so that
    # each process-pool chunk has some: the notes must come out in path order whatever finishes first.
    for case in sorted((root / "cases").iterdir())[::3]:
        (case / "src").mkdir(exist_ok=True)
        (case / "src" / "legacy-latin1.ts").write_bytes(b"export const caf\xe9 = 1;\n")
    return root


def _check(tree: Path, seed: str) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-m", "scalefold", "check", str(tree), "--format", "json", "--fail-on", "never"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    document["summary"].pop("seconds")
    return document


def test_repeated_runs_in_fresh_processes_give_identical_reports(tree: Path) -> None:
    reports = [_check(tree, seed) for seed in SEEDS]
    first = reports[0]
    assert len(first["results"]) > 100, "the tree should make most rules fire"
    assert sum(1 for _ in tree.rglob("*.ts")) > 400, "the tree should be large enough for the process pool"
    for seed, other in zip(SEEDS[1:], reports[1:], strict=True):
        assert other == first, f"PYTHONHASHSEED={seed} gave a different report"


_AUDIT = """
import sys
from datetime import date
from pathlib import Path
from scalefold.audit import AuditOptions, run_audit
from scalefold.audit.report.json_report import render_json
options = AuditOptions(today=date.fromisoformat(sys.argv[2]), jobs=int(sys.argv[3]))
print(render_json(run_audit(Path(sys.argv[1]), options), fail_on="never"))
"""


def _audit_with_workers(tree: Path, seed: str, jobs: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _AUDIT, str(tree), TODAY.isoformat(), str(jobs)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": seed},
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    document["summary"].pop("seconds")
    return document


def test_the_process_pool_gives_the_same_report_on_every_run_whatever_its_size(tree: Path) -> None:
    assert len(Project(tree).sources) >= PARALLEL_THRESHOLD, "the tree should be large enough for the pool"
    runs = [("0", 1), ("1", 2), ("2", 2), ("4242", 3)]  # (hash seed, worker processes; 1: no pool)
    reports = [_audit_with_workers(tree, seed, jobs) for seed, jobs in runs]
    first = reports[0]
    assert len(first["results"]) > 100, "the tree should make most rules fire"
    assert sum("not UTF-8" in note["message"] for note in first["notes"]) >= 40
    for (seed, jobs), other in zip(runs[1:], reports[1:], strict=True):
        assert other == first, f"{jobs} workers with PYTHONHASHSEED={seed} gave a different report"


def test_the_process_pool_and_one_process_find_the_same(tree: Path) -> None:
    serial = audit(tree, jobs=1)
    pooled = audit(tree, jobs=2)
    key = [(f.rule_id, f.path, f.line, f.message, f.fingerprint) for f in serial.findings]
    assert key == [(f.rule_id, f.path, f.line, f.message, f.fingerprint) for f in pooled.findings]
    assert [n for n in serial.notes] == [n for n in pooled.notes]
    assert TODAY  # both runs use the fixed date of conftest.audit


_HITS = """
import sys
from scalefold.audit.js.analysis import analyse
from scalefold.audit.js.visitors import VisitorTable
from scalefold.audit.registry import RULES
table = VisitorTable.build([(r.id, r.visitors) for r in RULES])
source = open(sys.argv[1], "rb").read()
facts = analyse("src/app.ts", source, table)
print([(owner, [(h.location.line, h.message) for h in hits]) for owner, hits in sorted(facts.hits.items())])
"""


def test_each_use_of_a_name_resolves_to_the_declaration_in_its_own_function(tmp_path: Path) -> None:
    # Forty functions each declare their own `allowed`; every other one opens CORS to every origin.
    # Each `cors({ origin: allowed })` must read its own function's constant, on every run (the
    # declarations used to come back in memory order, and the first one seen won for the whole file).
    # The literal `'*'` stays out of the options object, which SEC-002 flags wherever it is.
    code = "import cors from 'cors';\nimport express from 'express';\n\n" + "".join(
        f"function setup{i}(app: express.Express) {{\n  const allowed = {origin};\n"
        "  app.use(cors({ origin: allowed }));\n}\n\n"
        for i, origin in enumerate(["'*'", "config.origins"] * 20)
    )
    source = tmp_path / "app.ts"
    source.write_text(code)
    outputs = {
        subprocess.run(
            [sys.executable, "-c", _HITS, str(source)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=120,
            check=True,
        ).stdout
        for seed in SEEDS
    }
    assert len(outputs) == 1, outputs
    facts = analyse("src/app.ts", code.encode(), VisitorTable.build([(r.id, r.visitors) for r in RULES]))
    lines = [h.location.line for h in facts.hits.get("SEC-002", [])]
    assert lines == [6 + 10 * i for i in range(20)], "only the functions whose constant is '*' are open"
