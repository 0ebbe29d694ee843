"""A deterministic synthetic monorepo for benchmarking `scalefold check`.

`generate(root, files=10_000)` writes an npm-workspaces monorepo with exactly ``files``
JavaScript/TypeScript source files: services on Fastify, Express, NestJS and Koa (TypeScript and
JavaScript), forty shared library packages, a React front end, unit tests beside the code, and the
delivery files a real repository carries (a Dockerfile, `.dockerignore` and Kubernetes manifests per
service, GitHub Actions workflows, Dependabot, lockfiles). The same arguments always give the same
bytes: names and variations come from a seeded random generator, never from the clock.

The code is ordinary backend code of realistic size (1–4 KiB a file: routes with schemas, services,
repositories with SQL, helpers with regular expressions, types, tests) with the occasional problem a
real tree has (a `console.log`, a synchronous read in a handler, an import cycle), so the rules have
something to report and every code path of the auditor runs.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SEED = 20_260_601
JS_SUFFIXES = (".ts", ".tsx", ".js", ".mjs", ".cjs", ".mts", ".cts", ".jsx")

# One feature module of a service: the files it is made of, in order.


@dataclass(frozen=True)
class Service:
    name: str
    framework: str  # fastify | express | nestjs | koa
    language: str  # ts | js

    @property
    def ext(self) -> str:
        return ".ts" if self.language == "ts" else ".js"

    @property
    def dir(self) -> str:
        return f"services/{self.name}"


SERVICES = (
    Service("gateway", "fastify", "ts"),
    Service("orders", "fastify", "ts"),
    Service("billing", "express", "js"),
    Service("catalog", "nestjs", "ts"),
    Service("inventory", "koa", "ts"),
    Service("shipping", "fastify", "ts"),
    Service("accounts", "express", "ts"),
    Service("search", "fastify", "js"),
)
# Shared packages: a large monorepo has dozens (each is a package.json the auditor must place files in).
LIBRARIES = ("contracts", "logging", "config", "errors", "testing", "http-client") + tuple(
    f"domain-{index:02d}" for index in range(34)
)
WORDS = [
    "order",
    "item",
    "price",
    "stock",
    "parcel",
    "invoice",
    "refund",
    "account",
    "session",
    "token",
    "quote",
    "cart",
    "label",
    "carrier",
    "route",
    "zone",
    "slot",
    "batch",
    "ledger",
    "coupon",
    "review",
    "rating",
    "address",
    "contact",
    "report",
    "export",
    "import",
    "audit",
    "metric",
    "alert",
    "policy",
    "rule",
    "tenant",
    "plan",
    "usage",
    "limit",
    "promo",
    "voucher",
    "bundle",
    "variant",
    "asset",
    "upload",
]


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("-", "_").split("_"))


def _camel(name: str) -> str:
    pascal = _pascal(name)
    return pascal[0].lower() + pascal[1:]


# --------------------------------------------------------------------------- source templates

FASTIFY_ROUTES = """\
import {{ Type«, type Static» }} from '@sinclair/typebox';
«import type {{ FastifyInstance }} from 'fastify';
import type {{ {Name}Service }} from './{name}.service.js';
»import {{ {Name}Params, Create{Name}Body, {Name}List }} from './{name}.schemas.js';

const ListQuery = Type.Object({{
  limit: Type.Integer({{ minimum: 1, maximum: 100, default: 20 }}),
  cursor: Type.Optional(Type.String({{ maxLength: 64 }})),
}});
«type ListQuery = Static<typeof ListQuery>;
»
/**
 * HTTP routes of the {name} module. Each handler translates HTTP to one service call and back;
 * errors are domain errors mapped to status codes by the central error handler.
 */
export async function {camel}Routes(app«: FastifyInstance», service«: {Name}Service»)«: Promise<void>» {{
  app.get('/v1/{name}', {{ schema: {{ querystring: ListQuery, response: {{ 200: {Name}List }} }} }}, async (request) => {{
    const {{ limit, cursor }} = request.query« as ListQuery»;
    return service.list(limit, cursor);
  }});

  app.get('/v1/{name}/:id', {{ schema: {{ params: {Name}Params }} }}, async (request, reply) => {{
    const item = await service.get((request.params« as {{ id: string }}»).id);
    if (!item) {{
      return reply.code(404).send({{ error: 'Not Found' }});
    }}
    reply.header('cache-control', 'private, max-age={ttl}');
    return item;
  }});

  app.post('/v1/{name}', {{ schema: {{ body: Create{Name}Body }} }}, async (request, reply) => {{
    const created = await service.create(request.body« as Static<typeof Create{Name}Body>»);
    reply.code(201).header('location', `/v1/{name}/${{created.id}}`);
    return created;
  }});

  app.delete('/v1/{name}/:id', {{ schema: {{ params: {Name}Params }} }}, async (request, reply) => {{
    await service.remove((request.params« as {{ id: string }}»).id);
    return reply.code(204).send();
  }});
{extra}}}
"""

EXPRESS_ROUTES = """\
'use strict';

