"""The installed CLI in a real pseudo-terminal (pexpect): what a person at the keyboard sees and gets.

Each test types answers the way a person does (Enter takes a default) and checks the project on
disk afterwards. Every wait is bounded, so a prompt that never comes fails the test instead of
hanging it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest
import yaml

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

_INSTALLED = Path(sys.executable).with_name("scalefold")
COMMAND = [str(_INSTALLED)] if _INSTALLED.exists() else [sys.executable, "-m", "scalefold"]
#: How copier.yml's broker question is asked: its help text (its remark is on the line above).
BROKER = "Message broker that carries events between deployables"
ENV = {"TERM": "dumb", "COLUMNS": "120", "LINES": "50", "PATH": "/usr/bin:/bin", "HOME": str(Path.home())}


def interruptible() -> None:
    """Run in the child before the CLI starts: Ctrl-C interrupts it, however the tests were started.

    A shell starts a background job (``./scripts/test &``, ``nohup``) with SIGINT ignored, and every
    process below it inherits that, so the Ctrl-C these tests type would do nothing. A person's
    terminal never ignores it: give the CLI the disposition it has there.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def spawn(*args: str, cwd: Path, env: dict[str, str] | None = None) -> pexpect.spawn:
    child = pexpect.spawn(
        COMMAND[0],
        [*COMMAND[1:], *args],
        cwd=str(cwd),
        env=env or ENV,
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 120),
        preexec_fn=interruptible,
    )
    child.logfile_read = _Transcript()
    return child


class _Transcript:
    """Keeps what the terminal showed, for assertion messages."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, data: str) -> None:
        self.text += data

    def flush(self) -> None:
        pass


def transcript(child: pexpect.spawn) -> str:
    return child.logfile_read.text


def answer(child: pexpect.spawn, question: str, typed: str = "") -> None:
    """Wait for ``question``'s prompt (it ends with ': '), then type ``typed`` and Enter."""
    child.expect_exact(question)
    child.expect_exact(": ")
    child.sendline(typed)


def answer_scale_questions(
    child: pexpect.spawn, rps: str, teams: str, independent: str = "", realtime: str = "", webhooks: str = ""
) -> None:
    answer(child, "Expected peak requests per second", rps)
    answer(child, "Teams working on the backend", teams)
    answer(child, "Parts that must deploy or scale independently", independent)
    answer(child, "Share of requests that are reads")
    answer(child, "Background work")
    answer(child, "Real-time updates", realtime)
    answer(child, "Other systems notified of your events", webhooks)
    answer(child, "Audit trail of every change")
    answer(child, "Deployment target")


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def read_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def test_answering_and_accepting_the_recommendation_renders_the_project(tmp_path: Path) -> None:
    child = spawn("new", "shop-api", "--no-install", "--no-git", cwd=tmp_path)
    answer_scale_questions(child, rps="300", teams="1")
    child.expect_exact("Recommended: monolith")
    answer(child, "Use the recommended preset 'monolith'?")
    answer(child, "Project name (shop-api)")
    answer(child, "One-line description of the service", "Orders for the shop")
    answer(child, "HTTP port the service listens on (3000)")
    answer(child, "Generate Kubernetes manifests [y/n] (no)")
    answer(child, "Cluster mode for bare-metal hosts and VMs [y/n] (no)")  # containers on one host: no cluster
    answer(child, "Generate an Nginx reverse proxy and load balancer for hosts without Kubernetes [y/n] (no)")  # 300 requests a second: one instance, nothing to balance
    answer(child, "Real-time order status for clients")  # no real-time updates asked for: advised no
    answer(child, "Outgoing webhooks")  # no other system to notify: advised no
    answer(child, "Event-sourced audit trail for orders [y/n] (no)")  # no audit trail asked for: advised no
    child.expect_exact("Created shop-api")
    assert finish(child) == 0, transcript(child)

    project = tmp_path / "shop-api"
    answers = read_yaml(project / ".copier-answers.yml")
    assert (answers["project_name"], answers["description"], answers["preset"], answers["port"]) == (
        "shop-api",
        "Orders for the shop",
        "monolith",
        3000,
    )
    assert answers["kubernetes"] is False  # a single-host target: no manifests
    assert answers["cluster_mode"] is False  # containers run one process each
    assert answers["nginx"] is False and not (project / "nginx").exists()
    assert answers["realtime"] is False and not (project / "src" / "infrastructure" / "realtime").exists()
    assert answers["webhooks"] is False and not (project / "src" / "modules" / "webhooks").exists()
    assert answers["event_sourcing"] is False and not (project / "src" / "rebuild-projections.ts").exists()
    assert not (project / "src" / "infrastructure" / "process" / "cluster.ts").exists()
    advice = read_yaml(project / ".scalefold" / "advice.yml")
    assert advice["answers"]["rps"] == 300 and advice["answers"]["teams"] == 1
    assert advice["recommendation"]["preset"] == advice["chosen_preset"] == "monolith"
    assert "Traceback" not in transcript(child)


