"""Check that a change to the auditor changed no result: compare its reports with another version's.

    .venv/bin/python -m bench.audit.compare --ref "$(git merge-base HEAD main)"   # fixtures + tree
    .venv/bin/python -m bench.audit.compare --ref REV --tree /tmp/t   # reuse a generated tree

A speed-up must not change what `scalefold check` reports. This runs the auditor of the work tree
and the auditor at ``--ref`` (its `cli/` taken out of git into a scratch folder) over the same
inputs and compares the JSON reports byte for byte, with the run time taken out:

- every case of tests/audit/fixtures/rules, laid over the clean base project as the tests do, each
  audited on its own (one process per version, one worker per audit);
- the benchmark's 10,000-file tree, audited with the process pool (the default) and in one process.

It prints the first difference and exits 1 when there is one, 0 when every report is identical.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

from bench.audit.tree import generate

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "audit" / "fixtures"
TODAY = "2026-06-01"  # the fixed date of tests/audit/conftest.py

# Runs inside the version under test (its `cli/` first on sys.path): audits each tree named on the
# command line with `jobs` workers and prints one JSON report per line, without the run time.
_AUDIT_EACH = """
import json, sys
from datetime import date
from pathlib import Path
from scalefold.audit import AuditOptions, run_audit
from scalefold.audit.report.json_report import report_dict
jobs = None if sys.argv[1] == "auto" else int(sys.argv[1])
for root in sys.argv[3:]:
    report = run_audit(Path(root), AuditOptions(today=date.fromisoformat(sys.argv[2]), jobs=jobs))
    document = report_dict(report, fail_on="never")
    document["summary"].pop("seconds", None)
    print(json.dumps(document, sort_keys=True))
"""


def extract_cli(ref: str, into: Path) -> Path:
    """``ref``'s `cli/` folder, unpacked under ``into``; the folder to put first on sys.path."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", ref, "cli"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "cli"


def fixture_cases(into: Path) -> list[Path]:
    """Every rule fixture case laid over the clean base project, each a project of its own."""
    cases = []
    for rule_dir in sorted((FIXTURES / "rules").iterdir()):
        for case in sorted(p for p in rule_dir.iterdir() if p.is_dir()):
            target = into / f"{rule_dir.name}-{case.name}"
            shutil.copytree(FIXTURES / "base", target)
            shutil.copytree(case, target, dirs_exist_ok=True)
            cases.append(target)
    return cases


def reports(cli: Path, jobs: str, roots: list[Path]) -> list[str]:
    """The JSON report of each of ``roots``, audited by the auditor in ``cli``."""
    env = {**os.environ, "PYTHONPATH": str(cli), "PYTHONHASHSEED": "0"}
    done = subprocess.run(
        [sys.executable, "-c", _AUDIT_EACH, jobs, TODAY, *map(str, roots)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the auditor in {cli} failed:\n{done.stderr}")
    return done.stdout.splitlines()


def _first_leaf(a: object, b: object, where: str) -> str:
    """The path of the first place where ``a`` and ``b`` differ, and both values there."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return _first_leaf(a.get(key), b.get(key), f"{where}.{key}")
    if isinstance(a, list) and isinstance(b, list):
        for index, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _first_leaf(x, y, f"{where}[{index}]")
        if len(a) != len(b):
            return f"{where}: {len(a)} items here, {len(b)} in the ref"
    return f"{where}:\n  this tree: {a!r}\n  ref:       {b!r}"


def first_difference(label: str, ours: list[str], theirs: list[str], roots: list[Path]) -> str | None:
    for root, mine, other in zip(roots, ours, theirs, strict=True):
        if mine != other:
            return f"{label} {root.name}: " + _first_leaf(json.loads(mine), json.loads(other), "report")
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compare the auditor's reports with another version's.")
    parser.add_argument("--ref", required=True, help="git revision to compare with (the change's base)")
    parser.add_argument("--tree", type=Path, help="the benchmark tree (generated there when missing)")
    parser.add_argument("--files", type=int, default=10_000, help="sources in a generated tree")
    parser.add_argument("--no-tree", action="store_true", help="compare on the rule fixtures only")
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="scalefold-audit-compare-"))
    try:
        ref_cli = extract_cli(args.ref, scratch / "ref")
        our_cli = REPO / "cli"
        cases = fixture_cases(scratch / "cases")
        checks: list[tuple[str, str, list[Path]]] = [("fixture", "1", cases)]
        if not args.no_tree:
            tree = args.tree or scratch / "tree"
            if not (tree / "package.json").is_file():
                generate(tree, args.files)
            checks += [("tree (process pool)", "auto", [tree]), ("tree (one process)", "1", [tree])]
        for label, jobs, roots in checks:
            ours, theirs = reports(our_cli, jobs, roots), reports(ref_cli, jobs, roots)
            difference = first_difference(label, ours, theirs, roots)
            if difference is not None:
                print(difference)
                return 1
            findings = sum(len(json.loads(line)["results"]) for line in ours)
            print(f"{label}: {len(roots)} report(s), {findings} findings, identical to {args.ref}")
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