const {{ Router }} = require('express');
const {{ validate }} = require('../../middleware/validate');
const {{ {camel}Schema, {camel}Query }} = require('./{name}.schemas');

/**
 * Express router of the {name} module: validation middleware first, then one service call.
 */
function {camel}Router(service) {{
  const router = Router();

  router.get('/', validate({camel}Query, 'query'), async (req, res, next) => {{
    try {{
      const {{ limit = 20, cursor }} = req.query;
      res.json(await service.list(Number(limit), cursor));
    }} catch (error) {{
      next(error);
    }}
  }});

  router.get('/:id', async (req, res, next) => {{
    try {{
      const item = await service.get(req.params.id);
      if (!item) return res.status(404).json({{ error: 'Not Found' }});
      res.set('cache-control', 'private, max-age={ttl}').json(item);
    }} catch (error) {{
      next(error);
    }}
  }});

  router.post('/', validate({camel}Schema), async (req, res, next) => {{
    try {{
      res.status(201).json(await service.create(req.body));
    }} catch (error) {{
      next(error);
    }}
  }});
{extra}
  return router;
}}

module.exports = {{ {camel}Router }};
"""

NEST_CONTROLLER = """\
import {{ Body, Controller, Delete, Get, HttpCode, Param, Post, Query }} from '@nestjs/common';
import {{ {Name}Service }} from './{name}.service';
import type {{ Create{Name}Dto, List{Name}Query }} from './{name}.types';

/** REST controller of the {name} module; validation runs in the global ValidationPipe. */
@Controller('v1/{name}')
export class {Name}Controller {{
  constructor(private readonly service: {Name}Service) {{}}

  @Get()
  list(@Query() query: List{Name}Query) {{
    return this.service.list(query.limit ?? 20, query.cursor);
  }}

  @Get(':id')
  get(@Param('id') id: string) {{
    return this.service.get(id);
  }}

  @Post()
  create(@Body() body: Create{Name}Dto) {{
    return this.service.create(body);
  }}

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id') id: string) {{
    return this.service.remove(id);
  }}
{extra}}}
"""

KOA_ROUTES = """\
import Router from '@koa/router';
import {{ z }} from 'zod';
import type {{ {Name}Service }} from './{name}.service.js';

const Create{Name} = z.object({{ title: z.string().max(200), amount: z.number().int().nonnegative() }});
const ListQuery = z.object({{ limit: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().optional() }});

/** Koa router of the {name} module; bodies are parsed with zod before the service sees them. */
export function {camel}Router(service: {Name}Service): Router {{
  const router = new Router({{ prefix: '/v1/{name}' }});

  router.get('/', async (ctx) => {{
    const {{ limit, cursor }} = ListQuery.parse(ctx.query);
    ctx.body = await service.list(limit, cursor);
  }});

  router.get('/:id', async (ctx) => {{
    const item = await service.get(ctx.params.id);
    if (!item) ctx.throw(404);
    ctx.set('cache-control', 'private, max-age={ttl}');
    ctx.body = item;
  }});

  router.post('/', async (ctx) => {{
    ctx.status = 201;
    ctx.body = await service.create(Create{Name}.parse(ctx.request.body));
  }});
{extra}
  return router;
}}
"""

SERVICE = """\
«import type {{ {Name}Repository, {Name}Row }} from './{name}.repository{imp}';
»import {{ slugify, clamp, {camel}Limits }} from './{name}.helpers{imp}';
import {{ to{Name}View«, type {Name}View» }} from './{name}.mapper{imp}';
«import type {{ {Name}Events }} from './{name}.events{imp}';»⟦/** @typedef {{import('./{name}.events{imp}').{Name}Events}} {Name}Events */⟧
{cross_import}
export class {Name}NotFound extends Error {{
  constructor(«readonly »id«: string») {{
    super(`{name} ${{id}} not found`);
    this.name = '{Name}NotFound';⟦
    this.id = id;⟧
  }}
}}

export class {Name}Invalid extends Error {{
  constructor(«readonly »field«: string», reason«: string») {{
    super(`{name}.${{field}}: ${{reason}}`);
    this.name = '{Name}Invalid';⟦
    this.field = field;⟧
  }}
}}

/**
 * Business rules of the {name} module. Takes plain values, throws domain errors, and never
 * knows about HTTP: the same service runs behind the API, the worker and the CLI.
 */
