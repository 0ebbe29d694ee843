"""The real-time event stream (`realtime: true`, monolith only): rendered with its route, fan-out,
configuration and documentation when asked, absent otherwise, and refused for the other presets. The
generated project's own tests (test/integration/order-events.test.ts) exercise the stream."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from copier import run_copy

REALTIME_FILES = (
    "src/infrastructure/realtime/fanout.ts",
    "src/infrastructure/realtime/redis-fanout.ts",
    "src/infrastructure/realtime/memory-fanout.ts",
    "src/infrastructure/realtime/event-streams.ts",
    "src/infrastructure/config/realtime.ts",
    "src/modules/orders/order-events.routes.ts",
    "src/modules/orders/order-status.events.ts",
    "test/integration/order-events.test.ts",
)


def render(template_dir: Path, dest: Path, realtime: bool) -> Path:
    run_copy(
        str(template_dir),
        dest,
        data={"project_name": "shop-app", "preset": "monolith", "realtime": realtime},
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    return dest


def test_the_stream_is_rendered_when_asked(template_dir: Path, tmp_path: Path) -> None:
    project = render(template_dir, tmp_path / "project", realtime=True)
    for path in REALTIME_FILES:
        assert (project / path).is_file(), path
    app = (project / "src" / "app.ts").read_text()
    assert "orderEventsRoutes" in app and "streams.closeAll()" in app
    assert "SSE_MAX_BUFFERED_BYTES=65536" in (project / ".env.example").read_text()
    assert (
        "...RealtimeEnv.properties"
        in (project / "src" / "infrastructure" / "config" / "config.ts").read_text()
    )
    assert "## Real-time updates" in (project / "README.md").read_text()


def test_no_stream_unless_asked(template_dir: Path, tmp_path: Path) -> None:
    project = render(template_dir, tmp_path / "project", realtime=False)
    for path in REALTIME_FILES:
        if path == "src/infrastructure/config/realtime.ts":
            # The empty section the configuration composes without the answer: no variable, no setting.
            section = (project / path).read_text()
            assert "export const RealtimeEnv = Type.Object({});" in section and "() => ({})" in section
            continue
        assert not (project / path).exists(), path
    assert "realtime" not in (project / "src" / "app.ts").read_text()
    assert "SSE_" not in (project / ".env.example").read_text()
    assert "## Real-time updates" not in (project / "README.md").read_text()


def test_other_presets_refuse_the_answer_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scalefold",
            "new",
            str(tmp_path / "shop"),
            "--preset",
            "extracted",
            "--defaults",
            "--no-git",
            "--no-install",
            "--data",
            "realtime=true",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == (
        "error: realtime does not apply to this project: the template asks it only when preset == 'monolith' "
        "(here preset is 'extracted')"
    )
    assert not (tmp_path / "shop").exists()
