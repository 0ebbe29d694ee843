"""The reference servers (bench/references/): bare node:http and Express 5, on the same routes and bodies."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from harness.environment import CORS_ORIGIN, RATE_LIMIT_MAX, RATE_LIMIT_WINDOW_MS
from harness.servers import ServerProcess

REFERENCES_DIR = Path(__file__).resolve().parents[1] / "references"
ENTRY_POINTS = {"bare": "bare.mjs", "express": "express.mjs"}


@dataclass(frozen=True)
class ReferenceRoute:
    method: str
    pattern: str  # Express route pattern: /v1/orders/:id
    path: str  # the concrete URL the load generator requests
    body: str  # the generated service's response body, byte for byte
    auth: bool
    probe: bool
    cached: bool
    cacheControl: str | None  # noqa: N815 (read as JSON by the JavaScript servers)


@dataclass(frozen=True)
class Jwt:
    secret: str
    issuer: str
    audience: str
    subject: str


def write_spec(
    path: Path, *, port: int, routes: list[ReferenceRoute], jwt: Jwt, redis_url: str | None, key_prefix: str
) -> None:
    spec: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "routes": [asdict(route) for route in routes],
        "jwt": asdict(jwt),
        "corsOrigins": [CORS_ORIGIN],
        "rateLimit": {"max": RATE_LIMIT_MAX, "windowMs": RATE_LIMIT_WINDOW_MS},
        "redis": {"url": redis_url, "keyPrefix": key_prefix} if redis_url else None,
    }
    path.write_text(json.dumps(spec, indent=2))


def reference_server(
    kind: str, spec: Path, node: Path, env: dict[str, str], port: int, cores: frozenset[int] | None, log: Path
) -> ServerProcess:
    return ServerProcess(
        kind,
        [str(node), str(REFERENCES_DIR / ENTRY_POINTS[kind]), str(spec)],
        REFERENCES_DIR,
        {**env, "NODE_ENV": "production"},
        log,
        "127.0.0.1",
        port,
        cores,
    )
