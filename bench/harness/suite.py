"""The whole run: generate and build the monolith, start it and the references, measure every scenario.

Order of a run:
1. `scalefold new` (with npm install) and `npm run build`; timings of `scalefold new --no-install`
   and `scalefold check`.
2. A fresh PostgreSQL database, migrations applied once.
3. The generated service (pinned to the server core) and the data the scenarios need (see
   fixtures.py); the bodies it answers are given to the bare and Express references, started the
   same way. A second instance with tracing on (10 % sampling, spans sent to a loopback OTLP
   endpoint that drops them).
4. Idle RSS of each server.
5. The load scenarios (rounds.py), then RSS again.
6. N idle keep-alive connections held open on each server: RSS before and while they are open.
7. Cold starts, with and without tracing.
"""

from __future__ import annotations

import os
import secrets
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from harness.api import HEALTH_LIVE, HEALTH_READY, ServiceApi
from harness.coldstart import cold_starts
from harness.environment import describe_service_settings, generated_service_env, minimal_env
from harness.errors import BenchError
from harness.fixtures import Fixtures, prepare_fixtures
from harness.idle import MB, SETTLE_SECONDS, hold_idle_connections
from harness.loadgen import LoadGenerator, choose_load_generator
from harness.machine import describe_machine
from harness.npm import ensure_node_bin, node_environment, npm_ci
from harness.otlp_sink import OtlpSink
from harness.proc import CoreLayout
from harness.project import GeneratedProject, scalefold_new
from harness.references import REFERENCES_DIR, Jwt, reference_server, write_spec
from harness.rounds import LoadPlan, LoadSettings, all_measurements, overhead, plan_results, run_rounds
from harness.scenarios import ALL_SERVERS, LOAD_SCENARIOS, NOT_AVAILABLE, SCENARIO_KEYS
from harness.servers import ServerProcess
from harness.targets import evaluate_targets
from harness.tooling import time_scalefold_check, time_scalefold_new
from tests.support.http import free_port
from tests.support.services import fresh_database, postgres_available

Results = dict[str, Any]
# Other processes using more than this share of a core during the measured windows make a loaded machine.
LOADED_MACHINE_CORES = 0.25


@dataclass(frozen=True)
class Settings:
    mode: str  # "full" or "short"
    load: LoadSettings
    idle_connections: int
    cold_starts: int
    tool_repeats: int
    load_generator: str
    redis_url: str | None
    project: Path | None
    workdir: Path
    scenarios: frozenset[str]
    extra_env: dict[str, str]
    command: str
    cpu_profile: bool = False


