"""Benchmark of the generated monolith against bare node:http and Express 5 (see bench/README.md).

    .venv/bin/python bench/run.py            # full run: bench/results/<date>.json + docs/performance.md
    .venv/bin/python bench/run.py --short    # CI: a few seconds per scenario, nothing written in the repo

Only a complete full run (no --scenarios, --no-docs or --cpu-prof) writes into the repository; any
other run leaves its JSON in the scratch folder (or --json FILE).

Exit codes: 0 every selected scenario completed with no error and no non-2xx answer in its measured
windows; 1 otherwise; 2 bad usage or a missing prerequisite (PostgreSQL, wrk when asked for, Node.js).
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path[:0] = [str(BENCH_DIR), str(REPO_ROOT)]

from rich.console import Console  # noqa: E402 (after the path set-up above)

from harness.errors import BenchError  # noqa: E402
from harness.profile import summarize  # noqa: E402
from harness.report import print_profiles, print_results, update_docs  # noqa: E402
from harness.rounds import LoadSettings  # noqa: E402
from harness.scenarios import SCENARIO_KEYS  # noqa: E402
from harness.suite import Settings, Suite  # noqa: E402

DOCS = REPO_ROOT / "docs" / "performance.md"
RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"

# Defaults of each mode; every one can be overridden by the option of the same name.
FULL = dict(
    duration=10, warmup=5, rounds=3, connections=100, idle_connections=10_000, cold_starts=5, repeats=3
)
SHORT = dict(duration=2, warmup=1, rounds=1, connections=50, idle_connections=1_000, cold_starts=1, repeats=1)

# Tables are wide: when the output is not a terminal (CI logs, a file), do not fold them to 80 columns.
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"Scenarios: {', '.join(SCENARIO_KEYS)}.",
    )
    parser.add_argument(
        "--short",
        action="store_true",
        help="CI mode: 2 s per scenario, 1,000 idle connections; writes neither results nor docs",
    )
    parser.add_argument("--duration", type=int, help="measured seconds per scenario, server and round")
    parser.add_argument("--warmup", type=int, help="warm-up seconds before a server's first round")
    parser.add_argument("--rounds", type=int, help="measured rounds (medians are reported)")
    parser.add_argument("--connections", type=int, help="connections the load generator keeps busy")
    parser.add_argument(
        "--idle-connections", type=int, help="keep-alive connections held open (default 10,000)"
    )
    parser.add_argument("--cold-starts", type=int, help="cold starts measured per variant")
    parser.add_argument("--repeats", type=int, help="runs of `scalefold new` and `scalefold check` timed")
    parser.add_argument(
        "--load-generator",
        choices=("auto", "wrk", "autocannon"),
        default="auto",
        help="auto: wrk when installed (apt-get install -y wrk), autocannon otherwise",
    )
    parser.add_argument(
        "--redis",
        nargs="?",
        const=DEFAULT_REDIS_URL,
        metavar="URL",
        help=f"run the service (and Express) with Redis (default URL {DEFAULT_REDIS_URL})",
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra environment variable for the generated service (repeatable)",
    )
    parser.add_argument(
        "--scenarios", metavar="KEY,...", help="only these scenarios (others are reported skipped)"
    )
    parser.add_argument(
        "--project", type=Path, help="benchmark this generated project instead of generating one"
    )
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (project, logs)")
    parser.add_argument(
        "--json",
        type=Path,
        help="where to write the results (default: bench/results/<date>.json for a "
        "complete full run, the scratch folder otherwise)",
    )
    parser.add_argument(
        "--no-docs", action="store_true", help="do not rewrite the results in docs/performance.md"
    )
    parser.add_argument(
        "--from-json",
        type=Path,
        metavar="FILE",
        help="run nothing: print a saved full run and write it into docs/performance.md",
    )
    parser.add_argument(
        "--cpu-prof",
        action="store_true",
        help="profile the generated service (node --cpu-prof) and print where its CPU goes; "
        "keeps the scratch folder and writes nothing into the repository",
    )
    return parser.parse_args(argv)


# Options that only say where files go on this machine: left out of the command the report prints.
LOCAL_OPTIONS = {"--workdir": True, "--json": True, "--keep": False, "--no-docs": False}


def reproducible_command(argv: list[str]) -> str:
    """The command line as it reproduces the figures, without this machine's paths."""
    kept, skip_value = [], False
    for argument in argv:
        if skip_value:
            skip_value = False
            continue
        name = argument.split("=", 1)[0]
        if name in LOCAL_OPTIONS:
            skip_value = LOCAL_OPTIONS[name] and "=" not in argument
            continue
        if name == "--project":
            kept.append("--project=PROJECT")
            skip_value = "=" not in argument
            continue
        kept.append(argument)
    return shlex.join([".venv/bin/python", "bench/run.py", *kept])


def _positive(name: str, value: int) -> int:
    if value < 1:
        raise BenchError(f"--{name.replace('_', '-')} must be at least 1 (got {value})")
    return value


