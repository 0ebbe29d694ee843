import { buildApp, type App } from '../../src/app.js';
import type { Database } from '../../src/infrastructure/database/database.js';
import { createLogger, type Logger } from '../../src/infrastructure/observability/logger.js';
import type { PasswordHasher } from '../../src/infrastructure/security/password-hasher.js';
import { testConfig } from './config.js';

export interface TestAppOptions {
  readonly database: Database;
  /** Environment variables on top of the test defaults. */
  readonly env?: Record<string, string>;
  readonly logger?: Logger;
  readonly passwordHasher?: PasswordHasher;
}

/** The real application, ready for `app.inject()`; close it in afterAll. */
export async function buildTestApp(options: TestAppOptions): Promise<App> {
  const config = testConfig(options.env);
  const app = await buildApp({
    config,
    database: options.database,
    logger: options.logger ?? createLogger(config.log),
    ...(options.passwordHasher === undefined ? {} : { passwordHasher: options.passwordHasher }),
  });
  await app.ready();
  return app;
}
