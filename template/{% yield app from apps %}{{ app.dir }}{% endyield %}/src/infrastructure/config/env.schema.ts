import { Type, type Static } from 'typebox';
import { PROJECT } from '../../shared/project.js';

/**
 * Every environment variable the service reads, with its type, bounds and default.
 * `expected` is shown in the start-up error when a value is rejected.
 */
export const EnvSchema = Type.Object({
  NODE_ENV: Type.Enum(['development', 'test', 'production'], { default: 'development' }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  // 0 picks any free port (tests).
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: PROJECT.defaultPort }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),

  DATABASE_URL: Type.Optional(
    Type.String({ pattern: '^postgres(ql)?://', expected: 'a postgres:// or postgresql:// connection URL' }),
  ),
  DATABASE_POOL_MAX: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
  DATABASE_CONNECTION_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5000 }),
  DATABASE_STATEMENT_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10000 }),
  // A streaming replica of DATABASE_URL: queries (GET routes) read from it, commands write to the primary.
  DATABASE_READ_URL: Type.Optional(
    Type.String({ pattern: '^postgres(ql)?://', expected: 'a postgres:// or postgresql:// connection URL' }),
  ),
  PGLITE_DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  MIGRATE_ON_START: Type.Boolean({ default: true }),

  // Unset: an in-memory cache, an in-process job runner and per-process rate limits.
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://', expected: 'a redis:// or rediss:// connection URL' })),
  // Every key this service writes starts with it, so services (or test runs) can share one Redis.
  REDIS_KEY_PREFIX: Type.String({
    pattern: '^[A-Za-z0-9_.-]{1,64}$',
    default: PROJECT.name,
    expected: 'up to 64 letters, digits, dots, dashes or underscores',
  }),
  CACHE_TTL_SECONDS: Type.Integer({ minimum: 1, maximum: 86400, default: 60 }),
  // Entries kept by the in-memory cache (when REDIS_URL is unset), least recently used evicted first.
  CACHE_MAX_ENTRIES: Type.Integer({ minimum: 1, default: 10000 }),

  // Background jobs: attempts before a job is kept as failed, and the first retry delay (doubling).
  JOB_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 25, default: 5 }),
  JOB_BACKOFF_MS: Type.Integer({ minimum: 1, maximum: 3600000, default: 1000 }),
  WORKER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
  // The worker process serves /health/live, /health/ready and /metrics on this port.
  WORKER_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: PROJECT.defaultWorkerPort }),

  // Unset: e-mails are written to the log instead of being sent.
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://', expected: 'an smtp:// or smtps:// URL' })),
  MAIL_FROM: Type.String({ minLength: 3, maxLength: 254, default: `${PROJECT.name} <no-reply@example.com>` }),

  // API processes forked by a cluster primary; 1 runs a single process (what containers want).
  WEB_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 256, default: 1 }),
  // Worker threads for CPU-heavy work (order exports), started on first use.
  CPU_POOL_MAX_THREADS: Type.Integer({ minimum: 1, maximum: 64, default: 2 }),
  // Load shedding: above this event-loop delay, requests get 503 until the process recovers (0: off).
  MAX_EVENT_LOOP_DELAY_MS: Type.Integer({ minimum: 0, default: 1000 }),

  JWT_SECRET: Type.Optional(Type.String({ minLength: 32, expected: 'a secret of at least 32 characters' })),
  JWT_ISSUER: Type.String({ minLength: 1, default: PROJECT.name }),
  JWT_AUDIENCE: Type.String({ minLength: 1, default: PROJECT.name }),
  JWT_EXPIRES_IN: Type.String({
    pattern: '^[1-9][0-9]*[smhd]$',
    default: '15m',
    expected: 'a duration such as 900s, 15m, 12h or 7d',
  }),
  // 12 is the floor recommended today; every step doubles the time a hash takes (about 0.25 s at 12).
  BCRYPT_COST: Type.Integer({ minimum: 12, maximum: 16, default: 12 }),

  CORS_ORIGINS: Type.String({ default: '' }),
  TRUST_PROXY: Type.String({ default: 'false' }),
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 100 }),
  RATE_LIMIT_WINDOW_MS: Type.Integer({ minimum: 1000, default: 60000 }),
  AUTH_RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 10 }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, maximum: 104857600, default: 102400 }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 10000 }),
});

export type Env = Static<typeof EnvSchema>;
