"""The real-time event stream (`realtime: true`): rendered with its route, fan-out, configuration and
documentation in the deployable that holds the orders module (the monolith, the extracted preset's
apps/api, the microservices preset's services/orders) when asked, absent otherwise. The generated
project's own tests (test/integration/order-events.test.ts) exercise the stream."""

from __future__ import annotations

from pathlib import Path

import pytest
from copier import run_copy

REALTIME_FILES = (
    "src/infrastructure/realtime/fanout.ts",
    "src/infrastructure/realtime/redis-fanout.ts",
    "src/infrastructure/realtime/memory-fanout.ts",
    "src/infrastructure/realtime/event-streams.ts",
    "src/infrastructure/config/realtime.ts",
    "src/modules/orders/order-events.routes.ts",
    "src/modules/orders/order-status.events.ts",
    "test/helpers/streaming-app.ts",
    "test/integration/order-events.test.ts",
)

#: preset → (the folder of the deployable that streams, the file that hands it the status changes).
STREAMING_DEPLOYABLE = {
    "monolith": (".", "src/modules/orders/order-status.subscriptions.ts"),
    "extracted": ("apps/api", "src/modules/orders/order-status.relay.ts"),
    "microservices": ("services/orders", "src/modules/orders/order-status.relay.ts"),
}


def render(template_dir: Path, dest: Path, preset: str, realtime: bool) -> Path:
    run_copy(
        str(template_dir),
        dest,
        data={"project_name": "shop-app", "preset": preset, "realtime": realtime},
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    return dest


@pytest.mark.parametrize("preset", list(STREAMING_DEPLOYABLE))
def test_the_stream_is_rendered_when_asked(template_dir: Path, tmp_path: Path, preset: str) -> None:
    project = render(template_dir, tmp_path / "project", preset, realtime=True)
    folder, feeder = STREAMING_DEPLOYABLE[preset]
    deployable = project / folder
    for path in (*REALTIME_FILES, feeder):
        assert (deployable / path).is_file(), path
    app = (deployable / "src" / "app.ts").read_text()
    assert "orderEventsRoutes" in app and "streams.closeAll()" in app
    assert "SSE_HEARTBEAT_MS=5000" in (deployable / ".env.example").read_text()
    assert (
        "...RealtimeEnv.properties"
        in (deployable / "src" / "infrastructure" / "config" / "config.ts").read_text()
    )
    if preset != "monolith":
        # The outbox relay streams each status change once the broker has taken the event.
        process = (deployable / "src" / "api-process.ts").read_text()
        assert "streamingOrderStatus(broker, fanout, logger)" in process
        # Only the deployable of the orders module streams.
        others = [p for p in project.glob("*/*/src/infrastructure/realtime") if p != deployable / "src/infrastructure/realtime"]
        assert others == []
    assert "## Real-time updates" in (project / "README.md").read_text()


@pytest.mark.parametrize("preset", list(STREAMING_DEPLOYABLE))
def test_the_stream_shows_cancellations_as_well_as_placements(template_dir: Path, tmp_path: Path, preset: str) -> None:
    project = render(template_dir, tmp_path / "project", preset, realtime=True)
    deployable = project / STREAMING_DEPLOYABLE[preset][0]
    orders = deployable / "src" / "modules" / "orders"
    # Cancelling raises order.cancelled in the cancelling transaction, from the one shared builder.
    assert "cancelling: (order) => [orderCancelled(order)]," in (orders / "index.ts").read_text()
    assert "type: 'order.cancelled'" in (orders / "order-cancelled.event.ts").read_text()
    if preset != "monolith":
        # The event crosses the broker: the contracts carry it, and the relay's test streams it.
        schemas = (project / "packages" / "contracts" / "src" / "events" / "event-schemas.ts").read_text()
        assert "'order.cancelled': OrderCancelledSchema," in schemas
        relay_test = (deployable / "test" / "unit" / "order-status.relay.test.ts").read_text()
        assert "{ orderId: 'o1', status: 'cancelled', at: cancelledAt }" in relay_test
    # The generated stream test runs the cancellation case unconditionally.
    stream_test = (deployable / "test" / "integration" / "order-events.test.ts").read_text()
    assert "  it('streams the cancellation of an order', async () => {" in stream_test
    readme = " ".join((project / "README.md").read_text().split())
    assert "each time one of their orders is placed or cancelled" in readme
    assert "raises no event" not in readme


@pytest.mark.parametrize("realtime", [True, False])
def test_the_gateway_forwards_the_stream_without_its_handler_deadline(
    template_dir: Path, tmp_path: Path, realtime: bool
) -> None:
    project = render(template_dir, tmp_path / "project", "microservices", realtime=realtime)
    gateway = project / "services" / "gateway"
    routes = "eventStreamRoutes: ['/v1/orders/events']," if realtime else "eventStreamRoutes: [],"
    assert routes in (gateway / "src" / "shared" / "project.ts").read_text()
    assert (gateway / "test" / "gateway" / "event-streams.test.ts").is_file() is realtime


@pytest.mark.parametrize("preset", list(STREAMING_DEPLOYABLE))
def test_no_stream_unless_asked(template_dir: Path, tmp_path: Path, preset: str) -> None:
    project = render(template_dir, tmp_path / "project", preset, realtime=False)
    folder, feeder = STREAMING_DEPLOYABLE[preset]
    deployable = project / folder
    for path in (*REALTIME_FILES, feeder):
        if path == "src/infrastructure/config/realtime.ts":
            # The empty section the configuration composes without the answer: no variable, no setting.
            section = (deployable / path).read_text()
            assert "export const RealtimeEnv = Type.Object({});" in section and "() => ({})" in section
            continue
        assert not (deployable / path).exists(), path
    assert "realtime" not in (deployable / "src" / "app.ts").read_text()
    assert "SSE_" not in (deployable / ".env.example").read_text()
    assert "## Real-time updates" not in (project / "README.md").read_text()
