"""Whether the Node.js on PATH can run a generated project, by its ``package.json`` ``engines``.

npm only warns about ``engines`` deep in its install output (or not at all, at ``--loglevel=error``), so
``scalefold new`` says it itself, before ``npm install``. Only the range's lower bound is read, in the
forms npm documents (``>=22``, ``>=22.12.0``, ``^22.12.0``, ``~22.12``, ``22.x``, alternatives joined
with ``||``); a range in another form is not judged, so the warning is never a false alarm.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

Version = tuple[int, int, int]

_LOWER_BOUND = re.compile(r"^(?:>=|\^|~|=)?v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$")


def minimum_version(engines_range: str) -> Version | None:
    """The lowest version ``engines_range`` accepts, or ``None`` when its form is not understood."""
    lowest: Version | None = None
    for alternative in engines_range.split("||"):
        bounds = [_lower_bound(part) for part in alternative.split() if not part.startswith("<")]
        if not bounds or None in bounds:
            return None
        bound = max(bound for bound in bounds if bound is not None)
        lowest = bound if lowest is None else min(lowest, bound)
    return lowest


def _lower_bound(comparator: str) -> Version | None:
    match = _LOWER_BOUND.match(comparator.strip())
    if not match:
        return None
    return tuple(int(part) if part and part.isdigit() else 0 for part in match.groups())  # type: ignore[return-value]


def installed_node() -> tuple[str, Version] | None:
    """``node --version`` of the node on PATH (``v24.1.0`` → (24, 1, 0)), or ``None`` without one."""
    node = shutil.which("node")
    if node is None:
        return None
    try:
        shown = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.match(r"^v(\d+)\.(\d+)\.(\d+)", shown)
    return (shown, (int(match[1]), int(match[2]), int(match[3]))) if match else None


def engines_warning(project: Path) -> str | None:
    """What to tell the user when the node on PATH is older than ``project``'s ``engines.node``."""
    try:
        engines = json.loads((project / "package.json").read_text(encoding="utf-8")).get("engines") or {}
    except (OSError, ValueError, AttributeError):
        return None
    wanted = engines.get("node") if isinstance(engines, dict) else None
    minimum = minimum_version(wanted) if isinstance(wanted, str) else None
    found = installed_node() if minimum is not None else None
    if minimum is None or found is None or found[1] >= minimum:
        return None
    shown, _version = found
    return (
        f"Node.js {shown} on PATH is older than this project needs (package.json engines: node {wanted}); "
        f"install Node.js {minimum[0]} or later before running it"
    )