export class {Name}Service {{
  constructor(
    «private readonly »repository«: {Name}Repository»,
    «private readonly »events«: {Name}Events»,
  ) {{⟦
    this.repository = repository;
    this.events = events;
  ⟧}}

  async list(limit«: number», cursor«?: string»)«: Promise<{Name}View[]>» {{
    const rows = await this.repository.list(clamp(limit, 1, 100), cursor);
    return rows.map(to{Name}View);
  }}

  async get(id«: string»)«: Promise<{Name}View | undefined>» {{
    const row = await this.repository.find(id);
    return row ? to{Name}View(row) : undefined;
  }}

  async create(input«: {{ title: string; amount: number }}»)«: Promise<{Name}View>» {{
    if (input.title.length > {camel}Limits.maxTitle) {{
      throw new {Name}Invalid('title', `longer than ${{{camel}Limits.maxTitle}} characters`);
    }}
    if (input.amount < 0 || input.amount > {camel}Limits.maxAmount) {{
      throw new {Name}Invalid('amount', 'out of range');
    }}
    const row«: {Name}Row» = await this.repository.insert({{ ...input, slug: slugify(input.title) }});
    await this.events.created(row.id, row.amount);
    return to{Name}View(row);
  }}

  async remove(id«: string»)«: Promise<void>» {{
    const removed = await this.repository.delete(id);
    if (!removed) {{
      throw new {Name}NotFound(id);
    }}
    await this.events.removed(id);
  }}
{extra}}}
"""

REPOSITORY = """\
«import type pg from 'pg';

export interface {Name}Row {{
  id: string;
  title: string;
  slug: string;
  amount: number;
  createdAt: Date;
}}

»const COLUMNS = 'id, title, slug, amount, created_at AS "createdAt"';

/** Data access of the {name} module: SQL and nothing else. */
export class {Name}Repository {{
  constructor(«private readonly »pool«: pg.Pool») {{⟦
    this.pool = pool;
  ⟧}}

  async list(limit«: number», cursor«?: string»)«: Promise<{Name}Row[]>» {{
    const result = await this.pool.query«<{Name}Row>»(
      `SELECT ${{COLUMNS}} FROM {table} WHERE ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $1`,
      [limit, cursor ?? null],
    );
    return result.rows;
  }}

  async find(id«: string»)«: Promise<{Name}Row | undefined>» {{
    const result = await this.pool.query«<{Name}Row>»(`SELECT ${{COLUMNS}} FROM {table} WHERE id = $1`, [id]);
    return result.rows[0];
  }}

  async insert(row«: Pick<{Name}Row, 'title' | 'slug' | 'amount'>»)«: Promise<{Name}Row>» {{
    const result = await this.pool.query«<{Name}Row>»(
      `INSERT INTO {table} (title, slug, amount) VALUES ($1, $2, $3) RETURNING ${{COLUMNS}}`,
      [row.title, row.slug, row.amount],
    );
    return result.rows[0];
  }}

  async delete(id«: string»)«: Promise<boolean>» {{
    const result = await this.pool.query('DELETE FROM {table} WHERE id = $1', [id]);
    return (result.rowCount ?? 0) > 0;
  }}
{extra}}}
"""

SCHEMAS = """\
import {{ Type }} from '@sinclair/typebox';

export const {Name}Params = Type.Object({{ id: Type.String({{ format: 'uuid' }}) }});

export const Create{Name}Body = Type.Object(
  {{
    title: Type.String({{ minLength: 1, maxLength: 200 }}),
    amount: Type.Integer({{ minimum: 0, maximum: 1_000_000 }}),
{fields}  }},
  {{ additionalProperties: false }},
);

export const {Name}View = Type.Object({{
  id: Type.String(),
  title: Type.String(),
  slug: Type.String(),
  amount: Type.Integer(),
  createdAt: Type.String({{ format: 'date-time' }}),
}});

export const {Name}List = Type.Array({Name}View);
"""

HELPERS = """\
const SLUG = /[^a-z0-9]+/g;
const TRIM = /^-+|-+$/g;
const CODE = /^{prefix}-[0-9]{{4,8}}$/;
{regex}
export const {camel}Limits = {{ maxTitle: 200, maxAmount: 1_000_000, pageSize: {ttl} }};

/** A URL-safe slug: lower case, runs of other characters turned into one dash. */
export function slugify(title«: string»)«: string» {{
  return title.toLowerCase().replace(SLUG, '-').replace(TRIM, '');
}}

export function clamp(value«: number», min«: number», max«: number»)«: number» {{
  return Math.min(Math.max(value, min), max);
}}

export function isCode(value«: string»)«: boolean» {{
  return CODE.test(value);
}}

