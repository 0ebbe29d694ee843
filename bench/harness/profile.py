"""Where the generated service spends its CPU: a summary of V8 CPU profiles (`node --cpu-prof`).

With `bench/run.py --cpu-prof`, the generated service runs under V8's sampling profiler and writes
a .cpuprofile when it stops; this module totals the self time per package and per function. The
service is bundled (`npm run build`, esbuild): a frame in dist/ is traced back through the bundle's
source map to the file it came from, so its package is still known.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

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


BASE64_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
BASE64 = {char: value for value, char in enumerate(BASE64_DIGITS)}


def _vlq_values(segment: str) -> list[int]:
    """The integers of one segment of a source map's `mappings` (base64 VLQ)."""
    values: list[int] = []
    value, shift = 0, 0
    for char in segment:
        digit = BASE64[char]
        value += (digit & 31) << shift
        if digit & 32:
            shift += 5
            continue
        values.append(-(value >> 1) if value & 1 else value >> 1)
        value, shift = 0, 0
    return values


@cache
def _source_map(script: str) -> tuple[list[str], list[list[tuple[int, int, int]]]] | None:
    """For a bundled file (`file://…/x.js` with `x.js.map` beside it): its sources, and for each
    generated line the (column, source index, source line) of each mapping, in column order."""
    if not script.startswith("file://"):
        return None
    map_file = Path(unquote(urlparse(script).path) + ".map")
    if not map_file.is_file():
        return None
    data = json.loads(map_file.read_text())
    sources = [(map_file.parent / source).resolve().as_posix() for source in data["sources"]]
    lines: list[list[tuple[int, int, int]]] = []
    source, source_line = 0, 0
    for line in data["mappings"].split(";"):
        column, mapped = 0, list[tuple[int, int, int]]()
        for segment in filter(None, line.split(",")):
            values = _vlq_values(segment)
            column += values[0]
            if len(values) >= 4:
                source += values[1]
                source_line += values[2]
                mapped.append((column, source, source_line))
        lines.append(mapped)
    return sources, lines


def _original(url: str, line: int, column: int) -> tuple[str, int]:
    """Where a frame's code came from: (file URL or path, 0-based line), through the source map if any."""
    found = _source_map(url)
    if found is None or line < 0 or line >= len(found[1]):
        return url, line
    sources, lines = found
    best: tuple[int, int, int] | None = None
    for mapping in lines[line]:
        if mapping[0] > column:
            break
        best = mapping
    if best is None:
        return url, line
    return sources[best[1]], best[2]


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
        name = frame.get("functionName") or "(anonymous)"
        url, line = _original(frame.get("url", ""), frame.get("lineNumber", 0), frame.get("columnNumber", 0))
        packages[_package(url, name)] += micros
        where = url.rsplit("/", 1)[-1] if url else ""
        functions[f"{name} {where}:{line + 1}" if where else name] += micros
    busy = sum(
        micros for node_id, micros in self_us.items() if nodes[node_id].get("functionName") != "(idle)"
    )
    return ProfileSummary(
        path,
        busy / 1000,
        [(name, micros / 1000) for name, micros in packages.most_common(top) if name != "(idle)"],
        [(name, micros / 1000) for name, micros in functions.most_common(top) if name != "(idle)"],
    )
