"""Timings of scalefold itself: `scalefold new --no-install` and `scalefold check`."""

from __future__ import annotations

import shutil
import statistics
from pathlib import Path
from typing import Any

from harness.project import scalefold_check, scalefold_new


def time_scalefold_new(workdir: Path, env: dict[str, str], repeats: int) -> dict[str, Any]:
    samples = []
    for index in range(repeats):
        destination = workdir / f"new-{index}"
        shutil.rmtree(destination, ignore_errors=True)
        samples.append(
            scalefold_new(destination, env, workdir / "logs" / "scalefold-new-timed.log", install=False)
        )
        shutil.rmtree(destination, ignore_errors=True)
    return {
        "status": "ok",
        "median_s": round(statistics.median(samples), 3),
        "samples_s": [round(sample, 3) for sample in samples],
    }


def time_scalefold_check(project: Path, workdir: Path, env: dict[str, str], repeats: int) -> dict[str, Any]:
    runs = [scalefold_check(project, env, workdir / "check.json") for _ in range(repeats)]
    return {
        "status": "ok",
        "median_s": round(statistics.median(run.seconds for run in runs), 3),
        "samples_s": [round(run.seconds, 3) for run in runs],
        "exit_code": runs[-1].exit_code,
        "findings": runs[-1].findings,
    }
