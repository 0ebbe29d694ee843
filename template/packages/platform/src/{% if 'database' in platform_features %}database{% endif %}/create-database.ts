import type { DatabaseConfig } from '../config/database.js';
import type { Logger } from '../observability/logger.js';
import type { Database } from './database.js';

export interface DatabaseOptions extends DatabaseConfig {
  /** The deployable's name, shown by PostgreSQL next to each of its connections (pg_stat_activity). */
  readonly applicationName: string;
}

/**
 * PostgreSQL when DATABASE_URL is set, PGlite in process otherwise. Each driver is imported only
 * when chosen, so a production process never loads PGlite's WebAssembly.
 */
export async function createDatabase(options: DatabaseOptions, logger: Logger): Promise<Database> {
  if (options.url !== undefined) {
    const { createPostgresDatabase } = await import('./postgres-database.js');
    return createPostgresDatabase({ ...options, url: options.url }, logger);
  }
  const { createPgliteDatabase } = await import('./pglite-database.js');
  logger.info(
    { dataDir: options.pgliteDataDir ?? 'memory', snapshot: options.pgliteSnapshot },
    options.pgliteDataDir === undefined
      ? 'DATABASE_URL is not set: using PGlite in memory (data is lost when the process stops)'
      : 'DATABASE_URL is not set: using PGlite',
  );
  return createPgliteDatabase({ dataDir: options.pgliteDataDir, snapshot: options.pgliteSnapshot });
}