def test_an_invalid_name_shows_the_reason_and_is_asked_again(tmp_path: Path) -> None:
    child = spawn("new", "--no-install", "--no-git", cwd=tmp_path)  # the folder is named after the project
    answer_scale_questions(child, rps="50", teams="1")
    answer(child, "Use the recommended preset")
    answer(child, "Project name", "Bad_Name")
    child.expect_exact("invalid project name: must start with a lowercase letter")
    answer(child, "Project name", "good-name")
    answer(child, "One-line description of the service")
    answer(child, "HTTP port the service listens on", "99999")
    child.expect_exact("invalid port: must be between 1 and 65535")
    answer(child, "HTTP port the service listens on", "8080")
    answer(child, "Generate Kubernetes manifests")
    answer(child, "Cluster mode for bare-metal hosts and VMs")
    answer(child, "Generate an Nginx reverse proxy and load balancer")
    answer(child, "Real-time order status for clients")
    answer(child, "Outgoing webhooks")
    answer(child, "Event-sourced audit trail for orders")
    child.expect_exact("Created good-name")
    assert finish(child) == 0, transcript(child)
    assert read_yaml(tmp_path / "good-name" / ".copier-answers.yml")["port"] == 8080
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good-name"]


def test_accepting_microservices_renders_the_services_and_their_manifests(tmp_path: Path) -> None:
    child = spawn("new", "shop", "--no-install", "--no-git", cwd=tmp_path)
    answer_scale_questions(child, rps="400", teams="3", independent="orders,notifications")
    child.expect_exact("Recommended: microservices")
    answer(child, "Use the recommended preset 'microservices'? [y/n] (yes)")
    answer(child, "Project name (shop)")
    answer(child, "One-line description of the service")
    answer(child, f"{BROKER} [rabbitmq/nats] (rabbitmq)")
    answer(child, "HTTP port the service listens on (3000)")
    answer(child, "Generate Kubernetes manifests [y/n] (yes)")  # services that deploy on their own: manifests are advised
    answer(child, "Cluster mode for bare-metal hosts and VMs [y/n] (no)")
    answer(child, "Generate an Nginx reverse proxy and load balancer for hosts without Kubernetes [y/n] (no)")
    answer(child, "Real-time order status for clients [y/n] (no)")
    answer(child, "Outgoing webhooks")  # no other system to notify: advised no
    answer(child, "Event-sourced audit trail for orders [y/n] (no)")
    child.expect_exact("Created shop", timeout=180)  # four services and their manifests to render
    child.expect_exact("npm run dev -w services/gateway")
    assert finish(child) == 0, transcript(child)
    project = tmp_path / "shop"
    answers = read_yaml(project / ".copier-answers.yml")
    assert (answers["preset"], answers["broker"]) == ("microservices", "rabbitmq")
    assert answers["kubernetes"] is True
    for service in ("gateway", "users", "orders", "notifications"):
        assert (project / "services" / service / "package.json").is_file()
    assert (project / "deploy" / "k8s" / "base" / "gateway" / "ingress.yaml").is_file()
    advice = read_yaml(project / ".scalefold" / "advice.yml")
    assert advice["recommendation"]["preset"] == advice["chosen_preset"] == "microservices"
    assert advice["recommendation"]["shipped"] is True