export function chunk«<T>»(items«: readonly T[]», size«: number»)«: T[][]» {{
  const out«: T[][]» = [];
  for (let index = 0; index < items.length; index += size) {{
    out.push(items.slice(index, index + size));
  }}
  return out;
}}
{extra}"""

TYPES = """\
export interface Create{Name}Dto {{
  title: string;
  amount: number;
{fields}}}

export interface List{Name}Query {{
  limit?: number;
  cursor?: string;
}}

export type {Name}Id = string & {{ readonly __brand: '{Name}Id' }};

export type {Name}Status = 'draft' | 'active' | 'archived';
"""

CONSTANTS = """\
/** Values the {name} module shares with its clients. */
export const {Name}Status = Object.freeze({{ DRAFT: 'draft', ACTIVE: 'active', ARCHIVED: 'archived' }});

export const {camel}Fields = Object.freeze([
{fields}]);

export const {camel}Defaults = Object.freeze({{ limit: 20, maxLimit: 100 }});
"""

EVENTS = """\
import {{ EventEmitter }} from 'node:events';
«
export interface {Name}CreatedEvent {{
  type: '{name}.created';
  id: string;
  amount: number;
  at: string;
}}
»
/** Publishes the module's domain events; the outbox relays them to the broker. */
export class {Name}Events {{
  constructor(«private readonly »bus«: EventEmitter» = new EventEmitter()) {{⟦
    this.bus = bus;
  ⟧}}

  async created(id«: string», amount«: number»)«: Promise<void>» {{
    const event«: {Name}CreatedEvent» = {{ type: '{name}.created', id, amount, at: new Date().toISOString() }};
    this.bus.emit(event.type, event);
  }}

  async removed(id«: string»)«: Promise<void>» {{
    this.bus.emit('{name}.removed', {{ type: '{name}.removed', id, at: new Date().toISOString() }});
  }}
}}
"""

MAPPER = """\
«import type {{ {Name}Row }} from './{name}.repository{imp}';

export interface {Name}View {{
  id: string;
  title: string;
  slug: string;
  amount: number;
  createdAt: string;
}}

»export function to{Name}View(row«: {Name}Row»)«: {Name}View» {{
  return {{
    id: row.id,
    title: row.title,
    slug: row.slug,
    amount: row.amount,
    createdAt: row.createdAt.toISOString(),
  }};
}}
"""

PART = """\
import {{ {camel}Limits }} from './{name}.helpers{imp}';
{previous}«
export interface {Name}Part{index}Options {{
  readonly enabled: boolean;
  readonly weight: number;
  readonly label?: string;
}}
»
/** Describes part {index} of a {name}; pure, so it is tested without I/O. */
export function describe{Name}Part{index}(options«: {Name}Part{index}Options»)«: string» {{
  const parts«: string[]» = [];
  for (let i = 0; i < Math.min(options.weight, {camel}Limits.pageSize); i += 1) {{
    parts.push(`part-${{i}}`);
  }}
  if (!options.enabled) {{
    return options.label ?? 'disabled';
  }}
  return parts.join(',');
}}

export async function load{Name}Part{index}(fetcher«: (id: string) => Promise<unknown>»)«: Promise<unknown[]>» {{
  const ids = ['a', 'b', 'c'];
  const settled = await Promise.allSettled(ids.map((id) => fetcher(id)));
  return settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
}}
{extra}"""

TEST = """\
import {{ describe, it }} from 'node:test';
import assert from 'node:assert/strict';
import {{ slugify, clamp, chunk }} from '../src/modules/{name}/{name}.helpers{imp}';

describe('{name} helpers', () => {{
  it('slugifies titles', () => {{
    assert.equal(slugify('Hello World!'), 'hello-world');
    console.log('slug ok');
  }});

  it('clamps values', () => {{
    assert.equal(clamp(500, 1, 100), 100);
    assert.equal(clamp(-5, 1, 100), 1);
  }});

  it('chunks lists', () => {{
    assert.deepEqual(chunk([1, 2, 3], 2), [[1, 2], [3]]);
  }});
}});
"""

LIBRARY_FILE = """\
/**
 * {lib}: {what} shared by every service of the repository.
 */
export interface {Name}Options {{
  readonly name: string;
  readonly timeoutMs: number;
  readonly retries: number;
}}

export const default{Name}Options: {Name}Options = {{ name: '{lib}', timeoutMs: 2_000, retries: 2 }};

export function with{Name}Defaults(options: Partial<{Name}Options>): {Name}Options {{
  return {{ ...default{Name}Options, ...options }};
}}

export async function retry{Name}<T>(task: () => Promise<T>, options: {Name}Options): Promise<T> {{
  let last: unknown;
  for (let attempt = 0; attempt <= options.retries; attempt += 1) {{
    try {{
      return await task();
    }} catch (error) {{
      last = error;
    }}
  }}
  throw last;
}}
{extra}"""

COMPONENT = """\
import {{ useState }} from 'react';

