"""The load phase: every scenario on every server, in interleaved rounds, and the figures they give.

Rounds are interleaved (round 1 of every scenario and server, then round 2, …) so a slow drift of
a shared machine weighs on every server alike, and ratios are taken round by round before their
median. Each server gets a warm-up (JIT, pools, caches) before its first measured round.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness.errors import BenchError
from harness.loadgen import HttpRequest, LoadGenerator
from harness.measure import Measurement, Summary, measure
from harness.scenarios import LoadScenario
from harness.servers import ServerProcess


@dataclass(frozen=True)
class LoadSettings:
    duration: int
    warmup: int
    rounds: int
    connections: int


@dataclass
class LoadPlan:
    """What the load generator sends for one scenario, the servers that answer it, what they did."""

    scenario: LoadScenario
    request: HttpRequest
    servers: dict[str, ServerProcess]
    rounds: dict[str, list[Measurement]] = field(default_factory=dict)
    warmup_problems: dict[str, int] = field(default_factory=dict)
    failure: str | None = None


def _median_ratio(numerators: list[Measurement], denominators: list[Measurement]) -> float:
    return statistics.median(
        n.cpu_us_per_request / d.cpu_us_per_request for n, d in zip(numerators, denominators, strict=True)
    )


def run_rounds(
    plans: list[LoadPlan], generator: LoadGenerator, settings: LoadSettings, say: Callable[[str], None]
) -> None:
    for round_index in range(settings.rounds):
        for plan in plans:
            if plan.failure is not None:
                continue
            try:
                for name, server in plan.servers.items():
                    if round_index == 0 and settings.warmup > 0:
                        warm = generator.run(
                            server.base_url, plan.request, settings.warmup, settings.connections
                        )
                        plan.warmup_problems[name] = warm.errors + warm.non_2xx
                    measured = measure(
                        server, generator, plan.request, settings.duration, settings.connections
                    )
                    plan.rounds.setdefault(name, []).append(measured)
                    say(
                        f"[bold]{plan.scenario.key}[/] {name} (round {round_index + 1}/{settings.rounds}): "
                        f"{measured.load.rps:,.0f} req/s, [bold]{measured.cpu_us_per_request:.1f} µs/req[/], "
                        f"p99 {measured.load.p99_ms:.2f} ms, "
                        f"server at {measured.server_utilisation:.0%} of a core, "
                        f"non-2xx {measured.load.non_2xx}, errors {measured.load.errors}"
                    )
            except BenchError as error:
                plan.failure = str(error)
                say(f"[red]✗ {plan.scenario.key}: {error}[/]")


def plan_results(plan: LoadPlan) -> dict[str, Any]:
    """The scenario's entry in the JSON results: medians per server and the cost ratios."""
    if plan.failure is not None:
        return {"status": "failed", "reason": plan.failure}
    rounds = plan.rounds
    servers = {}
    for name, measured in rounds.items():
        figures = Summary(tuple(measured)).to_dict()
        figures["warmup_errors_and_non_2xx"] = plan.warmup_problems.get(name, 0)
        if "bare" in rounds:
            figures["vs_bare"] = round(_median_ratio(measured, rounds["bare"]), 3)
        servers[name] = figures
    data: dict[str, Any] = {
        "status": "ok",
        "request": f"{plan.request.method} {plan.request.path}",
        "servers": servers,
    }
    if "bare" in rounds:
        data["ratios"] = {
            "generated_vs_bare": servers["generated"]["vs_bare"],
            "express_vs_bare": servers["express"]["vs_bare"],
            "express_vs_generated": round(_median_ratio(rounds["express"], rounds["generated"]), 3),
        }
    return data


def overhead(plan: LoadPlan, baseline: LoadPlan) -> float | None:
    """Extra CPU per request of ``plan`` over ``baseline`` on the generated service (0.25: 25 % more)."""
    if plan.failure or baseline.failure or "generated" not in baseline.rounds:
        return None
    return round(_median_ratio(plan.rounds["generated"], baseline.rounds["generated"]) - 1, 3)


def all_measurements(plans: list[LoadPlan]) -> list[Measurement]:
    return [measured for plan in plans for rounds in plan.rounds.values() for measured in rounds]
