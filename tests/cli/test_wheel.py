"""The wheel carries the template and the presets: an installed scalefold needs no checkout."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(repo_root)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    return next(out.glob("scalefold-*.whl"))


def test_wheel_contains_the_template_and_presets(wheel: Path, repo_root: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "scalefold/_data/copier.yml" in names
    assert "scalefold/_data/presets/monolith.yml" in names
    template_files = {
        str(path.relative_to(repo_root)) for path in (repo_root / "template").rglob("*") if path.is_file()
    }
    assert template_files, "the template folder is empty"
    missing = {name for name in template_files if f"scalefold/_data/{name}" not in names}
    assert not missing, f"template files missing from the wheel: {sorted(missing)[:5]}"


def test_installed_wheel_generates_a_project_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", str(target), str(wheel)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    # Only the installed wheel (first on the path) and its dependencies; no network is needed.
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYTHONPATH": str(target)}
    where = subprocess.run([sys.executable, "-c", "import scalefold; print(scalefold.__file__)"],
                           cwd=workdir, env=env, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(target))
    result = subprocess.run(
        [sys.executable, "-m", "scalefold", "new", "svc", "--preset", "monolith", "--defaults", "--no-install", "--no-git"],
        cwd=workdir, env=env, capture_output=True, text=True, input="", timeout=300,
    )
    assert result.returncode == 0, result.stderr
    answers = yaml.safe_load((workdir / "svc" / ".copier-answers.yml").read_text())
    assert answers["project_name"] == "svc"


@pytest.mark.e2e
def test_the_generated_pipeline_runs_with_the_wheel_that_rendered_it(
    wheel: Path, tmp_path: Path, node_env: dict[str, str]
) -> None:
    """The wheel in a fresh virtual environment renders a project, whose pipeline's `scalefold check`
    command line then runs with that same installed scalefold, as the pipeline's first run would."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    str(wheel)], check=True, capture_output=True, text=True, timeout=900)
    scalefold = str(venv / "bin" / "scalefold")
    env = {**node_env, "HOME": str(tmp_path), "COLUMNS": "200", "PYTHONPATH": ""}
    version = wheel.name.split("-")[1]
    shown = subprocess.run([scalefold, "--version"], env=env, capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == f"scalefold {version}"  # an installed wheel is the release it names

    created = subprocess.run([scalefold, "new", "svc", "--preset", "monolith", "--defaults"], cwd=tmp_path,
                             env=env, capture_output=True, text=True, input="", timeout=900)
    assert created.returncode == 0, created.stderr
    project = tmp_path / "svc"
    steps = [step for job in yaml.safe_load((project / ".github/workflows/ci.yml").read_text())["jobs"].values()
             for step in job.get("steps", [])]
    command = next(step["run"] for step in steps if step.get("name") == "Audit the repository")
    words = shlex.split(command)
    assert words[:3] == ["pipx", "run", "--spec"]
    assert Version(version) in Requirement(words[3]).specifier  # the pipeline installs this very release
    assert Requirement(words[3]).specifier == SpecifierSet(f"=={version}")
    assert words[4] == "scalefold"

    audited = subprocess.run([scalefold, *words[5:]], cwd=project, env=env, capture_output=True, text=True,
                             timeout=600)
    assert audited.returncode == 0, audited.stdout + audited.stderr
    sarif = json.loads((project / "scalefold.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["tool"]["driver"]["version"] == version
    loud = [result["ruleId"] for result in sarif["runs"][0]["results"] if result.get("level") in {"error", "warning"}]
    assert loud == []
