"""Where the generated service spends its CPU: a summary of V8 CPU profiles (`node --cpu-prof`).

With `bench/run.py --cpu-prof`, the generated service runs under V8's sampling profiler and writes
a .cpuprofile when it stops; this module totals the self time per package and per function.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

PACKAGE = re.compile(r"node_modules/((?:@[^/]+/)?[^/]+)/")
# Samples that are not JavaScript at all.
NOT_CODE = {"(idle)", "(program)", "(garbage collector)", "(root)"}


@dataclass(frozen=True)
class ProfileSummary:
    path: Path
    total_ms: float
    by_package: list[tuple[str, float]]
    by_function: list[tuple[str, float]]

    def to_dict(self, root: Path) -> dict[str, object]:
        return {
            "file": self.path.relative_to(root).as_posix(),
            "busy_ms": round(self.total_ms, 1),
            "by_package_ms": {name: round(ms, 1) for name, ms in self.by_package},
            "by_function_ms": {name: round(ms, 1) for name, ms in self.by_function},
        }


def _package(url: str, function: str) -> str:
    if not url:
        return function if function in NOT_CODE else "(native)"
    if url.startswith("node:"):
        return "node: (built-in modules)"
    found = PACKAGE.findall(url)
    return found[-1] if found else "the service's own code"


def summarize(path: Path, top: int = 15) -> ProfileSummary:
    profile = json.loads(path.read_text())
    nodes = {node["id"]: node["callFrame"] for node in profile["nodes"]}
    self_us: Counter[int] = Counter()
    for node_id, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        self_us[node_id] += delta
    packages: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    for node_id, micros in self_us.items():
        frame = nodes[node_id]
        url, name = frame.get("url", ""), frame.get("functionName") or "(anonymous)"
        packages[_package(url, name)] += micros
        where = url.rsplit("/", 1)[-1] if url else ""
        functions[f"{name} {where}:{frame.get('lineNumber', 0) + 1}" if where else name] += micros
    busy = sum(
        micros for node_id, micros in self_us.items() if nodes[node_id].get("functionName") != "(idle)"
    )
    return ProfileSummary(
        path,
        busy / 1000,
        [(name, micros / 1000) for name, micros in packages.most_common(top) if name != "(idle)"],
        [(name, micros / 1000) for name, micros in functions.most_common(top) if name != "(idle)"],
    )
