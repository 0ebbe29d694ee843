"""The run's figures as Rich tables on the terminal and as markdown in docs/performance.md."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from harness.errors import BenchError
from harness.profile import ProfileSummary
from harness.scenarios import LOAD_SCENARIOS, SERVER_LABELS

START_MARKER = "<!-- bench:results:start -->"
END_MARKER = "<!-- bench:results:end -->"

Results = dict[str, Any]

LOAD_HEADER = ["Scenario", "Server", "req/s", "p50 ms", "p99 ms", "non-2xx", "errors", "CPU µs/req", "× bare"]
OTHER_HEADER = ["Measure", SERVER_LABELS["generated"], SERVER_LABELS["bare"], SERVER_LABELS["express"]]


def _number(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def _limit(target: dict[str, Any]) -> str:
    if target["limit"] is None:
        return "report"
    return f"{'≥' if target['at_least'] else '≤'} {target['limit']:g} {target['unit']}"


def _measured(target: dict[str, Any]) -> str:
    return "not measured" if target["value"] is None else f"{target['value']:g} {target['unit']}"


def _verdict(target: dict[str, Any]) -> str:
    if target["limit"] is None:
        return "reported" if target["value"] is not None else "–"
    return {True: "✅ met", False: "❌ missed", None: "– not measured"}[target["met"]]


def _load_rows(results: Results) -> list[list[str]]:
    rows = []
    for scenario in LOAD_SCENARIOS:
        data = results["scenarios"][scenario.key]
        if data["status"] != "ok":
            rows.append(
                [
                    scenario.title,
                    f"{data['status'].replace('_', ' ')}: {data.get('reason', '')}",
                    *[""] * (len(LOAD_HEADER) - 2),
                ]
            )
            continue
        for index, (server, figures) in enumerate(data["servers"].items()):
            ratio = figures.get("vs_bare")
            rows.append(
                [
                    scenario.title if index == 0 else "",
                    SERVER_LABELS[server],
                    _number(figures["rps"], 0),
                    _number(figures["p50_ms"], 2),
                    _number(figures["p99_ms"], 2),
                    _number(figures["non_2xx"]),
                    _number(figures["errors"]),
                    _number(figures["cpu_us_per_request"], 1),
                    "–" if ratio is None else f"{ratio:.2f}×",
                ]
            )
    return rows


def _other_rows(results: Results) -> list[list[str]]:
    scenarios = results["scenarios"]
    servers = ("generated", "bare", "express")
    rows: list[list[str]] = []

    def per_server(label: str, key: str, field: str) -> None:
        data = scenarios[key]
        if data["status"] != "ok":
            rows.append([label, data["status"].replace("_", " "), "", ""])
            return
        rows.append([label, *(_number(data["servers"].get(name, {}).get(field)) for name in servers)])

    per_server("Idle RSS after start (MB)", "idle_rss", "fresh_mb")
    per_server("RSS after the load scenarios (MB)", "idle_rss", "after_load_mb")
    count = results["settings"]["idle_connections"]
    per_server(f"RSS with {count:,} idle keep-alive connections (MB)", "idle_connections", "rss_after_mb")
    per_server("RSS added by those connections (MB)", "idle_connections", "added_mb")

    cold = scenarios["cold_start"]
    if cold["status"] == "ok":
        for variant, label in (
            ("untraced", "Cold start to ready (ms)"),
            ("traced", "Cold start with tracing (ms)"),
        ):
            figures = cold[variant]
            rows.append(
                [f"{label}, median of {len(figures['samples_ms'])}", _number(figures["median_ms"], 0), "", ""]
            )
    for key, label in (
        ("scalefold_new", "`scalefold new --no-install` (s)"),
        ("scalefold_check", "`scalefold check` (s)"),
    ):
        data = scenarios[key]
        value = (
            _number(data.get("median_s"), 2) if data["status"] == "ok" else data["status"].replace("_", " ")
        )
        rows.append([label, value, "", ""])
    return rows


def _markdown_table(header: list[str], rows: list[list[str]], numeric_from: int) -> str:
    align = ["---" if index < numeric_from else "---:" for index in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _context(results: Results) -> str:
    machine, settings = results["machine"], results["settings"]
    noise = results["noise"]
    loaded = (
        " — **a loaded machine**: requests per second are low and noisy, CPU per request holds better"
        if noise["loaded"]
        else ""
    )
    return "\n".join(
        [
            f"- Date: {results['date']} · mode: {results['mode']} · JSON: `{results['json_file']}`",
            f"- Command: `{results['command']}`",
            f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gb']} GB, "
            f"{machine['os']}, kernel {machine['kernel']}, Node.js {machine['node']}",
            f"- Load: {settings['load_generator']}, {settings['connections']} connections, "
            f"{settings['rounds']} × {settings['duration_s']} s per scenario and server after a "
            f"{settings['warmup_s']} s warm-up, rounds interleaved across servers; {settings['pinning']}",
            f"- Generated service: {settings['service_settings']}",
            f"- Other load on the machine during the measured windows: {noise['other_load_cores']:.2f} "
            f"cores (median){loaded}",
        ]
    )


def markdown(results: Results) -> str:
    targets = [[t["description"], _limit(t), _measured(t), _verdict(t)] for t in results["targets"]]
    parts = [
        _context(results),
        "### Targets",
        _markdown_table(["Target", "Limit", "Measured", "Verdict"], targets, 1),
        "### Load scenarios",
        _markdown_table(LOAD_HEADER, _load_rows(results), 2),
        "### Memory, start-up and tooling",
        _markdown_table(OTHER_HEADER, _other_rows(results), 1),
    ]
    notes = results.get("notes", [])
    if notes:
        parts.append("Notes from the run:\n\n" + "\n".join(f"- {note}" for note in notes))
    return "\n\n".join(parts)


def update_docs(path: Path, results: Results) -> None:
    """Replaces the part of ``path`` between the result markers with this run's figures."""
    text = path.read_text()
    pattern = re.compile(re.escape(START_MARKER) + ".*?" + re.escape(END_MARKER), re.DOTALL)
    if not pattern.search(text):
        raise BenchError(
            f"{path.name} has no {START_MARKER} … {END_MARKER} section to write the results into"
        )
    block = f"{START_MARKER}\n\n{markdown(results)}\n\n{END_MARKER}"
    path.write_text(pattern.sub(lambda _match: block, text, count=1))


