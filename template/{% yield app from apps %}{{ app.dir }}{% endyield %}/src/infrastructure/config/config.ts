import { isIP } from 'node:net';
import Value from 'typebox/value';
import { EnvSchema, type Env } from './env.schema.js';

export type NodeEnv = Env['NODE_ENV'];
export type LogLevel = Env['LOG_LEVEL'];

export interface Config {
  readonly env: NodeEnv;
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly bodyLimitBytes: number;
    /** Exact origins allowed to call the API from a browser; `['*']` allows any (refused in production). */
    readonly corsOrigins: readonly string[];
    /** Fastify's `trustProxy`: false, true, a hop count, or the addresses of the trusted proxies. */
    readonly trustProxy: boolean | number | string[];
    readonly rateLimit: { readonly max: number; readonly authMax: number; readonly windowMs: number };
    /** Event-loop delay above which requests are shed with a 503; 0 turns load shedding off. */
    readonly maxEventLoopDelayMs: number;
  };
  readonly log: { readonly level: LogLevel };
  readonly database: {
    /** Unset: PGlite runs in process (in memory, or in `pgliteDataDir`). */
    readonly url: string | undefined;
    /** A read replica for queries; unset: queries go to `url` too. */
    readonly readUrl: string | undefined;
    readonly pgliteDataDir: string | undefined;
    readonly poolMax: number;
    readonly connectionTimeoutMs: number;
    readonly statementTimeoutMs: number;
    readonly migrateOnStart: boolean;
  };
  readonly redis: {
    /** Unset: in-memory cache, in-process jobs and per-process rate limits. */
    readonly url: string | undefined;
    /** Prepended to every key this service writes (cache, jobs, rate limits). */
    readonly keyPrefix: string;
  };
  readonly cache: { readonly ttlSeconds: number; readonly maxEntries: number };
  readonly jobs: { readonly attempts: number; readonly backoffMs: number; readonly concurrency: number };
  readonly mail: {
    /** Unset: mails are logged instead of sent. */
    readonly smtpUrl: string | undefined;
    readonly from: string;
  };
  readonly auth: {
    readonly jwtSecret: string;
    readonly jwtIssuer: string;
    readonly jwtAudience: string;
    readonly jwtExpiresInSeconds: number;
    readonly bcryptCost: number;
  };
  /** The worker process's own HTTP server (health probes and metrics). */
  readonly worker: { readonly host: string; readonly port: number };
  /** API processes forked by the cluster primary; 1 means no cluster. */
  readonly webConcurrency: number;
  readonly cpuPool: { readonly maxThreads: number };
  readonly shutdownTimeoutMs: number;
}

/** The API process serves HTTP; the worker process runs background jobs and needs less. */
export type ProcessRole = 'api' | 'worker';

/** Known to everyone who reads this repository, so it is refused when NODE_ENV=production. */
export const DEVELOPMENT_JWT_SECRET = 'development-only-jwt-secret-do-not-use-in-production';

/** The configuration is invalid; `issues` name each offending variable. */
export class ConfigError extends Error {
  readonly issues: readonly string[];

