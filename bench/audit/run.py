"""Time `scalefold check` on the synthetic 10,000-file monorepo.

    .venv/bin/python -m bench.audit.run                  # generate, then 5 timed runs
    .venv/bin/python -m bench.audit.run --rounds 10 --keep /tmp/tree
    .venv/bin/python -m bench.audit.run --rounds 6 --ref main   # before/after, alternating rounds
    .venv/bin/python -m bench.audit.run --profile        # one run under cProfile, top functions

Each round runs `scalefold check TREE --format json` in a fresh process, as a user or CI would,
and measures its wall-clock time and its CPU time (user + system), split between the main process
and the worker processes of its pool. The load average is read before each round. The best round
is the figure (the machine's noise only ever adds time); the median is printed beside it.

On a shared, loaded machine the wall clock measures the queue for the CPUs more than the auditor,
so each round also gives its *critical path*: the main process's CPU time plus the workers' CPU
time divided by the number of workers, which is what the wall clock comes to on free cores when the
workers are evenly loaded (the run has no I/O waits worth counting: the tree is in the page cache).

With ``--ref REV`` the auditor at git revision REV (its `cli/` taken out of git) is timed too, the
two alternating round by round so that both see the same load, and their findings are compared:
the run fails if they differ. Nothing is asserted about time: the figures depend on the machine,
and docs/performance.md records the ones measured with the machine and load they came from.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.audit.compare import extract_cli
from bench.audit.tree import generate

REPO = Path(__file__).resolve().parents[2]

# `scalefold check` as the console script runs it, plus a record of the CPU time of the process
# and of its (finished) worker processes, written at exit to the file the environment names.
_PROBE = """
import atexit, json, os, resource, sys
def _usage():
    main, workers = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    with open(os.environ["SCALEFOLD_BENCH_USAGE"], "w") as out:
        json.dump({"main": main.ru_utime + main.ru_stime, "workers": workers.ru_utime + workers.ru_stime}, out)
atexit.register(_usage)
sys.argv[0] = "scalefold"
from scalefold.cli import main
main()
"""


@dataclass(frozen=True)
class Round:
    label: str
    wall: float
    main_cpu: float
    worker_cpu: float
    load: float  # 1-minute load average just before the round
    exit_code: int
    findings: int
    files: int
    results: str  # the findings, as JSON, to compare versions

    @property
    def cpu(self) -> float:
        return self.main_cpu + self.worker_cpu

    @property
    def critical_path(self) -> float:
        """The wall clock on free cores: the main process, then the workers' share each."""
        return self.main_cpu + self.worker_cpu / _workers() if self.worker_cpu else self.main_cpu


def _workers() -> int:
    try:
        return max(1, min(len(os.sched_getaffinity(0)), 8))
    except AttributeError:
        return max(1, min(os.cpu_count() or 1, 8))


def timed_check(tree: Path, report: Path, extra: list[str], cli: Path, label: str = "") -> Round:
    """One `scalefold check` in a fresh process: wall and CPU time, and what it found."""
    usage = report.with_suffix(".usage.json")
    command = [sys.executable, "-c", _PROBE, "check", str(tree), "--format", "json"]
    command += ["--output", str(report), "--fail-on", "never", *extra]
    env = {**os.environ, "PYTHONPATH": str(cli), "SCALEFOLD_BENCH_USAGE": str(usage)}
    load = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    cpu = json.loads(usage.read_text(encoding="utf-8")) if usage.is_file() else {"main": 0.0, "workers": 0.0}
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        return Round(label, wall, cpu["main"], cpu["workers"], load, done.returncode, 0, 0, "")
    document = json.loads(report.read_text(encoding="utf-8"))
    results = json.dumps(document["results"], sort_keys=True)
    return Round(
        label,
        wall,
        cpu["main"],
        cpu["workers"],
        load,
        0,
        len(document["results"]),
        document["summary"]["files"],
        results,
    )