def build_settings(args: argparse.Namespace, argv: list[str], workdir: Path) -> Settings:
    defaults = SHORT if args.short else FULL
    chosen = {name: getattr(args, name, None) for name in defaults}
    chosen["repeats"] = args.repeats
    values = {name: defaults[name] if value is None else value for name, value in chosen.items()}
    for name, value in values.items():
        if name != "warmup":
            _positive(name, value)
    extra_env = {}
    for pair in args.env:
        key, separator, value = pair.partition("=")
        if not separator or not key:
            raise BenchError(f"--env expects KEY=VALUE, got {pair!r}")
        extra_env[key] = value
    scenarios = frozenset(SCENARIO_KEYS)
    if args.scenarios:
        scenarios = frozenset(part.strip() for part in args.scenarios.split(",") if part.strip())
        unknown = sorted(scenarios - set(SCENARIO_KEYS))
        if unknown:
            raise BenchError(
                f"unknown scenario {', '.join(unknown)}; choose among {', '.join(SCENARIO_KEYS)}"
            )
        if "auth_cached_read_traced" in scenarios:
            scenarios |= {"auth_cached_read"}  # the tracing overhead is relative to it
    if args.project is not None and not (args.project / "package.json").is_file():
        raise BenchError(f"--project {args.project}: no package.json there")
    return Settings(
        mode="short" if args.short else "full",
        load=LoadSettings(
            duration=values["duration"],
            warmup=values["warmup"],
            rounds=values["rounds"],
            connections=values["connections"],
        ),
        idle_connections=values["idle_connections"],
        cold_starts=values["cold_starts"],
        tool_repeats=values["repeats"],
        load_generator=args.load_generator,
        redis_url=args.redis,
        project=args.project,
        workdir=workdir,
        scenarios=scenarios,
        extra_env=extra_env,
        command=reproducible_command(argv),
        cpu_profile=args.cpu_prof,
    )


def problems(results: dict) -> list[str]:
    """Scenarios that failed, and any error or non-2xx answer in a measured window."""
    found = []
    for key, data in results["scenarios"].items():
        if data["status"] == "failed":
            found.append(f"{key}: {data['reason']}")
        for name, figures in data.get("servers", {}).items():
            bad = figures.get("errors", 0) + figures.get("non_2xx", 0)
            if bad:
                found.append(f"{key} on {name}: {bad} errors or non-2xx answers")
    return found


def render_saved(path: Path) -> int:
    try:
        results = json.loads(path.read_text())
        print_results(console, results)
        update_docs(DOCS, results)
    except (OSError, ValueError, KeyError, BenchError) as error:
        err_console.print(f"[red]error:[/] cannot render {path}: {error}")
        return 2
    console.print(f"Updated {DOCS.relative_to(REPO_ROOT)} from {path}")
    return 0


def main(argv: list[str]) -> int:
    args = parse_arguments(argv)
    if args.from_json is not None:
        return render_saved(args.from_json)
    try:
        workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="scalefold-bench-"))).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        settings = build_settings(args, argv, workdir)
    except BenchError as error:
        err_console.print(f"[red]error:[/] {error}")
        return 2

    console.print(f"[bold]scalefold benchmark[/] ({settings.mode} mode), scratch folder {workdir}")
    try:
        results = Suite(settings, console).run()
    except BenchError as error:
        err_console.print(f"[red]error:[/] {error}")
        err_console.print(f"Logs are in {workdir / 'logs'}")
        return 2
    except KeyboardInterrupt:
        err_console.print("[red]interrupted[/]")
        return 130

    # Only the complete, unprofiled full run is published (results/ and docs/performance.md).
    publish = settings.mode == "full" and not (args.no_docs or args.cpu_prof or args.scenarios)
    default_json = RESULTS_DIR / f"{datetime.now():%Y-%m-%d}.json" if publish else workdir / "results.json"
    json_path = (args.json or default_json).resolve()
    results["json_file"] = (
        json_path.relative_to(REPO_ROOT).as_posix() if json_path.is_relative_to(REPO_ROOT) else json_path.name
    )
    profiles = [summarize(path) for path in sorted(workdir.glob("profiles/*/*.cpuprofile"))]
    results["profiles"] = [profile.to_dict(workdir) for profile in profiles]
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")

    print_results(console, results)
    print_profiles(console, profiles)
    console.print(f"Results: {json_path}")
    if publish:
        try:
            update_docs(DOCS, results)
            console.print(f"Updated {DOCS.relative_to(REPO_ROOT)}")
        except (BenchError, OSError) as error:
            err_console.print(f"[red]error:[/] could not update {DOCS.name}: {error}")
            return 2

    found = problems(results)
    for problem in found:
        err_console.print(f"[red]✗[/] {problem}")
    if args.keep or args.cpu_prof or found or json_path.is_relative_to(workdir):
        console.print(f"Scratch folder kept: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
