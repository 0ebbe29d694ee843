"""Benchmark `scalefold check` on a synthetic repository of 10,000 TypeScript source files.

    .venv/bin/python bench/audit_bench.py [--files 10000] [--jobs N] [--keep DIR]

Generates a layered Fastify monolith (500 feature modules of 20 files: routes, services,
repositories, schemas, helpers) plus a Dockerfile, a workflow and Kubernetes manifests, then runs
the whole catalogue once (as `scalefold check` does) and prints the wall-clock time. Not a test:
the figure depends on the machine; docs/auditor.md records the one measured for each release.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))

from scalefold.audit import AuditOptions, run_audit

FILES_PER_MODULE = 20

ROUTES = """\
import {{ Type }} from '@sinclair/typebox';
import type {{ FastifyInstance }} from 'fastify';
import type {{ {Name}Service }} from './{name}.service.js';

const ListQuery = Type.Object({{
  limit: Type.Integer({{ minimum: 1, maximum: 100, default: 20 }}),
  cursor: Type.Optional(Type.String()),
}});
const Create{Name} = Type.Object({{ title: Type.String({{ maxLength: 200 }}), amount: Type.Integer() }});

export async function {name}Routes(app: FastifyInstance, service: {Name}Service): Promise<void> {{
  app.get('/v1/{name}', {{ schema: {{ querystring: ListQuery }} }}, async (request) => {{
    const {{ limit, cursor }} = request.query as {{ limit: number; cursor?: string }};
    return service.list(limit, cursor);
  }});
  app.get('/v1/{name}/:id', async (request, reply) => {{
    const item = await service.get((request.params as {{ id: string }}).id);
    if (!item) return reply.code(404).send({{ error: 'Not Found' }});
    reply.header('cache-control', 'private, max-age=5');
    return item;
  }});
  app.post('/v1/{name}', {{ schema: {{ body: Create{Name} }} }}, async (request, reply) => {{
    reply.code(201);
    return service.create(request.body as {{ title: string; amount: number }});
  }});
}}
"""

SERVICE = """\
import type {{ {Name}Repository, {Name}Row }} from './{name}.repository.js';
import {{ slugify, clamp }} from './{name}.helpers.js';

export class {Name}NotFound extends Error {{
  constructor(readonly id: string) {{
    super(`{name} ${{id}} not found`);
  }}
}}

export class {Name}Service {{
  constructor(private readonly repository: {Name}Repository) {{}}

  list(limit: number, cursor?: string): Promise<{Name}Row[]> {{
    return this.repository.list(clamp(limit, 1, 100), cursor);
  }}

  async get(id: string): Promise<{Name}Row | undefined> {{
    return this.repository.find(id);
  }}

  async create(input: {{ title: string; amount: number }}): Promise<{Name}Row> {{
    if (input.amount < 0) throw new RangeError('amount must be positive');
    return this.repository.insert({{ ...input, slug: slugify(input.title) }});
  }}
}}
"""

REPOSITORY = """\
import type pg from 'pg';

export interface {Name}Row {{
  id: string;
  title: string;
  slug: string;
  amount: number;
}}

export class {Name}Repository {{
  constructor(private readonly pool: pg.Pool) {{}}

  async list(limit: number, cursor?: string): Promise<{Name}Row[]> {{
    const result = await this.pool.query<{Name}Row>(
      'SELECT id, title, slug, amount FROM {name} WHERE ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $1',
      [limit, cursor ?? null],
    );
    return result.rows;
  }}

  async find(id: string): Promise<{Name}Row | undefined> {{
    const sql = 'SELECT id, title, slug, amount FROM {name} WHERE id = $1';
    const result = await this.pool.query<{Name}Row>(sql, [id]);
    return result.rows[0];
  }}

  async insert(row: Omit<{Name}Row, 'id'>): Promise<{Name}Row> {{
    const result = await this.pool.query<{Name}Row>(
      'INSERT INTO {name} (title, slug, amount) VALUES ($1, $2, $3) RETURNING id, title, slug, amount',
      [row.title, row.slug, row.amount],
    );
    return result.rows[0];
  }}
}}
"""

HELPERS = """\
const SLUG = /[^a-z0-9]+/g;
const TRIM = /^-+|-+$/g;

export function slugify(title: string): string {{
  return title.toLowerCase().replace(SLUG, '-').replace(TRIM, '');
}}

export function clamp(value: number, min: number, max: number): number {{
  return Math.min(Math.max(value, min), max);
}}

