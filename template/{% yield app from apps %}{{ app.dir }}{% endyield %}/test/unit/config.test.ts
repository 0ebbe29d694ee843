import { describe, expect, it } from 'vitest';
import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig } from '../../src/infrastructure/config/config.js';
import { PROJECT } from '../../src/shared/project.js';

const SECRET = 'a-production-secret-that-is-long-enough-0123456789';
const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: SECRET, DATABASE_URL: 'postgres://app@db:5432/app' };

function issuesOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('runs in development with nothing set', () => {
    const config = loadConfig({});

    expect(config.env).toBe('development');
    expect(config.http).toMatchObject({ host: '0.0.0.0', port: PROJECT.defaultPort, corsOrigins: [] });
    expect(config.database.url).toBeUndefined();
    expect(config.auth).toMatchObject({ jwtSecret: DEVELOPMENT_JWT_SECRET, bcryptCost: 12, jwtExpiresInSeconds: 900 });
  });

  it('converts and validates values', () => {
    const config = loadConfig({
      PORT: '8080',
      MIGRATE_ON_START: 'false',
      JWT_EXPIRES_IN: '2h',
      CORS_ORIGINS: 'https://app.example.com, http://localhost:5173',
      TRUST_PROXY: '10.0.0.0/8,192.168.1.1',
    });

    expect(config.http.port).toBe(8080);
    expect(config.database.migrateOnStart).toBe(false);
    expect(config.auth.jwtExpiresInSeconds).toBe(7200);
    expect(config.http.corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(config.http.trustProxy).toEqual(['10.0.0.0/8', '192.168.1.1']);
  });

  it('reads the Redis, cache, jobs, mail and process settings', () => {
    const config = loadConfig({
      REDIS_URL: 'redis://cache:6379',
      REDIS_KEY_PREFIX: 'shop',
      CACHE_TTL_SECONDS: '30',
      JOB_ATTEMPTS: '3',
      JOB_BACKOFF_MS: '250',
      WORKER_CONCURRENCY: '8',
      SMTP_URL: 'smtp://mail:25',
      WEB_CONCURRENCY: '4',
    });

    expect(config.redis).toEqual({ url: 'redis://cache:6379', keyPrefix: 'shop' });
    expect(config.cache.ttlSeconds).toBe(30);
    expect(config.jobs).toEqual({ attempts: 3, backoffMs: 250, concurrency: 8 });
    expect(config.mail.smtpUrl).toBe('smtp://mail:25');
    expect(config.webConcurrency).toBe(4);
  });

  it('defaults to no Redis, one process and the worker port next to the API port', () => {
    const config = loadConfig({});

    expect(config.redis).toEqual({ url: undefined, keyPrefix: PROJECT.name });
    expect(config.webConcurrency).toBe(1);
    expect(config.worker.port).toBe(PROJECT.defaultWorkerPort);
  });

  it('refuses a read replica without a primary', () => {
    expect(issuesOf({ DATABASE_READ_URL: 'postgres://replica/app' })).toEqual([
      expect.stringMatching(/^DATABASE_READ_URL needs DATABASE_URL/),
    ]);
  });

  describe('for the worker process', () => {
    const worker = (env: Record<string, string>) => loadConfig(env, 'worker');

    it('requires REDIS_URL', () => {
      expect(() => worker({})).toThrow(/REDIS_URL is required by the worker/);
    });

    it('needs neither the JWT secret nor the database in production', () => {
      expect(worker({ NODE_ENV: 'production', REDIS_URL: 'redis://cache:6379' }).redis.url).toBe('redis://cache:6379');
    });
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({
      http: { port: PROJECT.defaultPort },
      database: { url: undefined },
    });
  });

  it.each([
    ['PORT', 'not-a-number'],
    ['PORT', '70000'],
    ['LOG_LEVEL', 'verbose'],
    ['DATABASE_URL', 'mysql://localhost/app'],
    ['JWT_SECRET', 'too-short'],
    ['JWT_EXPIRES_IN', '15 minutes'],
    ['BCRYPT_COST', '10'],
    ['RATE_LIMIT_MAX', '0'],
    ['CORS_ORIGINS', 'app.example.com'],
    ['TRUST_PROXY', 'sometimes'],
    ['REDIS_URL', 'http://localhost:6379'],
    ['REDIS_KEY_PREFIX', 'has spaces'],
    ['DATABASE_READ_URL', 'mysql://replica/app'],
    ['SMTP_URL', 'mailto:ops@example.com'],
    ['JOB_ATTEMPTS', '0'],
    ['WEB_CONCURRENCY', '0'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    const issues = issuesOf({ [name]: value });

    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(new RegExp(`^${name}\\b`));
  });

  it('reports every problem at once', () => {
    expect(issuesOf({ PORT: 'x', BCRYPT_COST: '4' })).toEqual([
      expect.stringContaining('PORT'),
      expect.stringContaining('BCRYPT_COST'),
    ]);
  });

  it('never echoes a rejected secret', () => {
    expect(issuesOf({ JWT_SECRET: 'short-secret-value' }).join()).not.toContain('short-secret-value');
  });

  describe('in production', () => {
    it('accepts a complete configuration', () => {
      expect(loadConfig(PRODUCTION).auth.jwtSecret).toBe(SECRET);
    });

    it('refuses a missing JWT_SECRET', () => {
      expect(issuesOf({ ...PRODUCTION, JWT_SECRET: '' })).toEqual([expect.stringMatching(/^JWT_SECRET must be set/)]);
    });

    it('refuses the development JWT secret', () => {
      expect(issuesOf({ ...PRODUCTION, JWT_SECRET: DEVELOPMENT_JWT_SECRET })).toEqual([
        expect.stringMatching(/^JWT_SECRET/),
      ]);
    });

    it('refuses CORS for any origin', () => {
      expect(issuesOf({ ...PRODUCTION, CORS_ORIGINS: '*' })).toEqual([expect.stringMatching(/^CORS_ORIGINS/)]);
    });

    it('refuses to send mail from the placeholder sender address', () => {
      expect(issuesOf({ ...PRODUCTION, SMTP_URL: 'smtp://mail:25' })).toEqual([expect.stringMatching(/^MAIL_FROM/)]);
      expect(loadConfig({ ...PRODUCTION, SMTP_URL: 'smtp://mail:25', MAIL_FROM: 'shop@acme.test' }).mail.from).toBe(
        'shop@acme.test',
      );
    });

    it('refuses to run on an in-memory database', () => {
      expect(issuesOf({ ...PRODUCTION, DATABASE_URL: '' })).toEqual([expect.stringMatching(/^DATABASE_URL/)]);
    });
  });
});