export function {Name}Panel({{ title }}: {{ title: string }}) {{
  const [open, setOpen] = useState(false);
  console.log('render {name}');
  return (
    <section>
      <button type="button" onClick={{() => setOpen(!open)}}>
        {{title}}
      </button>
      {{open ? <p>{name} details</p> : null}}
    </section>
  );
}}
"""

# --------------------------------------------------------------------------- per-service files

FASTIFY_APP = """\
import {{ randomUUID }} from 'node:crypto';
import Fastify«, {{ type FastifyInstance }}» from 'fastify';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import {{ collectDefaultMetrics, register }} from 'prom-client';
«import type {{ Config }} from './config{imp}';
»
collectDefaultMetrics();

export async function buildApp(config«: Config»)«: Promise<FastifyInstance>» {{
  const app = Fastify({{
    logger: {{ level: config.logLevel, redact: ['req.headers.authorization'] }},
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  }});
  await app.register(helmet);
  await app.register(cors, {{ origin: config.corsOrigins }});
  await app.register(rateLimit, {{ max: 100, timeWindow: '1 minute' }});
  app.setErrorHandler((error, request, reply) => {{
    request.log.error({{ err: error }}, 'request failed');
    reply.status(500).send({{ error: 'Internal Server Error', requestId: request.id }});
  }});
  app.get('/health/live', async () => ({{ status: 'ok' }}));
  app.get('/health/ready', async () => ({{ status: 'ok' }}));
  app.get('/metrics', async (_request, reply) => {{
    reply.type(register.contentType);
    return register.metrics();
  }});
  return app;
}}
"""

EXPRESS_APP = """\
'use strict';

const express = require('express');
const helmet = require('helmet');
const cors = require('cors');
const rateLimit = require('express-rate-limit');
const pinoHttp = require('pino-http');
const {{ randomUUID }} = require('node:crypto');
const client = require('prom-client');
const {{ config }} = require('./config');

client.collectDefaultMetrics();

function buildApp() {{
  const app = express();
  app.use(pinoHttp({{ genReqId: (req) => req.get('x-request-id') || randomUUID() }}));
  app.use(helmet());
  app.use(cors({{ origin: config.corsOrigins }}));
  app.use(rateLimit({{ windowMs: 60_000, limit: 100 }}));
  app.use(express.json({{ limit: '100kb' }}));
  app.get('/health/live', (req, res) => res.json({{ status: 'ok' }}));
  app.get('/health/ready', (req, res) => res.json({{ status: 'ok' }}));
  app.use((err, req, res, next) => {{
    req.log.error({{ err }}, 'request failed');
    res.status(500).json({{ error: 'Internal Server Error' }});
  }});
  return app;
}}

module.exports = {{ buildApp }};
"""

SERVER = """\
import {{ buildApp }} from './app{imp}';
import {{ loadConfig }} from './config{imp}';

const config = loadConfig(process.env);
const app = await buildApp(config);

process.on('unhandledRejection', (reason) => {{
  app.log.fatal({{ err: reason }}, 'unhandled rejection');
  process.exit(1);
}});
process.on('uncaughtException', (error) => {{
  app.log.fatal({{ err: error }}, 'uncaught exception');
  process.exit(1);
}});
process.once('SIGTERM', async () => {{
  await app.close();
  process.exit(0);
}});

await app.listen({{ host: '0.0.0.0', port: config.port }});
"""

CONFIG = """\
«export interface Config {{
  port: number;
  logLevel: string;
  corsOrigins: string[];
  bodyLimitBytes: number;
}}