def test_accepting_extracted_asks_the_broker_with_the_advised_default(tmp_path: Path) -> None:
    child = spawn("new", "notify", "--no-install", "--no-git", cwd=tmp_path)
    answer_scale_questions(child, rps="400", teams="2", independent="notifications", realtime="y")
    child.expect_exact("Recommended: extracted")
    answer(child, "Use the recommended preset 'extracted'? [y/n] (yes)")
    answer(child, "Project name (notify)")
    answer(child, "One-line description of the service")
    answer(child, f"{BROKER} [rabbitmq/nats] (rabbitmq)", "nats")  # the advised default, overridden
    answer(child, "HTTP port the service listens on (3000)")
    answer(child, "Generate Kubernetes manifests [y/n] (no)")
    answer(child, "Cluster mode for bare-metal hosts and VMs [y/n] (no)")
    answer(child, "Generate an Nginx reverse proxy and load balancer for hosts without Kubernetes [y/n] (no)")
    answer(child, "Real-time order status for clients [y/n] (yes)")  # the advised answer: apps/api streams
    answer(child, "Outgoing webhooks")  # no other system to notify: advised no
    answer(child, "Event-sourced audit trail for orders [y/n] (no)")
    child.expect_exact("Created notify")
    assert finish(child) == 0, transcript(child)
    answers = read_yaml(tmp_path / "notify" / ".copier-answers.yml")
    assert (answers["preset"], answers["broker"]) == ("extracted", "nats")
    advice = read_yaml(tmp_path / "notify" / ".scalefold" / "advice.yml")
    assert advice["recommendation"]["preset"] == advice["chosen_preset"] == "extracted"
    assert advice["recommendation"]["shipped"] is True


