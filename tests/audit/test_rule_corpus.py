"""Every rule fires at the expected line on its violating fixtures and stays quiet on its clean ones.

Fixtures live in fixtures/rules/<RULE-ID>/<case>/: each case is laid over the clean base project
(fixtures/base), and fixtures/rules/<RULE-ID>/cases.yml says where the rule must fire.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from scalefold.audit import catalogue
from scalefold.audit.model import Status
from scalefold.audit.rules.dependencies.common import Completed

from .conftest import FIXTURES, audit, make_project

RULES_DIR = FIXTURES / "rules"


def _cases() -> list[tuple[str, str, dict]]:
    found = []
    for folder in sorted(RULES_DIR.iterdir()):
        meta = yaml.safe_load((folder / "cases.yml").read_text()) or {}
        for name, entry in meta.items():
            found.append((folder.name, name, entry or {}))
    return found


CASES = _cases()


def test_every_rule_has_a_violating_and_a_clean_case() -> None:
    by_rule: dict[str, set[str]] = {}
    for rule_id, name, _ in CASES:
        by_rule.setdefault(rule_id, set()).add(name.split("-")[0])
    missing = [r.id for r in catalogue() if by_rule.get(r.id, set()) != {"bad", "good"}]
    assert not missing, f"rules without both a bad and a good fixture: {missing}"
    assert set(by_rule) <= {r.id for r in catalogue()}, "fixtures for rules that do not exist"


def _runner(rule_dir: Path, entry: dict):
    output = entry.get("command_output")
    if output is None:
        return None
    text = (rule_dir / output).read_text()

    def run(args: list[str], cwd: Path) -> Completed:
        return Completed(1 if json.loads(text).get("vulnerabilities") else 0, text, "")

    return run


@pytest.mark.parametrize(("rule_id", "case", "entry"), CASES, ids=[f"{r}/{c}" for r, c, _ in CASES])
def test_rule_case(tmp_path: Path, rule_id: str, case: str, entry: dict) -> None:
    rule_dir = RULES_DIR / rule_id
    root = make_project(tmp_path / "project", remove=tuple(entry.get("remove", ())), overlay=rule_dir / case)
    report = audit(
        root,
        rules=frozenset({rule_id}),
        deps=rule_id.startswith("DEP-"),
        command_runner=_runner(rule_dir, entry),
    )
    (result,) = report.results
    if result.rule.advice:  # advice is reported apart and never fails
        assert result.status is Status.PASS and not result.findings
        suggested = [f"{a.path}:{a.line}" for a in result.advice]
        expected = entry.get("expect", []) if case.startswith("bad") else []
        assert all(e in suggested for e in expected) and bool(suggested) == case.startswith("bad"), suggested
        return
    locations = [f"{f.path}:{f.line}" for f in result.findings]
    if case.startswith("bad"):
        assert result.status is Status.FAIL, f"{rule_id} did not fire on {case}: {result.reason}"
        for expected in entry["expect"]:
            assert expected in locations, f"{rule_id} fired at {locations}, expected {expected}"
        assert all(f.message for f in result.findings)
    else:
        assert result.status is Status.PASS, (
            f"{rule_id} on {case}: {result.status.value} {locations} {result.reason}"
        )