»export function loadConfig(env«: NodeJS.ProcessEnv»)«: Config» {{
  return {{
    port: Number(env.PORT ?? 3000),
    logLevel: env.LOG_LEVEL ?? 'info',
    corsOrigins: (env.CORS_ORIGINS ?? '').split(',').filter(Boolean),
    bodyLimitBytes: Number(env.BODY_LIMIT_BYTES ?? 1_048_576),
  }};
}}
"""

DOCKERFILE = """\
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
USER node
HEALTHCHECK CMD ["node", "dist/healthcheck.js"]
CMD ["node", "--import", "./dist/telemetry.js", "dist/server.js"]
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: 2
  selector:
    matchLabels: {{ app: {name} }}
  template:
    metadata:
      labels: {{ app: {name} }}
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: {{ type: RuntimeDefault }}
      containers:
        - name: {name}
          image: registry.example.com/{name}:1.4.2
          ports: [{{ name: http, containerPort: 3000 }}]
          readinessProbe: {{ httpGet: {{ path: /health/ready, port: http }} }}
          livenessProbe: {{ httpGet: {{ path: /health/live, port: http }} }}
          resources:
            requests: {{ cpu: 250m, memory: 256Mi }}
            limits: {{ cpu: "1", memory: 512Mi }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {{ drop: [ALL] }}
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector: {{ app: {name} }}
  ports: [{{ port: 80, targetPort: http }}]
"""

CI_WORKFLOW = """\
name: ci
on:
  push: {{ branches: [main] }}
  pull_request: {{}}
permissions: {{ contents: read }}
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        workspace: [{workspaces}]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with: {{ node-version-file: .nvmrc, cache: npm }}
      - run: npm ci
      - run: npm audit --audit-level=high
      - run: npm run build --workspace ${{{{ matrix.workspace }}}}
      - run: npm test --workspace ${{{{ matrix.workspace }}}}
"""

DEPLOY_WORKFLOW = """\
name: deploy
on:
  push: {{ branches: [main] }}
permissions: {{ contents: read }}
jobs:
  deploy-staging:
    runs-on: ubuntu-latest
    environment: staging
    steps:
      - uses: actions/checkout@v4
      - run: kubectl apply -k deploy/staging
      - run: curl --fail --retry 10 --retry-all-errors https://staging.example.com/health/ready
  deploy-production:
    needs: [deploy-staging]
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: actions/checkout@v4
      - run: kubectl apply -k deploy/production
      - run: curl --fail --retry 10 --retry-all-errors https://api.example.com/health/ready
"""

FRAMEWORK_DEPENDENCIES = {
    "fastify": {
        "fastify": "^5.2.0",
        "@fastify/helmet": "^13.0.0",
        "@fastify/cors": "^11.0.0",
        "@fastify/rate-limit": "^10.2.0",
        "@sinclair/typebox": "^0.34.0",
    },
    "express": {
        "express": "^5.1.0",
        "helmet": "^8.0.0",
        "cors": "^2.8.5",
        "express-rate-limit": "^7.5.0",
        "pino-http": "^10.4.0",
        "zod": "^3.24.0",
    },
    "nestjs": {"@nestjs/core": "^11.0.0", "@nestjs/common": "^11.0.0", "class-validator": "^0.14.0"},
    "koa": {"koa": "^2.15.0", "@koa/router": "^13.1.0", "zod": "^3.24.0", "koa-helmet": "^8.0.0"},
}
COMMON_DEPENDENCIES = {"pg": "^8.13.0", "pino": "^9.6.0", "prom-client": "^15.1.0", "ioredis": "^5.4.0"}


# --------------------------------------------------------------------------- the tree


class _Writer:
    """Writes files under ``root`` and counts the JavaScript/TypeScript sources among them."""

    def __init__(self, root: Path, limit: int) -> None:
        self.root = root
        self.limit = limit
        self.sources = 0
        self.files = 0

    @property
    def full(self) -> bool:
        return self.sources >= self.limit

    def write(self, rel: str, text: str) -> bool:
        is_source = rel.endswith(JS_SUFFIXES)
        if is_source and self.full:
            return False
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.files += 1
        self.sources += is_source
        return True


def _values(rng: random.Random, module: str, imp: str) -> dict[str, str]:
    return {
        "name": module,
        "Name": _pascal(module),
        "camel": _camel(module),
        "imp": imp,
        "ttl": str(rng.choice((5, 15, 30, 60))),
        "table": module.replace("-", "_"),
        "prefix": module[:3].upper(),
    }


def _extra_methods(rng: random.Random, name: str, count: int) -> str:
    """Additional small methods, so file sizes vary as they do in real code."""
    out = []
    for index in range(count):
        word = rng.choice(WORDS)
        out.append(
            f"\n  /** Counts the {word}s of a {name} page; used by the reporting job. */\n"
            f"  count{_pascal(word)}s{index}(items«: ReadonlyArray<{{ {word}?: string }}>»)«: number» {{\n"
            f"    return items.filter((item) => item.{word} !== undefined).length;\n  }}\n"
        )
    return "".join(out)


def _extra_functions(rng: random.Random, count: int) -> str:
    """Additional small functions, so file sizes vary as they do in real code."""
    out = []
    for index in range(count):
        word = rng.choice(WORDS)
        out.append(
            f"\nexport function summarise{_pascal(word)}{index}(values«: readonly number[]»)"
            "«: { total: number; max: number }» {\n"
            "  let total = 0;\n  let max = Number.NEGATIVE_INFINITY;\n"
            "  for (const value of values) {\n    total += value;\n    max = Math.max(max, value);\n  }\n"
            "  return { total, max };\n}\n"
        )
    return "".join(out)


_TS_ONLY = re.compile("«(.*?)»", re.DOTALL)
_JS_ONLY = re.compile("⟦(.*?)⟧", re.DOTALL)


def _dialect(text: str, language: str) -> str:
    """The template in TypeScript (type annotations kept) or plain JavaScript (removed).

    Templates mark TypeScript-only text «like this» and JavaScript-only text ⟦like this⟧.
    """
    if language == "ts":
        return _JS_ONLY.sub("", _TS_ONLY.sub(r"\1", text))
    return _JS_ONLY.sub(r"\1", _TS_ONLY.sub("", text))


def _fields(rng: random.Random, style: str) -> str:
    names = rng.sample(WORDS, rng.randint(3, 12))
    if style == "interface":
        return "".join(f"  {name}?: string;\n" for name in names)
    if style == "list":
        return "".join(f"  '{name}',\n" for name in names)
    return "".join(f"    {name}: Type.Optional(Type.String({{ maxLength: 80 }})),\n" for name in names)


def _routes(rng: random.Random, service: Service, values: dict[str, str]) -> str:
    if service.framework == "express":
        return EXPRESS_ROUTES.format(extra="", **values)
    if service.framework == "nestjs":
        return NEST_CONTROLLER.format(extra=_extra_methods(rng, values["name"], rng.randint(0, 2)), **values)
    if service.framework == "koa":
        return KOA_ROUTES.format(extra="", **values)
    if rng.random() < 0.02:  # a handler that reads a file synchronously on every request
        extra = "\n  app.get('/v1/{name}/export', async () => readFileSync('/tmp/{name}.csv', 'utf8'));\n"
        routes = FASTIFY_ROUTES.format(extra=extra.format(**values), **values)
        return "import { readFileSync } from 'node:fs';\n" + routes
    return FASTIFY_ROUTES.format(extra="", **values)


def _module_files(
    rng: random.Random, service: Service, module: str, other: str | None
) -> Iterator[tuple[str, str]]:
    """The files of one feature module of ``service`` (and its tests), in its language."""
    base = f"{service.dir}/src/modules/{module}"
    imp = ".js" if service.framework in {"fastify", "koa"} else ""
    values = _values(rng, module, imp)
    ext = service.ext
    routes_name = f"{module}.controller{ext}" if service.framework == "nestjs" else f"{module}.routes{ext}"
    yield f"{base}/{routes_name}", _dialect(_routes(rng, service, values), service.language)
    cross = f"import {{ {_camel(other)}Limits }} from '../{other}/{other}.helpers{imp}';\n" if other else ""
    service_code = SERVICE.format(
        cross_import=cross, extra=_extra_methods(rng, module, rng.randint(4, 14)), **values
    )
    repository = REPOSITORY.format(extra=_extra_methods(rng, module, rng.randint(2, 9)), **values)
    regex = "const WORDS = /^(\\w+\\s?)*$/;\n" if rng.random() < 0.01 else ""  # catastrophic backtracking
    helpers = HELPERS.format(regex=regex, extra=_extra_functions(rng, rng.randint(2, 9)), **values)
    if rng.random() < 0.03:
        helpers += "\nexport function debugDump(value«: unknown»)«: void» {\n  console.log(value);\n}\n"
    parts = {}
    for index in range(2):
        previous = (
            f"import {{ describe{values['Name']}Part{index - 1} }} from './{module}.part{index - 1}{imp}';\n"
            if index
            else ""
        )
        extra = _extra_functions(rng, rng.randint(3, 10))
        parts[index] = PART.format(index=index, previous=previous, extra=extra, **values)
    files = {
        f"{module}.service{ext}": service_code,
        f"{module}.repository{ext}": repository,
        f"{module}.schemas{ext}": SCHEMAS.format(fields=_fields(rng, "schema"), **values),
        f"{module}.helpers{ext}": helpers,
        f"{module}.events{ext}": EVENTS.format(**values),
        f"{module}.mapper{ext}": MAPPER.format(**values),
        **{f"{module}.part{index}{ext}": code for index, code in parts.items()},
    }
    if service.language == "ts":
        files[f"{module}.types.ts"] = TYPES.format(fields=_fields(rng, "interface"), **values)
    else:
        files[f"{module}.constants.js"] = CONSTANTS.format(fields=_fields(rng, "list"), **values)
    for name, code in files.items():
        yield f"{base}/{name}", _dialect(code, service.language)
    test = _dialect(TEST.format(**values), service.language)
    yield f"{service.dir}/test/{module}.helpers.test{ext}", test
    yield f"{service.dir}/test/{module}.service.test{ext}", test.replace("helpers'", "helpers' /* service */")


def _package_json(name: str, dependencies: dict[str, str], *, private: bool = True) -> str:
    data = {
        "name": f"@bench/{name}",
        "version": "1.0.0",
        "private": private,
        "type": "module",
        "engines": {"node": ">=24"},
        "scripts": {
            "build": "tsc -p tsconfig.json",
            "start": "node --import ./dist/telemetry.js dist/server.js",
            "test": "node --test",
        },
        "dependencies": dict(sorted(dependencies.items())),
        "devDependencies": {"typescript": "^5.7.0", "@types/node": "^22.10.0"},
    }
    return json.dumps(data, indent=2) + "\n"


def _service_files(service: Service) -> Iterator[tuple[str, str]]:
    imp = ".js" if service.framework in {"fastify", "koa"} else ""
    dependencies = {**COMMON_DEPENDENCIES, **FRAMEWORK_DEPENDENCIES[service.framework]}
    yield f"{service.dir}/package.json", _package_json(service.name, dependencies)
    yield f"{service.dir}/Dockerfile", DOCKERFILE
    yield f"{service.dir}/.dockerignore", "node_modules\n.git\n.env\ndist\ncoverage\n"
    yield f"{service.dir}/k8s/deployment.yaml", DEPLOYMENT.format(name=service.name)
    app = EXPRESS_APP if service.framework == "express" else FASTIFY_APP
    yield f"{service.dir}/src/app{service.ext}", _dialect(app.format(imp=imp), service.language)
    yield f"{service.dir}/src/server{service.ext}", _dialect(SERVER.format(imp=imp), service.language)
    yield f"{service.dir}/src/config{service.ext}", _dialect(CONFIG.format(), service.language)


def _root_files(workspaces: list[str]) -> Iterator[tuple[str, str]]:
    root = {
        "name": "bench-monorepo",
        "private": True,
        "workspaces": ["services/*", "packages/*", "apps/*"],
        "engines": {"node": ">=24"},
        "scripts": {"build": "npm run build --workspaces", "test": "npm test --workspaces"},
        "devDependencies": {"typescript": "^5.7.0"},
    }
    yield "package.json", json.dumps(root, indent=2) + "\n"
    yield (
        "package-lock.json",
        json.dumps({"name": "bench-monorepo", "lockfileVersion": 3, "packages": {}}) + "\n",
    )
    yield ".nvmrc", "24\n"
    yield ".gitignore", "node_modules\ndist\ncoverage\n.env\n.env.*\n!.env.example\n"
    yield (
        ".github/dependabot.yml",
        "version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule: { interval: weekly }\n",
    )
    yield ".github/workflows/ci.yml", CI_WORKFLOW.format(workspaces=", ".join(workspaces))
    yield ".github/workflows/deploy.yml", DEPLOY_WORKFLOW.format()
    yield "README.md", "# bench-monorepo\n\nA synthetic repository for benchmarking `scalefold check`.\n"


def _module_name(number: int) -> str:
    return f"{WORDS[(number * 7) % len(WORDS)]}-{number:04d}"


def generate(root: Path, files: int = 10_000, seed: int = SEED) -> int:
    """Write the monorepo into ``root`` (which must be empty) and return its number of source files."""
    rng = random.Random(seed)
    writer = _Writer(root, files)
    workspaces = [s.dir for s in SERVICES] + [f"packages/{lib}" for lib in LIBRARIES] + ["apps/web"]
    for rel, text in _root_files(workspaces):
        writer.write(rel, text)
    for service in SERVICES:
        for rel, text in _service_files(service):
            writer.write(rel, text)
    for lib in LIBRARIES:
        writer.write(f"packages/{lib}/package.json", _package_json(lib, {}, private=False))
    writer.write("apps/web/package.json", _package_json("web", {"react": "^19.0.0", "react-dom": "^19.0.0"}))
    # Feature modules, round robin over the services, with a library file and a component in between,
    # until the tree holds exactly ``files`` sources.
    number = 0
    while not writer.full:
        service = SERVICES[number % len(SERVICES)]
        module = _module_name(number)
        # One module in forty and the next module of its service import each other: a cycle.
        step = len(SERVICES)
        other = None
        if number % 40 == 0:
            other = _module_name(number + step)
        elif number >= step and (number - step) % 40 == 0:
            other = _module_name(number - step)
        for rel, text in _module_files(rng, service, module, other):
            writer.write(rel, text)
        lib = LIBRARIES[number % len(LIBRARIES)]
        writer.write(
            f"packages/{lib}/src/{module}.ts",
            LIBRARY_FILE.format(
                lib=lib,
                what=rng.choice(("helpers", "types", "clients", "adapters")),
                Name=_pascal(module),
                extra=_dialect(_extra_functions(rng, rng.randint(4, 12)), "ts"),
            ),
        )
        if number % 4 == 0:
            writer.write(
                f"apps/web/src/components/{module}.tsx", COMPONENT.format(name=module, Name=_pascal(module))
            )
        number += 1
    return writer.sources