class Suite:
    def __init__(self, settings: Settings, console: Console) -> None:
        self.settings = settings
        self.console = console
        self.logs = settings.workdir / "logs"
        self.profiles_dir = settings.workdir / "profiles"
        self.key_prefix = f"bench-{secrets.token_hex(4)}"
        self.jwt_secret = secrets.token_urlsafe(48)
        self.layout = CoreLayout.detect()
        self.notes: list[str] = []
        self.scenarios: dict[str, dict[str, Any]] = {
            key: {"status": "skipped", "reason": "not selected (--scenarios)"} for key in SCENARIO_KEYS
        }
        self.plans: list[LoadPlan] = []

    # ---- helpers -------------------------------------------------------------------------------

    def _selected(self, key: str) -> bool:
        return key in self.settings.scenarios

    def _say(self, message: str) -> None:
        self.console.print(f"[dim]{datetime.now():%H:%M:%S}[/] {message}")

    def _attempt(self, key: str, step: Callable[[], dict[str, Any]]) -> None:
        """Runs one scenario's step; a failure is recorded for that scenario and the run goes on."""
        if not self._selected(key):
            return
        try:
            self.scenarios[key] = step()
        except BenchError as error:
            self.scenarios[key] = {"status": "failed", "reason": str(error)}
            self._say(f"[red]✗ {key}: {error}[/]")

    def _launch(self, stack: ExitStack, server: ServerProcess, ready_path: str) -> ServerProcess:
        """Starts ``server``, stopped when ``stack`` closes; returns once ``ready_path`` answers 200."""
        server.start()
        stack.callback(self._stop, server)
        server.wait_until(ready_path)
        return server

    def _stop(self, server: ServerProcess) -> None:
        code = server.stop()
        if code not in (0, None):
            self.notes.append(
                f"{server.name} exited with code {code} when stopped with SIGTERM (see its log)"
            )

    # ---- the run -------------------------------------------------------------------------------

    def run(self) -> Results:
        node_bin = ensure_node_bin()
        self.node = node_bin / "node"
        self.node_env = node_environment(node_bin)
        self.base_env = minimal_env(self.node_env)
        self.generator: LoadGenerator = choose_load_generator(
            self.settings.load_generator, node_bin, self.node_env, self.layout.load
        )
        if self.generator.name != "wrk":
            self.notes.append(
                "autocannon generated the load: it may not saturate the server (see the server utilisation "
                "in the JSON); wrk does (`apt-get install -y wrk`)"
            )
        if self.settings.cpu_profile:
            self.notes.append(
                "The generated service ran under the CPU profiler (--cpu-prof): its figures include "
                "the profiler's overhead"
            )
        npm_ci(REFERENCES_DIR, self.node_env)
        if not postgres_available():
            raise BenchError(
                "PostgreSQL is not answering on 127.0.0.1:5432 (psql needed too): "
                "the generated service runs on it in production settings"
            )
        machine = describe_machine(self.node)
        started = datetime.now(UTC)

        project = self._prepare_project()
        self._time_tooling(project)
        if self.layout.load is not None:
            # This process (the OTLP sink, the idle-connection holder, polling) stays off the server's core.
            os.sched_setaffinity(0, self.layout.load)
        with fresh_database("scalefold_bench") as database_url:
            project.migrate(self._service_env(database_url, port=0), self.logs / "migrate.log")
            with OtlpSink() as sink:
                self._serve_and_measure(project, database_url, sink)
                self._attempt("cold_start", lambda: self._cold_starts(project, database_url, sink))
        self._clean_redis()
        return self._results(machine, started)

    def _prepare_project(self) -> GeneratedProject:
        if self.settings.project is not None:
            project = GeneratedProject(self.settings.project.resolve())
            self._say(f"Building the project in {project.root}")
        else:
            destination = self.settings.workdir / "project"
            shutil.rmtree(destination, ignore_errors=True)
            self._say("Generating the monolith (scalefold new, npm install)")
            scalefold_new(destination, self.node_env, self.logs / "scalefold-new.log", install=True)
            project = GeneratedProject(destination)
            self._say("Building it (npm run build)")
        project.build(self.node_env, self.logs / "build.log")
        return project

    def _time_tooling(self, project: GeneratedProject) -> None:
        workdir, repeats = self.settings.workdir, self.settings.tool_repeats
        self._attempt("scalefold_new", lambda: time_scalefold_new(workdir, self.node_env, repeats))
        self._attempt(
            "scalefold_check", lambda: time_scalefold_check(project.root, workdir, self.node_env, repeats)
        )
        for key, label in (
            ("scalefold_new", "scalefold new --no-install"),
            ("scalefold_check", "scalefold check"),
        ):
            if self.scenarios[key]["status"] == "ok":
                self._say(f"{label}: {self.scenarios[key]['median_s']:.2f} s (median of {repeats})")
        check = self.scenarios["scalefold_check"]
        if check.get("exit_code"):
            self.notes.append(
                f"`scalefold check` reported findings on the generated project: {check['findings']}"
            )

    def _service_env(
        self, database_url: str, *, port: int, otlp_endpoint: str | None = None
    ) -> dict[str, str]:
        return generated_service_env(
            self.base_env,
            port=port,
            database_url=database_url,
            jwt_secret=self.jwt_secret,
            redis_url=self.settings.redis_url,
            key_prefix=self.key_prefix,
            otlp_endpoint=otlp_endpoint,
            extra=self.settings.extra_env,
        )

    def _generated(
        self,
        project: GeneratedProject,
        database_url: str,
        name: str,
        otlp_endpoint: str | None = None,
        *,
        profiled: bool = True,
    ) -> ServerProcess:
        port = free_port()
        node, *arguments = project.start_command(self.node)
        if self.settings.cpu_profile and profiled:
            # V8's sampling profiler; the .cpuprofile is written when the process exits.
            arguments = ["--cpu-prof", f"--cpu-prof-dir={self.profiles_dir / name}", *arguments]
        return ServerProcess(
            name,
            [node, *arguments],
            project.root,
            self._service_env(database_url, port=port, otlp_endpoint=otlp_endpoint),
            self.logs / f"{name}.log",
            "127.0.0.1",
            port,
            self.layout.server,
        )

    # ---- servers, data and load ----------------------------------------------------------------

    def _serve_and_measure(self, project: GeneratedProject, database_url: str, sink: OtlpSink) -> None:
        with ExitStack() as stack:
            generated = self._launch(stack, self._generated(project, database_url, "generated"), HEALTH_READY)
            fixtures = prepare_fixtures(generated.base_url, ServiceApi.fetch(generated.base_url))
            if fixtures.public_read.stand_in:
                self.notes.append(f"Public cached read: {fixtures.public_read.note}")
            servers = {"generated": generated, **self._start_references(stack, fixtures)}
            if fixtures.order_path is not None and self._selected("auth_cached_read_traced"):
                traced = self._launch(
                    stack,
                    self._generated(project, database_url, "generated-traced", sink.endpoint),
                    HEALTH_READY,
                )
                fixtures.read_once(traced.base_url)  # its own cache (in memory) gets the order too
                servers["generated_traced"] = traced

            time.sleep(SETTLE_SECONDS)
            self._attempt("idle_rss", lambda: self._idle_rss(servers))
            exports_before = sink.exports
            self._load(fixtures, servers)
            if self.scenarios["idle_rss"]["status"] == "ok":
                for name, figures in self.scenarios["idle_rss"]["servers"].items():
                    figures["after_load_mb"] = round(servers[name].rss_bytes() / MB, 1)
            # After the load, as in a service that has been serving: its heap has grown to its working
            # size, so what the connections add is the connections, not the first requests' garbage.
            self._attempt("idle_connections", lambda: self._idle_connections(servers))
        # Stopped, the traced instance has flushed its last spans too.
        traced_results = self.scenarios["auth_cached_read_traced"]
        if traced_results["status"] == "ok":
            traced_results["otlp_exports"] = sink.exports - exports_before
            if traced_results["otlp_exports"] == 0:
                self.notes.append(
                    "No span batch reached the OTLP endpoint: the traced scenario may not have traced"
                )

    def _start_references(self, stack: ExitStack, fixtures: Fixtures) -> dict[str, ServerProcess]:
        claims = fixtures.session.claims
        jwt = Jwt(self.jwt_secret, claims["iss"], claims["aud"], claims["sub"])
        started = {}
        for kind in ("bare", "express"):
            port = free_port()
            spec = self.settings.workdir / f"{kind}-spec.json"
            write_spec(
                spec,
                port=port,
                routes=fixtures.routes,
                jwt=jwt,
                redis_url=self.settings.redis_url,
                key_prefix=self.key_prefix,
            )
            server = reference_server(
                kind, spec, self.node, self.base_env, port, self.layout.server, self.logs / f"{kind}.log"
            )
            started[kind] = self._launch(stack, server, HEALTH_LIVE)
        return started

    def _idle_rss(self, servers: dict[str, ServerProcess]) -> dict[str, Any]:
        """Resident memory of each server started, ready and not loaded yet."""
        return {
            "status": "ok",
            "servers": {name: {"fresh_mb": round(servers[name].rss_bytes() / MB, 1)} for name in ALL_SERVERS},
        }

    def _idle_connections(self, servers: dict[str, ServerProcess]) -> dict[str, Any]:
        count, figures = self.settings.idle_connections, {}
        for name in ALL_SERVERS:
            held = hold_idle_connections(servers[name], count, HEALTH_LIVE, self.layout.load)
            figures[name] = held.to_dict()
            self._say(
                f"{name}: {held.opened:,} idle connections add {held.added_mb:.1f} MB "
                f"({held.rss_before_mb:.1f} → {held.rss_after_mb:.1f} MB), errors {held.all_errors}"
            )
            time.sleep(1)  # the server releases the closed sockets
        return {"status": "ok", "connections": count, "servers": figures}

    def _load(self, fixtures: Fixtures, servers: dict[str, ServerProcess]) -> None:
        plans: dict[str, LoadPlan] = {}
        for scenario in LOAD_SCENARIOS:
            if not self._selected(scenario.key):
                continue
            if scenario.key not in fixtures.requests:
                self.scenarios[scenario.key] = {"status": "not_available", "reason": NOT_AVAILABLE}
                continue
            traced = scenario.key == "auth_cached_read_traced"
            answering = {
                name: servers["generated_traced" if traced and name == "generated" else name]
                for name in scenario.servers
            }
            plans[scenario.key] = LoadPlan(scenario, fixtures.requests[scenario.key], answering)

        run_rounds(list(plans.values()), self.generator, self.settings.load, self._say)

        for key, plan in plans.items():
            self.scenarios[key] = plan_results(plan)
            warm = ", ".join(f"{count} on {name}" for name, count in plan.warmup_problems.items() if count)
            if warm:
                self.notes.append(
                    f"`{key}`: errors or non-2xx answers during the warm-up (not measured): {warm}"
                )
        if "public_cached_read" in plans and self.scenarios["public_cached_read"]["status"] == "ok":
            self.scenarios["public_cached_read"]["route"] = fixtures.public_read.note
        if "auth_cached_read_traced" in plans and self.scenarios["auth_cached_read_traced"]["status"] == "ok":
            self.scenarios["auth_cached_read_traced"]["overhead_vs_untraced"] = overhead(
                plans["auth_cached_read_traced"], plans["auth_cached_read"]
            )
        self.plans = list(plans.values())

    def _cold_starts(self, project: GeneratedProject, database_url: str, sink: OtlpSink) -> dict[str, Any]:
        results: dict[str, Any] = {"status": "ok"}
        for variant, endpoint in (("untraced", None), ("traced", sink.endpoint)):

            def make(variant: str = variant, endpoint: str | None = endpoint) -> ServerProcess:
                return self._generated(project, database_url, f"cold-{variant}", endpoint, profiled=False)

            results[variant] = cold_starts(make, self._stop, self.settings.cold_starts)
            self._say(
                f"cold start {variant}: {results[variant]['median_ms']:.0f} ms "
                f"(median of {self.settings.cold_starts})"
            )
        return results

    # ---- the end -------------------------------------------------------------------------------

    def _clean_redis(self) -> None:
        """Best effort: deletes the keys this run wrote (all under its own prefix)."""
        url = self.settings.redis_url
        if not url or shutil.which("redis-cli") is None:
            return
        keys = subprocess.run(
            ["redis-cli", "-u", url, "--scan", "--pattern", f"{self.key_prefix}:*"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        ).stdout.splitlines()  # one key a line; keys may hold spaces
        for start in range(0, len(keys), 500):
            subprocess.run(
                ["redis-cli", "-u", url, "del", *keys[start : start + 500]],
                capture_output=True,
                timeout=60,
                check=False,
            )

    def _results(self, machine: dict[str, Any], started: datetime) -> Results:
        settings, load = self.settings, self.settings.load
        measurements = all_measurements(self.plans)
        other = statistics.median(m.other_load for m in measurements) if measurements else 0.0
        results: Results = {
            "schema_version": 1,
            "date": started.strftime("%Y-%m-%d %H:%M UTC"),
            "mode": settings.mode,
            "command": settings.command,
            "machine": machine,
            "settings": {
                "load_generator": self.generator.version,
                "connections": load.connections,
                "duration_s": load.duration,
                "warmup_s": load.warmup,
                "rounds": load.rounds,
                "idle_connections": settings.idle_connections,
                "cold_starts": settings.cold_starts,
                "pinning": self.layout.describe(),
                "service_settings": describe_service_settings(settings.redis_url, settings.extra_env),
            },
            "noise": {"other_load_cores": round(other, 2), "loaded": other > LOADED_MACHINE_CORES},
            "scenarios": self.scenarios,
            "notes": self.notes,
        }
        results["targets"] = evaluate_targets(results)
        return results
