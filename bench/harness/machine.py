"""A description of the machine the figures come from."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path


def _first(path: str, prefix: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return (
                    line.split(":", 1)[1].strip() if ":" in line else line.split("=", 1)[1].strip().strip('"')
                )
    except OSError:
        pass
    return "unknown"


def describe_machine(node: Path) -> dict[str, object]:
    memory_kb = _first("/proc/meminfo", "MemTotal").split()[0]
    node_version = subprocess.run(
        [str(node), "--version"], capture_output=True, text=True, timeout=30
    ).stdout.strip()
    return {
        "cpu": _first("/proc/cpuinfo", "model name"),
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory_kb) / 1024 / 1024, 1) if memory_kb.isdigit() else None,
        "os": _first("/etc/os-release", "PRETTY_NAME="),
        "kernel": platform.release(),
        "node": node_version,
        "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
    }