@pytest.mark.parametrize("where", ["scale questions", "project questions"])
def test_ctrl_c_mid_way_leaves_no_destination_and_exits_130(tmp_path: Path, where: str) -> None:
    child = spawn("new", "half", "--no-install", "--no-git", cwd=tmp_path)
    if where == "scale questions":
        answer(child, "Expected peak requests per second", "300")
        child.expect_exact("Teams working on the backend")
    else:
        answer_scale_questions(child, rps="300", teams="1")
        answer(child, "Use the recommended preset")
        answer(child, "Project name")
        child.expect_exact("One-line description of the service")
    child.expect_exact(": ")
    child.sendintr()
    child.expect_exact("interrupted: nothing was written")
    assert finish(child) == 130, transcript(child)
    assert "Traceback" not in transcript(child)
    assert not (tmp_path / "half").exists()
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_reaches_the_cli_when_the_tests_run_as_a_background_job(tmp_path: Path) -> None:
    """`./scripts/test &` starts pytest with SIGINT ignored; the CLI spawned here must still get Ctrl-C."""
    inherited = signal.signal(signal.SIGINT, signal.SIG_IGN)  # what a shell gives a background job
    try:
        child = spawn("new", "half", "--no-install", "--no-git", cwd=tmp_path)
    finally:
        signal.signal(signal.SIGINT, inherited)
    answer(child, "Expected peak requests per second", "300")
    child.expect_exact("Teams working on the backend")
    child.expect_exact(": ")
    child.sendintr()
    child.expect_exact("interrupted: nothing was written")
    assert finish(child) == 130, transcript(child)
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_once_rendering_has_started_removes_the_destination(tmp_path: Path) -> None:
    """Ctrl-C during an `npm install` that never ends (a stand-in on PATH): nothing is left behind."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    started = tmp_path / "npm-started"
    npm = fake_bin / "npm"
    npm.write_text(f"#!/bin/sh\ntouch '{started}'\nexec sleep 60\n")
    npm.chmod(0o755)
    workspace = tmp_path / "work"
    workspace.mkdir()
    child = spawn("new", "slow-api", "--preset", "monolith", "--no-git", cwd=workspace,
                  env={**ENV, "PATH": f"{fake_bin}:{ENV['PATH']}"})
    deadline = time.monotonic() + 60
    while not started.exists():  # a dumb terminal shows Rich progress only at the end: watch the disk
        assert time.monotonic() < deadline and child.isalive(), transcript(child)
        time.sleep(0.1)
    assert (workspace / "slow-api" / ".copier-answers.yml").is_file()  # rendering is done
    child.sendintr()
    child.expect_exact("interrupted: nothing was left behind")
    assert finish(child) == 130, transcript(child)
    assert list(workspace.iterdir()) == []


def test_advise_in_a_terminal_asks_only_what_the_flags_leave_open(tmp_path: Path) -> None:
    child = spawn("advise", "--rps", "2500", "--teams", "1", "--target", "kubernetes", cwd=tmp_path)
    for question in (
        "Parts that must deploy or scale independently",
        "Share of requests that are reads",
        "Background work",
        "Real-time updates",
        "Other systems notified of your events",
        "Audit trail of every change",
    ):
        answer(child, question)
    child.expect_exact("Recommended: monolith")
    child.expect_exact("Kubernetes manifests")
    assert finish(child) == 0, transcript(child)
    shown = transcript(child)
    assert "Expected peak requests per second" not in shown and "Deployment target" not in shown


# --- without a terminal ------------------------------------------------------------------------


def run_without_terminal(*args: str, cwd: Path, keep_stdin_open: bool) -> tuple[int, str, str]:
    """Run ``scalefold`` with stdin closed, or open but silent: either way it must not wait for input."""
    process = subprocess.Popen(
        [*COMMAND, *args],
        cwd=cwd,
        env=ENV,
        text=True,
        stdin=subprocess.PIPE if keep_stdin_open else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        out, err = process.communicate(timeout=60) if not keep_stdin_open else _wait_keeping_stdin(process)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("scalefold waited for input without a terminal")
    return process.returncode, out, err


def _wait_keeping_stdin(process: subprocess.Popen[str]) -> tuple[str, str]:
    assert process.stdout is not None and process.stderr is not None
    process.wait(timeout=60)  # stdin stays open: a read would block until the timeout
    return process.stdout.read(), process.stderr.read()


@pytest.mark.parametrize("keep_stdin_open", [False, True], ids=["stdin-closed", "stdin-silent"])
def test_new_without_a_terminal_and_no_preset_neither_hangs_nor_prompts(
    tmp_path: Path, keep_stdin_open: bool
) -> None:
    code, out, err = run_without_terminal(
        "new", "quiet-api", "--no-install", "--no-git", cwd=tmp_path, keep_stdin_open=keep_stdin_open
    )
    assert code == 0, err
    for prompt in (
        "Scale questions",
        "Expected peak requests per second",
        "Use the recommended preset",
        "Project name (",
    ):
        assert prompt not in out
    answers = read_yaml(tmp_path / "quiet-api" / ".copier-answers.yml")
    assert (answers["project_name"], answers["preset"], answers["port"]) == ("quiet-api", "monolith", 3000)
    assert not (tmp_path / "quiet-api" / ".scalefold").exists()  # no advisor ran, so no advice is recorded


def test_new_without_a_terminal_fails_clearly_when_an_answer_has_no_default(tmp_path: Path) -> None:
    code, _out, err = run_without_terminal(
        "new", "--no-install", "--no-git", cwd=tmp_path, keep_stdin_open=True
    )
    assert code == 2
    assert err.strip().splitlines() == [
        "error: give a destination folder (scalefold new DEST) or --data project_name=NAME"
    ]
    assert list(tmp_path.iterdir()) == []


def test_advise_without_a_terminal_never_prompts(tmp_path: Path) -> None:
    code, out, err = run_without_terminal("advise", "--rps", "10", cwd=tmp_path, keep_stdin_open=True)
    assert code == 2 and "missing answers: --teams" in err and out == ""
