"""The performance targets of the generated service and whether a run meets them.

Cost ratios compare CPU microseconds per request with the bare node:http server measured in the
same run (generated ÷ bare: how many times the platform's minimum a request costs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Results = dict[str, Any]


@dataclass(frozen=True)
class Target:
    key: str
    description: str
    unit: str  # "×", "%", "MB", "ms", "µs"
    limit: float | None  # None: reported, no target
    at_least: bool  # True: the value must reach the limit; False: stay under it
    value: Callable[[Results], float | None]

    def evaluate(self, results: Results) -> dict[str, Any]:
        value = self.value(results)
        met = None
        if value is not None and self.limit is not None:
            met = value >= self.limit if self.at_least else value <= self.limit
        return {
            "key": self.key,
            "description": self.description,
            "unit": self.unit,
            "limit": self.limit,
            "at_least": self.at_least,
            "value": None if value is None else round(value, 2),
            "met": met,
        }


def _scenario(results: Results, key: str) -> dict[str, Any] | None:
    scenario = results["scenarios"].get(key, {})
    return scenario if scenario.get("status") == "ok" else None


def _ratio(key: str, name: str) -> Callable[[Results], float | None]:
    def read(results: Results) -> float | None:
        scenario = _scenario(results, key)
        return None if scenario is None else scenario.get("ratios", {}).get(name)

    return read


def _field(key: str, *path: str) -> Callable[[Results], float | None]:
    def read(results: Results) -> float | None:
        node: Any = _scenario(results, key)
        for step in path:
            if not isinstance(node, dict):
                return None
            node = node.get(step)
        return node if isinstance(node, int | float) else None

    return read


def _overhead_percent(results: Results) -> float | None:
    overhead = _field("auth_cached_read_traced", "overhead_vs_untraced")(results)
    return None if overhead is None else overhead * 100


TARGETS: tuple[Target, ...] = (
    Target(
        "health_live_vs_bare",
        "`GET /health/live`: CPU per request ÷ bare node:http",
        "×",
        1.3,
        False,
        _ratio("health_live", "generated_vs_bare"),
    ),
    Target(
        "public_read_vs_bare",
        "Public cached read: CPU per request ÷ bare node:http",
        "×",
        2.5,
        False,
        _ratio("public_cached_read", "generated_vs_bare"),
    ),
    Target(
        "auth_read_vs_bare",
        "Authenticated cached read: CPU per request ÷ bare node:http",
        "×",
        3.0,
        False,
        _ratio("auth_cached_read", "generated_vs_bare"),
    ),
    Target(
        "write_cost",
        "Authenticated write (`POST /v1/orders`, PostgreSQL): CPU per request",
        "µs",
        None,
        False,
        _field("auth_write", "servers", "generated", "cpu_us_per_request"),
    ),
    Target(
        "tracing_overhead",
        "Tracing at 10 % sampling: added CPU per request on the authenticated read",
        "%",
        50.0,
        False,
        _overhead_percent,
    ),
    Target(
        "express_health_live",
        "Express ÷ generated, CPU per request, `GET /health/live`",
        "×",
        2.0,
        True,
        _ratio("health_live", "express_vs_generated"),
    ),
    Target(
        "express_public_read",
        "Express ÷ generated, CPU per request, public cached read",
        "×",
        2.0,
        True,
        _ratio("public_cached_read", "express_vs_generated"),
    ),
    Target(
        "express_auth_read",
        "Express ÷ generated, CPU per request, authenticated cached read",
        "×",
        2.0,
        True,
        _ratio("auth_cached_read", "express_vs_generated"),
    ),
    Target(
        "idle_rss",
        "Idle RSS of the generated service (started, ready, no load yet)",
        "MB",
        120.0,
        False,
        _field("idle_rss", "servers", "generated", "fresh_mb"),
    ),
    Target(
        "idle_connections_rss",
        "RSS added by the idle keep-alive connections",
        "MB",
        100.0,
        False,
        _field("idle_connections", "servers", "generated", "added_mb"),
    ),
    Target(
        "cold_start",
        "Cold start to the first `/health/ready` 200, migrations excluded",
        "ms",
        500.0,
        False,
        _field("cold_start", "untraced", "median_ms"),
    ),
    Target(
        "cold_start_traced",
        "Cold start with tracing on",
        "ms",
        1000.0,
        False,
        _field("cold_start", "traced", "median_ms"),
    ),
)


def evaluate_targets(results: Results) -> list[dict[str, Any]]:
    return [target.evaluate(results) for target in TARGETS]