def summary(rounds: list[Round]) -> str:
    best = min(rounds, key=lambda r: r.wall)
    fastest = min(rounds, key=lambda r: r.critical_path)
    return (
        f"  best wall {best.wall:.2f} s (its CPU {best.cpu:.2f} s); "
        f"median wall {statistics.median(r.wall for r in rounds):.2f} s\n"
        f"  CPU: best {min(r.cpu for r in rounds):.2f} s, median {statistics.median(r.cpu for r in rounds):.2f} s "
        f"(main process median {statistics.median(r.main_cpu for r in rounds):.2f} s, "
        f"workers {statistics.median(r.worker_cpu for r in rounds):.2f} s)\n"
        f"  critical path on {_workers()} free cores: best {fastest.critical_path:.2f} s, "
        f"median {statistics.median(r.critical_path for r in rounds):.2f} s\n"
        f"  every round (wall/CPU/critical s @ load): "
        + ", ".join(f"{r.wall:.2f}/{r.cpu:.2f}/{r.critical_path:.2f} @ {r.load:.1f}" for r in rounds)
    )


def profile(tree: Path, top: int) -> None:
    """Run the audit once in this process under cProfile and print the most expensive functions."""
    sys.path.insert(0, str(REPO / "cli"))
    from scalefold.audit import AuditOptions, run_audit

    profiler = cProfile.Profile()
    profiler.enable()
    report = run_audit(tree, AuditOptions())
    profiler.disable()
    print(f"profiled one audit: {report.files} files, {len(report.findings)} findings")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time `scalefold check` on a synthetic monorepo.")
    parser.add_argument("--files", type=int, default=10_000, help="JS/TS source files (default 10000)")
    parser.add_argument("--rounds", type=int, default=5, help="timed runs (default 5); the best counts")
    parser.add_argument("--keep", type=Path, help="generate into DIR (reused when it already holds a tree)")
    parser.add_argument("--ref", help="also time the auditor at this git revision, alternating rounds")
    parser.add_argument("--profile", action="store_true", help="one run under cProfile instead of timing")
    parser.add_argument("--top", type=int, default=25, help="functions to list with --profile")
    parser.add_argument("check_args", nargs="*", help="extra arguments for scalefold check (after --)")
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="scalefold-audit-bench-"))
    tree = args.keep or scratch / "tree"
    try:
        if not (tree / "package.json").is_file():
            tree.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            sources = generate(tree, args.files)
            print(f"generated {sources} source files in {time.perf_counter() - started:.1f} s: {tree}")
        if args.profile:
            profile(tree, args.top)
            return 0
        versions = [("this tree", REPO / "cli")]
        if args.ref:
            versions.append((args.ref, extract_cli(args.ref, scratch / "ref")))
        rounds: dict[str, list[Round]] = {label: [] for label, _cli in versions}
        for index in range(args.rounds):
            # Alternate which version goes first, so neither always follows the other.
            for label, cli in versions if index % 2 == 0 else versions[::-1]:
                rounds[label].append(timed_check(tree, scratch / "report.json", args.check_args, cli, label))
        every = [r for runs in rounds.values() for r in runs]
        failed = [r for r in every if r.exit_code != 0]
        if failed:
            print(f"scalefold check failed (exit {failed[0].exit_code}, {failed[0].label})", file=sys.stderr)
            return 1
        first = every[0]
        print(
            f"scalefold check on {first.files} files ({args.files} sources), {first.findings} findings, "
            f"{os.cpu_count()} CPUs, {_workers()} usable, load average "
            f"{min(r.load for r in every):.1f}-{max(r.load for r in every):.1f} over the rounds:"
        )
        for label, runs in rounds.items():
            print(f"{label}, {len(runs)} rounds:\n{summary(runs)}")
        if len({r.results for r in every}) != 1:
            print(f"the findings differ between this tree and {args.ref}", file=sys.stderr)
            return 1
        if args.ref:
            print(f"findings identical to {args.ref} in every round")
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
