"""Time `scalefold check` on the synthetic 10,000-file monorepo.

    .venv/bin/python -m bench.audit.run                  # generate, then 5 timed runs
    .venv/bin/python -m bench.audit.run --rounds 10 --keep /tmp/tree
    .venv/bin/python -m bench.audit.run --profile        # one run under cProfile, top functions

Each round runs `python -m scalefold check TREE --format json` in a fresh process, as a user or CI
would, and measures its wall-clock time and its CPU time (user + system of the process and of every
worker process it started). The best round is the figure (the machine's noise only ever adds time);
the median is printed beside it. Nothing is asserted: the figures depend on the machine, and
docs/performance.md records the ones measured for a release with the machine they came from.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.audit.tree import generate

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Round:
    wall: float
    cpu: float
    exit_code: int
    findings: int
    files: int


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_check(tree: Path, report: Path, extra: list[str]) -> Round:
    """One `scalefold check` in a fresh process: wall and CPU time, and what it found."""
    command = [sys.executable, "-m", "scalefold", "check", str(tree), "--format", "json"]
    command += ["--output", str(report), "--fail-on", "never", *extra]
    cpu_before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        return Round(wall, cpu, done.returncode, 0, 0)
    document = json.loads(report.read_text(encoding="utf-8"))
    return Round(wall, cpu, 0, len(document["results"]), document["summary"]["files"])


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
    parser.add_argument("--profile", action="store_true", help="one run under cProfile instead of timing")
    parser.add_argument("--top", type=int, default=25, help="functions to list with --profile")
    parser.add_argument("check_args", nargs="*", help="extra arguments for scalefold check (after --)")
    args = parser.parse_args(argv)

    scratch = None
    tree = args.keep
    if tree is None:
        scratch = Path(tempfile.mkdtemp(prefix="scalefold-audit-bench-"))
        tree = scratch / "tree"
    try:
        if not (tree / "package.json").is_file():
            tree.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            sources = generate(tree, args.files)
            print(f"generated {sources} source files in {time.perf_counter() - started:.1f} s: {tree}")
        if args.profile:
            profile(tree, args.top)
            return 0
        report = (scratch or Path(tempfile.mkdtemp(prefix="scalefold-audit-bench-"))) / "report.json"
        load = os.getloadavg()[0]
        rounds = [timed_check(tree, report, args.check_args) for _ in range(args.rounds)]
        failed = [r for r in rounds if r.exit_code != 0]
        if failed:
            print(f"scalefold check failed (exit {failed[0].exit_code})", file=sys.stderr)
            return 1
        best = min(rounds, key=lambda r: r.wall)
        print(
            f"scalefold check on {best.files} files ({args.files} sources), {best.findings} findings, "
            f"{os.cpu_count()} CPUs, load average {load:.1f} before the first round:\n"
            f"  best of {len(rounds)}: {best.wall:.2f} s wall, {best.cpu:.2f} s CPU\n"
            f"  median:     {statistics.median(r.wall for r in rounds):.2f} s wall, "
            f"{statistics.median(r.cpu for r in rounds):.2f} s CPU\n"
            f"  every round (wall/CPU s): " + ", ".join(f"{r.wall:.2f}/{r.cpu:.2f}" for r in rounds)
        )
        return 0
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
