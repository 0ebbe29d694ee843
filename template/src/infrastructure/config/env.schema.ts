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
  PGLITE_DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  MIGRATE_ON_START: Type.Boolean({ default: true }),

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
