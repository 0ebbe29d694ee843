// A hand-assembled Express 5 service as teams usually write one: helmet, CORS, express-rate-limit,
// a JSON access log (pino-http), a Prometheus metrics middleware, JWT verification (jsonwebtoken)
// and cache-aside reads. It answers the same bodies on the same routes as the generated service,
// with the same policies: probes are neither logged nor rate limited, reads carry Cache-Control
// and an ETag (Express computes one for every body it sends).
//
//   node express.mjs SPEC.json     (SPEC: the routes, bodies and settings; written by bench/run.py)
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import cors from 'cors';
import express from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { Redis } from 'ioredis';
import jwt from 'jsonwebtoken';
import { pinoHttp } from 'pino-http';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { RedisStore } from 'rate-limit-redis';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const probes = new Set(spec.routes.filter((route) => route.probe).map((route) => route.path));

// Redis when the generated service uses it too (rate-limit counters and the cache), memory otherwise.
const redis = spec.redis ? new Redis(spec.redis.url) : undefined;
const cache = createCache();

const registry = new Registry();
collectDefaultMetrics({ register: registry });
const requestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by method, route pattern and status code',
  labelNames: ['method', 'route', 'status_code'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

const app = express();
app.use(helmet());
app.use(cors({ origin: spec.corsOrigins, exposedHeaders: ['x-request-id', 'retry-after', 'etag'] }));
app.use(
  pinoHttp({
    genReqId: (_request, response) => {
      const id = randomUUID();
      response.setHeader('x-request-id', id);
      return id;
    },
    autoLogging: { ignore: (request) => probes.has(request.url) },
    redact: ['req.headers.authorization', 'req.headers.cookie'],
  }),
);
app.use(measureDuration);
app.use(
  rateLimit({
    windowMs: spec.rateLimit.windowMs,
    limit: spec.rateLimit.max,
    standardHeaders: false,
    legacyHeaders: true,
    skip: (request) => probes.has(request.path),
    ...(redis && {
      store: new RedisStore({ sendCommand: (...args) => redis.call(...args), prefix: `${spec.redis.keyPrefix}:rate-limit:` }),
    }),
  }),
);
app.use(express.json({ limit: '100kb' }));

app.get('/metrics', async (_request, response) => {
  response.type(registry.contentType).send(await registry.metrics());
});

for (const route of spec.routes) {
  const handlers = route.auth ? [authenticate] : [];
  app[route.method.toLowerCase()](route.pattern, ...handlers, async (request, response) => {
    const body = route.cached ? await cache.get(cacheKey(request.user?.sub, request.path)) : route.body;
    if (body === undefined || body === null) {
      response.status(404).json({ statusCode: 404, error: 'Not Found', message: 'Not found' });
      return;
    }
    if (route.cacheControl) response.set('cache-control', route.cacheControl);
    response.type('application/json').send(body);
  });
}

for (const route of spec.routes.filter((candidate) => candidate.cached)) {
  await cache.set(cacheKey(route.auth ? spec.jwt.subject : undefined, route.path), route.body);
}

const server = app.listen(spec.port, spec.host);
// Fastify's default, so idle keep-alive sockets stay open as long on every server measured.
server.keepAliveTimeout = 72_000;
process.on('SIGTERM', () => process.exit(0));

function authenticate(request, response, next) {
  const [scheme, token] = (request.headers.authorization ?? '').split(' ');
  try {
    if (scheme !== 'Bearer' || !token) throw new Error('no bearer token');
    request.user = jwt.verify(token, spec.jwt.secret, {
      algorithms: ['HS256'],
      issuer: spec.jwt.issuer,
      audience: spec.jwt.audience,
    });
    next();
  } catch {
    response.status(401).set('www-authenticate', 'Bearer').json({ statusCode: 401, error: 'Unauthorized' });
  }
}

function measureDuration(request, response, next) {
  const stop = requestDuration.startTimer();
  response.on('finish', () => {
    stop({ method: request.method, route: request.route?.path ?? 'unmatched', status_code: response.statusCode });
  });
  next();
}

function cacheKey(subject, path) {
  return `${subject ?? 'public'} ${path}`;
}

function createCache() {
  if (redis === undefined) {
    const entries = new Map();
    return { get: async (key) => entries.get(key), set: async (key, value) => void entries.set(key, value) };
  }
  const prefix = `${spec.redis.keyPrefix}:cache:`;
  return {
    get: (key) => redis.get(prefix + key),
    set: (key, value) => redis.set(prefix + key, value, 'EX', 3600),
  };
}
