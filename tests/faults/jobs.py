"""What a generated project queued in BullMQ, read from Redis with the project's own ioredis."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from tests.support.project import run

_SCRIPT = """
import { Redis } from 'ioredis';
const redis = new Redis(process.env.REDIS_URL);
const queue = `${process.env.PREFIX}:jobs:${process.env.QUEUE}`;
const ids = [];
const stream = redis.scanStream({ match: `${queue}:${process.env.JOB_PREFIX}*`, count: 1000 });
for await (const keys of stream) for (const key of keys) ids.push(key.slice(queue.length + 1));
const waiting = await redis.lrange(`${queue}:wait`, 0, -1);
await redis.quit();
console.log(JSON.stringify({ ids, waiting }));
"""


def queued_jobs(workspace: Path, env: dict[str, str], redis_url: str, prefix: str, queue: str,
                job_prefix: str) -> tuple[Counter[str], Counter[str]]:
    """The ids of the jobs stored in `queue` whose id starts with `job_prefix`, and of those waiting
    to run, each with how many times it is there."""
    result = run(["node", "--input-type=module", "-e", _SCRIPT], workspace,
                 {**env, "REDIS_URL": redis_url, "PREFIX": prefix, "QUEUE": queue, "JOB_PREFIX": job_prefix})
    found = json.loads(result.stdout)
    return Counter(found["ids"]), Counter(found["waiting"])
