"""Production settings of the generated service under test, and what the report says about them."""

from __future__ import annotations

import os

CORS_ORIGIN = "https://app.example.com"
# All the load comes from one client address: a real limit would answer 429 within a second. The
# limiter still runs (and counts) on every request, as in production.
RATE_LIMIT_MAX = 1_000_000_000
RATE_LIMIT_WINDOW_MS = 60_000
# Longer than a full run, so the token of the authenticated scenarios never expires mid-run.
JWT_EXPIRES_IN = "2h"
TRACE_SAMPLING_RATIO = 0.1


def minimal_env(node_env: dict[str, str]) -> dict[str, str]:
    """Only what a process needs to run: no variable of this shell (DATABASE_URL, OTEL_*) leaks in."""
    return {"PATH": node_env["PATH"], "HOME": os.environ.get("HOME", "/"), "LANG": "C.UTF-8"}


def generated_service_env(
    base: dict[str, str],
    *,
    port: int,
    database_url: str,
    jwt_secret: str,
    redis_url: str | None,
    key_prefix: str,
    otlp_endpoint: str | None,
    extra: dict[str, str],
) -> dict[str, str]:
    env = {
        **base,
        "NODE_ENV": "production",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "LOG_LEVEL": "info",
        "DATABASE_URL": database_url,
        # Migrations are applied once before the run (they are excluded from the cold start too).
        "MIGRATE_ON_START": "false",
        "JWT_SECRET": jwt_secret,
        "JWT_EXPIRES_IN": JWT_EXPIRES_IN,
        "CORS_ORIGINS": CORS_ORIGIN,
        "RATE_LIMIT_MAX": str(RATE_LIMIT_MAX),
        "RATE_LIMIT_WINDOW_MS": str(RATE_LIMIT_WINDOW_MS),
        "WEB_CONCURRENCY": "1",
        "REDIS_KEY_PREFIX": key_prefix,
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    if otlp_endpoint:
        env |= {
            "OTEL_EXPORTER_OTLP_ENDPOINT": otlp_endpoint,
            "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
            "OTEL_TRACES_SAMPLER_ARG": str(TRACE_SAMPLING_RATIO),
        }
    return env | extra


def describe_service_settings(redis_url: str | None, extra: dict[str, str]) -> str:
    parts = [
        "`NODE_ENV=production`, one process (`WEB_CONCURRENCY=1`), local PostgreSQL",
        "Redis for cache, rate limit and jobs"
        if redis_url
        else "in-memory cache, rate limit and job runner (`REDIS_URL` unset)",
        "`LOG_LEVEL=info` (one access-log line per request, to a file)",
        f"`RATE_LIMIT_MAX={RATE_LIMIT_MAX}` (one client sends all the load; "
        "the limiter still counts every request)",
    ]
    if extra:
        parts.append("extra: " + ", ".join(f"`{key}={value}`" for key, value in sorted(extra.items())))
    return "; ".join(parts)