export const {name}Limits = {{ maxTitle: 200, maxAmount: 1_000_000 }};
"""

EXTRA = """\
import {{ {name}Limits }} from './{name}.helpers.js';
{import_previous}
export interface {Name}Part{index}Options {{
  readonly enabled: boolean;
  readonly weight: number;
}}

export function describe{Name}Part{index}(options: {Name}Part{index}Options): string {{
  const parts: string[] = [];
  for (let i = 0; i < options.weight; i += 1) {{
    parts.push(`part-${{i}}`);
  }}
  if (!options.enabled) {{
    return 'disabled';
  }}
  return parts.join(',') + String({name}Limits.maxTitle);
}}

export async function load{Name}Part{index}(fetcher: (id: string) => Promise<unknown>): Promise<unknown[]> {{
  const ids = ['a', 'b', 'c'];
  return Promise.all(ids.map((id) => fetcher(id)));
}}
"""

SUPPORT_FILES = {
    "package.json": """{
  "name": "bench-monolith",
  "private": true,
  "type": "module",
  "engines": { "node": ">=24" },
  "scripts": {
    "build": "tsc",
    "start": "node --import ./dist/telemetry.js dist/server.js",
    "test": "node --test"
  },
  "dependencies": { "fastify": "^5.0.0", "@fastify/helmet": "^13.0.0", "@fastify/cors": "^11.0.0",
    "@fastify/rate-limit": "^10.0.0", "pg": "^8.13.0", "pino": "^9.0.0", "prom-client": "^15.0.0",
    "ioredis": "^5.0.0" }
}
""",
    "package-lock.json": '{ "name": "bench-monolith", "lockfileVersion": 3, "packages": {} }\n',
    ".nvmrc": "24\n",
    ".dockerignore": "node_modules\n.git\n.env\n",
    "Dockerfile": """FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev
FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
HEALTHCHECK CMD ["node", "dist/healthcheck.js"]
CMD ["node", "dist/server.js"]
""",
    ".github/workflows/ci.yml": """name: ci
on: { push: { branches: [main] }, pull_request: {} }
permissions: { contents: read }
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci && npm audit --audit-level=high && npm run build && npm test
""",
    ".github/dependabot.yml": "version: 2\nupdates: []\n",
}


def generate(root: Path, files: int) -> int:
    written = 0
    modules = max(1, files // FILES_PER_MODULE)
    for number in range(modules):
        name = f"mod{number:04d}"
        title = name.capitalize()
        folder = root / "src" / "modules" / name
        folder.mkdir(parents=True, exist_ok=True)
        values = {"name": name, "Name": title}
        bodies = {
            f"{name}.routes.ts": ROUTES.format(**values),
            f"{name}.service.ts": SERVICE.format(**values),
            f"{name}.repository.ts": REPOSITORY.format(**values),
            f"{name}.helpers.ts": HELPERS.format(**values),
        }
        for index in range(FILES_PER_MODULE - len(bodies)):
            previous = (
                f"import {{ describe{title}Part{index - 1} }} from './{name}.part{index - 1}.js';\n"
                if index
                else ""
            )
            bodies[f"{name}.part{index}.ts"] = EXTRA.format(index=index, import_previous=previous, **values)
        for file_name, body in bodies.items():
            if written >= files:
                break
            (folder / file_name).write_text(body)
            written += 1
    for rel, text in SUPPORT_FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000, help="number of source files (default 10000)")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    parser.add_argument("--repeat", type=int, default=1, help="run the audit N times and report the median")
    parser.add_argument("--keep", type=Path, default=None, help="generate into DIR and keep it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="scalefold-bench-"))
    try:
        if root.exists() and any(root.iterdir()):
            shutil.rmtree(root)
        root.mkdir(parents=True, exist_ok=True)
        count = generate(root, args.files)
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            report = run_audit(root, AuditOptions(jobs=args.jobs))
            timings.append(time.perf_counter() - started)
        seconds = statistics.median(timings)
        counts = report.counts()
        runs = f" (median of {args.repeat}, best {min(timings):.2f} s)" if args.repeat > 1 else ""
        print(
            f"audited {count} source files ({report.files} files in all) in {seconds:.2f} s{runs} "
            f"on {os.cpu_count()} CPU(s): score {report.overall.score if report.overall else 'n/a'}, "
            f"{counts['error']} errors, {counts['warning']} warnings, {counts['note']} notes"
        )
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
