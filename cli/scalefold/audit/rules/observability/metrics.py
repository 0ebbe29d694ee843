"""OBS-004: expose metrics, including event-loop lag."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.js.facts import Import, Mark
from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call, on_import
from scalefold.audit.model import Category, Hit, Severity, Unchecked
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import missing
from scalefold.audit.rules.security.common import import_mark

METRICS = "metrics"
EVENT_LOOP_LAG = "eventloop-lag"

_METRICS = frozenset(
    {"prom-client", "@opentelemetry/sdk-metrics", "@opentelemetry/api", "hot-shots", "@siimon/prom-client"}
)
# Libraries that record event-loop lag themselves.
_METRICS_WITH_LAG = frozenset(
    {
        "fastify-metrics",
        "express-prom-bundle",
        "@opentelemetry/instrumentation-runtime-node",
        "@opentelemetry/host-metrics",
        "@willsoto/nestjs-prometheus",
    }
)


@on_import(*sorted(_METRICS | _METRICS_WITH_LAG))
def _metrics_imported(file: JsFile, imp: Import) -> Iterator[Mark]:
    module = imp.spec.removeprefix("node:")
    if module in _METRICS or module in _METRICS_WITH_LAG:  # the module itself, not one of its files
        yield import_mark(file, imp, METRICS)
    if module in _METRICS_WITH_LAG:
        yield import_mark(file, imp, EVENT_LOOP_LAG)


@on_call("collectDefaultMetrics", "monitorEventLoopDelay")
def _event_loop_lag(file: JsFile, call: Call) -> Iterator[Mark]:
    module, _ = file.call_module(call)
    if module in {"prom-client", "perf_hooks", "@siimon/prom-client"} or call.name == "collectDefaultMetrics":
        yield file.mark(EVENT_LOOP_LAG, call.node)


def check(project: Project, rule: Rule) -> Iterator[Hit | Unchecked]:
    for pkg in project.require_services():
        # A shared package the service builds on may hold its metrics (a platform's registry).
        if project.mark(rule, pkg, EVENT_LOOP_LAG, follow=True) is not None:
            continue
        found = project.mark(rule, pkg, METRICS, follow=True)
        if found is not None:
            yield Hit(
                found,
                "Metrics without event-loop lag: call `collectDefaultMetrics()` (or `monitorEventLoopDelay`)",
            )
        else:
            yield missing(
                project,
                pkg,
                "No metrics: add prom-client with `collectDefaultMetrics()` and serve `/metrics`",
                "no metrics",
            )


RULE = Rule(
    id="OBS-004",
    name="observability-metrics",
    category=Category.OBSERVABILITY,
    severity=Severity.WARNING,
    title="Expose metrics, including event-loop lag",
    rationale="""Event-loop lag is the first sign a Node service is saturated (before latency and errors
        climb); request rates, latencies and pool usage tell you where. Without metrics,
        autoscaling and alerts have nothing to act on.""",
    fix="""Use prom-client: `collectDefaultMetrics()` (event-loop lag, heap, GC) plus a request-duration
        histogram, served at `/metrics`.""",
    check=check,
    visitors=(_metrics_imported, _event_loop_lag),
)
