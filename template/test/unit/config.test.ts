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

    it('refuses to run on an in-memory database', () => {
      expect(issuesOf({ ...PRODUCTION, DATABASE_URL: '' })).toEqual([expect.stringMatching(/^DATABASE_URL/)]);
    });
  });
});