  constructor(issues: readonly string[]) {
    super(`Invalid configuration: ${issues.join('; ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/**
 * Reads and validates the configuration once, at start-up. Throws a ConfigError listing every
 * problem, so an operator fixes them all in one go instead of one restart at a time.
 * The worker needs neither the JWT secret nor the database, so it is not asked for them.
 */
export function loadConfig(source: Readonly<Record<string, string | undefined>>, role: ProcessRole = 'api'): Config {
  const env = parseEnv(source);
  const issues: string[] = [];
  const production = env.NODE_ENV === 'production';
  const api = role === 'api';

  const corsOrigins = parseCorsOrigins(env.CORS_ORIGINS, issues);
  if (production && corsOrigins.includes('*')) {
    issues.push('CORS_ORIGINS must list explicit origins when NODE_ENV=production, not "*"');
  }

  const jwtSecret = env.JWT_SECRET ?? (production && api ? undefined : DEVELOPMENT_JWT_SECRET);
  if (production && api && (jwtSecret === undefined || jwtSecret === DEVELOPMENT_JWT_SECRET)) {
    issues.push('JWT_SECRET must be set to your own secret of at least 32 characters when NODE_ENV=production');
  }

  if (production && api && env.DATABASE_URL === undefined && env.PGLITE_DATA_DIR === undefined) {
    issues.push('DATABASE_URL is required when NODE_ENV=production (an in-memory database loses every write)');
  }
  if (env.DATABASE_READ_URL !== undefined && env.DATABASE_URL === undefined) {
    issues.push('DATABASE_READ_URL needs DATABASE_URL: a read replica replicates a primary PostgreSQL');
  }

  if (!api && env.REDIS_URL === undefined) {
    issues.push('REDIS_URL is required by the worker process (without Redis, jobs run inside the API process)');
  }
  if (production && env.SMTP_URL !== undefined && (source.MAIL_FROM ?? '') === '') {
    issues.push('MAIL_FROM must be set to your own sender address when SMTP_URL is set and NODE_ENV=production');
  }

  const trustProxy = parseTrustProxy(env.TRUST_PROXY, issues);

  if (issues.length > 0 || jwtSecret === undefined) throw new ConfigError(issues);

  return {
    env: env.NODE_ENV,
    http: {
      host: env.HOST,
      port: env.PORT,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      corsOrigins,
      trustProxy,
      rateLimit: { max: env.RATE_LIMIT_MAX, authMax: env.AUTH_RATE_LIMIT_MAX, windowMs: env.RATE_LIMIT_WINDOW_MS },
      maxEventLoopDelayMs: env.MAX_EVENT_LOOP_DELAY_MS,
    },
    log: { level: env.LOG_LEVEL },
    database: {
      url: env.DATABASE_URL,
      readUrl: env.DATABASE_READ_URL,
      pgliteDataDir: env.PGLITE_DATA_DIR,
      poolMax: env.DATABASE_POOL_MAX,
      connectionTimeoutMs: env.DATABASE_CONNECTION_TIMEOUT_MS,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
      migrateOnStart: env.MIGRATE_ON_START,
    },
    redis: { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX },
    cache: { ttlSeconds: env.CACHE_TTL_SECONDS, maxEntries: env.CACHE_MAX_ENTRIES },
    jobs: { attempts: env.JOB_ATTEMPTS, backoffMs: env.JOB_BACKOFF_MS, concurrency: env.WORKER_CONCURRENCY },
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM },
    auth: {
      jwtSecret,
      jwtIssuer: env.JWT_ISSUER,
      jwtAudience: env.JWT_AUDIENCE,
      jwtExpiresInSeconds: durationToSeconds(env.JWT_EXPIRES_IN),
      bcryptCost: env.BCRYPT_COST,
    },
    worker: { host: env.HOST, port: env.WORKER_PORT },
    webConcurrency: env.WEB_CONCURRENCY,
    cpuPool: { maxThreads: env.CPU_POOL_MAX_THREADS },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  };
}

function parseEnv(source: Readonly<Record<string, string | undefined>>): Env {
  // An empty value (`FOO=` in a .env file) means "not set", so the default applies.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const candidate = Value.Default(EnvSchema, Value.Convert(EnvSchema, Value.Clean(EnvSchema, present)));
  if (Value.Check(EnvSchema, candidate)) return candidate;
  throw new ConfigError(describeErrors(candidate));
}

function describeErrors(candidate: unknown): string[] {
  const issues = new Map<string, string>();
  for (const error of Value.Errors(EnvSchema, candidate)) {
    if (error.keyword === 'required') {
      for (const name of error.params.requiredProperties) {
        issues.set(name, `${name} is required`);
      }
      continue;
    }
    const name = error.instancePath.slice(1);
    if (issues.has(name)) continue; // the first message per variable is the useful one
    const schema = (EnvSchema.properties as Record<string, { expected?: string; enum?: string[] } | undefined>)[name];
    if (schema?.expected !== undefined) issues.set(name, `${name} must be ${schema.expected}`);
    else if (schema?.enum !== undefined) issues.set(name, `${name} must be one of ${schema.enum.join(', ')}`);
    else issues.set(name, `${name} ${error.message}`);
  }
  return [...issues.values()];
}

function parseCorsOrigins(value: string, issues: string[]): string[] {
  const origins = value
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of origins) {
    if (origin !== '*' && !isOrigin(origin)) {
      issues.push(`CORS_ORIGINS entry "${origin}" must be an origin such as https://app.example.com`);
    }
  }
  return origins;
}

function isOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

function parseTrustProxy(value: string, issues: string[]): boolean | number | string[] {
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) return Number(value);
  const addresses = value.split(',').map((address) => address.trim());
  if (addresses.every((address) => isIP(address.split('/')[0] ?? '') !== 0)) return addresses;
  issues.push('TRUST_PROXY must be true, false, a hop count, or a comma-separated list of proxy IP addresses/CIDRs');
  return false;
}

const SECONDS_PER_UNIT = { s: 1, m: 60, h: 3600, d: 86400 } as const;

function durationToSeconds(duration: string): number {
  const unit = duration.slice(-1) as keyof typeof SECONDS_PER_UNIT;
  return Number(duration.slice(0, -1)) * SECONDS_PER_UNIT[unit];
}
