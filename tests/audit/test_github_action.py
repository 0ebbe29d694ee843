"""The GitHub Action (action.yml at the repository root): its shape, actionlint and zizmor on it, and
its two shell steps run here. The install step runs with a stand-in Python (no network); the check
step runs with the scalefold of this virtual environment against a generated project."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from scalefold import __version__

from tests.support.delivery import tool

from .generated import render_project

REPO = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((REPO / "action.yml").read_text())
STEPS = {step.get("id"): step for step in ACTION["runs"]["steps"]}
PINNED = re.compile(r"^(?P<action>[\w.-]+/[\w./-]+)@[0-9a-f]{40} # v\d+\.\d+\.\d+$")
BIN = Path(sys.executable).parent  # this environment's python and scalefold


def _uses_lines(text: str) -> list[str]:
    """What each step's `uses:` line says, its version comment included (comment lines skipped)."""
    return [
        line.split("uses:", 1)[1].strip() for line in text.splitlines() if line.strip().startswith("uses:")
    ]


# --------------------------------------------------------------------------- shape


def test_the_action_is_composite_with_pinned_actions_and_no_expression_in_scripts() -> None:
    assert ACTION["runs"]["using"] == "composite"
    text = (REPO / "action.yml").read_text()
    pins = _uses_lines(text)
    assert [PINNED.match(pin).group("action") for pin in pins] == [  # type: ignore[union-attr]
        "actions/setup-python",
        "github/codeql-action/upload-sarif",
    ]
    # The same releases as scalefold's own pipeline and the generated one use.
    assert pins[0] in (REPO / ".github/workflows/ci.yml").read_text()
    # The generated workflow is a dispatcher and the per-preset partials it includes.
    generated_workflow = [
        REPO / "template/.github/workflows/ci.yml.jinja",
        *(REPO / "template/_includes/ci").glob("*.jinja"),
    ]
    assert any(pins[1] in part.read_text() for part in generated_workflow)
    for step in ACTION["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], "inputs reach scripts through env, never pasted into them"


def test_every_input_used_is_declared_and_every_output_is_written() -> None:
    text = (REPO / "action.yml").read_text()
    used = set(re.findall(r"inputs\.([\w-]+)", text))
    assert used == set(ACTION["inputs"])
    assert all("description" in spec for spec in ACTION["inputs"].values())
    assert {k: ACTION["inputs"][k]["default"] for k in ("path", "fail-on", "upload-sarif", "sarif-file")} == {
        "path": ".",
        "fail-on": "error",
        "upload-sarif": "true",
        "sarif-file": "scalefold.sarif",
    }
    script = STEPS["check"]["run"]
    for name, spec in ACTION["outputs"].items():
        assert spec["value"] == f"${{{{ steps.check.outputs.{name} }}}}"
        assert f"{name}=" in script or f'("{name}", ' in script, name


# --------------------------------------------------------------------------- linters


def test_actionlint_accepts_a_workflow_using_the_action_and_catches_a_wrong_input(tmp_path: Path) -> None:
    actionlint = tool("actionlint")
    assert actionlint is not None, "actionlint is needed: pip install -e '.[test]' installs it"
    shutil.copy(REPO / "action.yml", tmp_path / "action.yml")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)  # actionlint looks for the repository
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    workflow = """name: scalefold
on: [push, pull_request]
permissions:
  contents: read
jobs:
  check:
    runs-on: ubuntu-24.04
    permissions:
      contents: read
      security-events: write
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          persist-credentials: false
      - id: scalefold
        uses: ./
        with:
          path: services/api
          fail-on: warning
          baseline: .scalefold-baseline.json
          args: --rule DKR-002
      - run: echo "${{ steps.scalefold.outputs.errors }} errors, exit ${{ steps.scalefold.outputs.exit-code }}"
"""
    (workflows / "scalefold.yml").write_text(workflow)
    result = subprocess.run([actionlint, "-no-color"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    (workflows / "scalefold.yml").write_text(workflow.replace("fail-on: warning", "fail_on: warning"))
    result = subprocess.run([actionlint, "-no-color"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1 and 'input "fail_on" is not defined' in result.stdout


def test_zizmor_finds_nothing_in_the_action() -> None:
    zizmor = tool("zizmor")
    assert zizmor is not None, "zizmor is needed: pip install -e '.[test]' installs it"
    result = subprocess.run(
        [zizmor, "--offline", "--format", "json", str(REPO / "action.yml")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == []


# --------------------------------------------------------------------------- the install step


def _stub_python(folder: Path) -> Path:
    """A stand-in for setup-python's interpreter: `-m venv DIR` makes DIR/bin with a python that
    logs its arguments instead of installing, and a scalefold that prints a version."""
    stub = folder / "python3"
    stub.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then\n'
        '  mkdir -p "$3/bin"\n'
        f'  printf \'#!/bin/sh\\necho "$@" >> {folder}/pip.log\\n\' > "$3/bin/python"\n'
        "  printf '#!/bin/sh\\necho scalefold stub\\n' > \"$3/bin/scalefold\"\n"
        '  chmod +x "$3/bin/python" "$3/bin/scalefold"\n'
        "fi\n"
    )
    stub.chmod(0o755)
    return stub


def _run_install(
    tmp_path: Path, requested: str = ""
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    outputs = tmp_path / "outputs"
    outputs.write_text("")
    env = {
        "PATH": os.environ["PATH"],
        "PYTHON": str(_stub_python(tmp_path)),
        "REQUESTED_VERSION": requested,
        "GITHUB_ACTION_PATH": str(REPO),
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_OUTPUT": str(outputs),
    }
    result = subprocess.run(["bash", "-c", STEPS["install"]["run"]], env=env, capture_output=True, text=True)
    return result, _outputs(outputs)


def test_the_install_step_installs_the_release_the_action_files_carry(tmp_path: Path) -> None:
    result, outputs = _run_install(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "pip.log").read_text().split() == [
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        f"scalefold=={__version__}",
    ]
    assert outputs == {"bin": str(tmp_path / "scalefold-venv" / "bin")}


def test_the_install_step_takes_a_requested_release_and_refuses_anything_else(tmp_path: Path) -> None:
    result, _ = _run_install(tmp_path, requested="0.3.0rc1")
    assert result.returncode == 0 and "scalefold==0.3.0rc1" in (tmp_path / "pip.log").read_text()
    (tmp_path / "pip.log").unlink()
    result, _ = _run_install(tmp_path, requested="0.3.0 ; curl example.com")
    assert result.returncode == 2 and "not a release version" in result.stdout
    assert not (tmp_path / "pip.log").exists()


# --------------------------------------------------------------------------- the check step


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, template_dir: Path) -> Path:
    return render_project(template_dir, tmp_path_factory.mktemp("action") / "demo-svc")


def _outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if line)


def run_check(
    workspace: Path, tmp_path: Path, **inputs: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """The check step's script, with the action's defaults for the inputs not given."""
    values = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()} | inputs
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    outputs, summary = runner_temp / "outputs", runner_temp / "summary.md"
    outputs.write_text("")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "SCALEFOLD_BIN": str(BIN),
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_WORKSPACE": str(workspace),
    }
    for name, value in STEPS["check"]["env"].items():
        match = re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", value)
        if match:
            env[name] = values[match.group(1)]
    result = subprocess.run(
        ["bash", "-c", STEPS["check"]["run"]], cwd=workspace, env=env, capture_output=True, text=True
    )
    return result, _outputs(outputs)


def test_the_check_step_passes_a_generated_project_and_reports_its_counts(
    generated: Path, tmp_path: Path
) -> None:
    workspace = shutil.copytree(generated, tmp_path / "workspace")
    result, outputs = run_check(workspace, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert outputs["exit-code"] == "0" and outputs["errors"] == "0" and outputs["warnings"] == "0"
    assert set(outputs) == {"exit-code", "errors", "warnings", "notes", "suppressed", "score", "sarif-file"}
    assert float(outputs["score"]) >= 9.0
    assert "Category" in result.stdout  # the table, in the log
    sarif = json.loads((workspace / "scalefold.sarif").read_text())
    assert sarif["version"] == "2.1.0" and outputs["sarif-file"] == "scalefold.sarif"
    assert "# scalefold check" in (tmp_path / "runner-temp" / "summary.md").read_text()


def test_the_check_step_fails_on_a_finding_with_paths_from_the_repository_root(
    generated: Path, tmp_path: Path
) -> None:
    workspace = tmp_path / "workspace"
    service = shutil.copytree(generated, workspace / "services" / "api")
    dockerfile = service / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("USER node\n", ""))
    result, outputs = run_check(
        workspace, tmp_path, path="services/api", **{"sarif-file": "out/scalefold.sarif"}
    )
    assert result.returncode == 1 and outputs["exit-code"] == "1"
    assert outputs["errors"] == "1" and outputs["sarif-file"] == "out/scalefold.sarif"
    results = json.loads((workspace / "out/scalefold.sarif").read_text())["runs"][0]["results"]
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in results
        if r["ruleId"] == "DKR-002"
    }
    assert uris == {"services/api/Dockerfile"}


def test_the_check_step_passes_baseline_fail_on_and_extra_arguments(generated: Path, tmp_path: Path) -> None:
    workspace = shutil.copytree(generated, tmp_path / "workspace")
    dockerfile = workspace / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("USER node\n", ""))
    baseline = workspace / ".scalefold-baseline.json"
    subprocess.run(
        [BIN / "scalefold", "check", str(workspace), "--write-baseline", str(baseline)], capture_output=True
    )
    result, outputs = run_check(
        workspace,
        tmp_path,
        baseline=".scalefold-baseline.json",
        args="--rule DKR-002  --rule REL-005",
        format="json",
        **{"fail-on": "note", "sarif-file": "", "job-summary": "false"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert outputs["suppressed"] == "1" and outputs["errors"] == "0" and "sarif-file" not in outputs
    report: dict[str, Any] = json.loads(result.stdout)  # the log shows the format asked for
    assert {r["id"] for r in report["rules"]} == {"DKR-002", "REL-005"}
    assert not (tmp_path / "runner-temp" / "summary.md").exists()


def test_the_check_step_reports_a_usage_error_as_exit_code_2(generated: Path, tmp_path: Path) -> None:
    result, outputs = run_check(generated, tmp_path, **{"fail-on": "sometimes"})
    assert result.returncode == 2 and outputs == {"exit-code": "2"}
