"""The scenarios of a run, their keys in the JSON results, and the servers each one measures."""

from __future__ import annotations

from dataclasses import dataclass

NOT_AVAILABLE = "not available in this template version"

SERVER_LABELS = {"generated": "generated", "bare": "node:http", "express": "Express 5"}
ALL_SERVERS = ("generated", "bare", "express")


@dataclass(frozen=True)
class LoadScenario:
    key: str
    title: str
    servers: tuple[str, ...]
    needs_orders: bool


LOAD_SCENARIOS: tuple[LoadScenario, ...] = (
    LoadScenario("health_live", "Liveness probe", ALL_SERVERS, needs_orders=False),
    # `GET /v1/products` in the template (api.PUBLIC_READ); see fixtures.choose_public_read.
    LoadScenario("public_cached_read", "Public cached read", ALL_SERVERS, needs_orders=False),
    LoadScenario(
        "auth_cached_read", "Authenticated cached read (JWT, cache hit)", ALL_SERVERS, needs_orders=True
    ),
    LoadScenario("auth_write", "Authenticated write (PostgreSQL)", ("generated",), needs_orders=True),
    LoadScenario(
        "auth_cached_read_traced",
        "Authenticated cached read, tracing at 10 %",
        ("generated",),
        needs_orders=True,
    ),
)

OTHER_SCENARIOS = ("idle_rss", "idle_connections", "cold_start", "scalefold_new", "scalefold_check")

SCENARIO_KEYS: tuple[str, ...] = (*(scenario.key for scenario in LOAD_SCENARIOS), *OTHER_SCENARIOS)