def print_results(console: Console, results: Results) -> None:
    table = Table(title="Load scenarios", title_justify="left")
    for index, column in enumerate(LOAD_HEADER):
        table.add_column(column, justify="left" if index < 2 else "right")
    for row in _load_rows(results):
        table.add_row(*row)
    console.print(table)

    other = Table(title="Memory, start-up and tooling", title_justify="left")
    for index, column in enumerate(OTHER_HEADER):
        other.add_column(column, justify="left" if index == 0 else "right")
    for row in _other_rows(results):
        other.add_row(*row)
    console.print(other)

    targets = Table(title="Targets", title_justify="left")
    for column in ("Target", "Limit", "Measured", "Verdict"):
        targets.add_column(column)
    for target in results["targets"]:
        targets.add_row(target["description"], _limit(target), _measured(target), _verdict(target))
    console.print(targets)


def print_profiles(console: Console, profiles: list[ProfileSummary]) -> None:
    for profile in profiles:
        for title, rows in (("package", profile.by_package), ("function", profile.by_function)):
            table = Table(
                title=f"{profile.path.parent.name}: CPU self time by {title} "
                f"({profile.total_ms / 1000:.1f} s busy in all)",
                title_justify="left",
            )
            table.add_column(title.capitalize())
            table.add_column("ms", justify="right")
            table.add_column("share", justify="right")
            for name, ms in rows:
                table.add_row(name, f"{ms:,.0f}", f"{ms / profile.total_ms:.1%}")
            console.print(table)
        console.print(f"Profile: {profile.path} (open it in Chrome DevTools → Performance, or speedscope)")
