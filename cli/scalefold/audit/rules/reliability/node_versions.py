"""Node.js release lines, and the versions a project asks for (engines, .nvmrc).

Version ranges and version files are text in npm's semver syntax, read here with small patterns.
"""

from __future__ import annotations

import re
from datetime import date

from scalefold.audit.packages import NodePackage
from scalefold.audit.project import Project

# Node.js LTS lines: (LTS from, end of life). Source: the Node.js release schedule; add a line each October.
NODE_LTS: dict[int, tuple[date, date]] = {
    16: (date(2021, 10, 26), date(2023, 9, 11)),
    18: (date(2022, 10, 25), date(2025, 4, 30)),
    20: (date(2023, 10, 24), date(2026, 4, 30)),
    22: (date(2024, 10, 29), date(2027, 4, 30)),
    24: (date(2025, 10, 28), date(2028, 4, 30)),
    26: (date(2026, 10, 28), date(2029, 4, 30)),
}
LTS_CODENAMES = {"gallium": 16, "hydrogen": 18, "iron": 20, "jod": 22, "krypton": 24}
_VERSION_FILES = (".nvmrc", ".node-version")


def supported_lts(today: date) -> list[int]:
    return [major for major, (start, end) in sorted(NODE_LTS.items()) if start <= today < end]


def min_major(range_text: str) -> int | None:
    """The lowest Node.js major a semver range allows: `>=22.12` → 22, `^24` → 24, `22.x || 24.x` → 22."""
    lows: list[int] = []
    for alternative in range_text.split("||"):
        comparators = re.findall(r"(<=|>=|<|>|\^|~|=)?\s*v?(\d+)", alternative)
        bounds = [int(major) for op, major in comparators if op not in {"<", "<="}]
        if bounds:
            lows.append(bounds[0])
        elif comparators:
            return None  # only an upper bound: any old version is allowed
    return min(lows) if lows else None


def engines(pkg: NodePackage) -> tuple[str | None, int]:
    """(`engines.node` as written, its line) of a package."""
    value = pkg.data.get("engines")
    if isinstance(value, dict) and value.get("node") is not None:
        line = value.line_of("node") if hasattr(value, "line_of") else pkg.key_line("engines")
        return str(value["node"]), line
    return None, pkg.key_line("engines") if "engines" in pkg.data else 1


def lts_problem(major: int | None, today: date, what: str) -> str | None:
    supported = supported_lts(today)
    if major is None:
        return f"{what} does not name a Node.js major version"
    if major in supported:
        return None
    listed = " or ".join(str(m) for m in supported)
    if major in NODE_LTS and NODE_LTS[major][1] <= today:
        end = NODE_LTS[major][1].isoformat()
        return f"{what} allows Node.js {major}, which reached end of life on {end}: require {listed}"
    if major % 2 == 1:
        return f"{what} allows Node.js {major}, an odd (non-LTS) line: require {listed}"
    return f"{what} allows Node.js {major}, not an active LTS line: require {listed}"


def read_version_file(project: Project) -> tuple[str, str, int | None] | None:
    """(path, content, major) of the repository's .nvmrc/.node-version, if one exists."""
    for rel in _VERSION_FILES:
        if project.has(rel):
            lines = [
                line.strip()
                for line in project.lines(rel)
                if line.strip() and not line.strip().startswith("#")
            ]
            content = lines[0] if lines else ""
            lower = content.lower()
            if lower.startswith("lts/"):
                name = lower[4:]
                major = (
                    max(supported_lts(project.today) or [0])
                    if name in {"*", "latest"}
                    else LTS_CODENAMES.get(name)
                )
            else:
                match = re.match(r"v?(\d+)", content)
                major = int(match.group(1)) if match else None
            return rel, content, major
    return None
