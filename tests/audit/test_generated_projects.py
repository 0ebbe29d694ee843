"""Every project the presets generate passes `scalefold check` with nothing at warning or above."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from copier import run_copy
from scalefold.audit.model import Severity

from .conftest import audit
from .generated import add_lockfile

REPO = Path(__file__).parents[2]
PRESETS = sorted((REPO / "presets").glob("*.yml"))

pytestmark = pytest.mark.filterwarnings("ignore:Dirty template changes:UserWarning")


@pytest.mark.parametrize("preset", PRESETS, ids=[p.stem for p in PRESETS])
def test_generated_project_has_no_warning_or_error(tmp_path: Path, preset: Path) -> None:
    answers = (yaml.safe_load(preset.read_text()) or {}).get("answers", {})
    dest = tmp_path / "demo-svc"
    run_copy(
        str(REPO),
        dest,
        data={"project_name": "demo-svc", **answers},
        defaults=True,
        unsafe=True,
        quiet=True,
        vcs_ref="HEAD",
    )
    add_lockfile(dest)
    report = audit(dest)
    loud = [
        f"{f.rule_id} {f.path}:{f.line} {f.message}"
        for f in report.active_findings
        if f.severity is not Severity.NOTE
    ]
    assert loud == []
    assert not [n for n in report.notes if "failed" in n.message], report.notes


def test_generated_ci_runs_scalefold_check_and_uploads_its_sarif(tmp_path: Path) -> None:
    dest = tmp_path / "demo-svc"
    run_copy(
        str(REPO),
        dest,
        data={"project_name": "demo-svc"},
        defaults=True,
        unsafe=True,
        quiet=True,
        vcs_ref="HEAD",
    )
    steps = [
        step
        for workflow in sorted((dest / ".github" / "workflows").glob("*.y*ml"))
        for job in (yaml.safe_load(workflow.read_text()).get("jobs") or {}).values()
        for step in job.get("steps") or []
    ]
    check = [
        s for s in steps if "scalefold check" in str(s.get("run", "")) and "sarif" in str(s.get("run", ""))
    ]
    upload = [s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif")]
    assert check, "the generated CI does not run `scalefold check --format sarif`"
    assert upload, "the generated CI does not upload the SARIF report"
