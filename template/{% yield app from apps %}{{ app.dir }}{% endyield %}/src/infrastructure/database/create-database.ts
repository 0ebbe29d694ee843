import type { Config } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import type { Database } from './database.js';

/**
 * PostgreSQL when DATABASE_URL is set, PGlite in process otherwise. Each driver is imported only
 * when chosen, so a production process never loads PGlite's WebAssembly.
 */
export async function createDatabase(config: Config['database'], logger: Logger): Promise<Database> {
  if (config.url !== undefined) {
    const { createPostgresDatabase } = await import('./postgres-database.js');
    return createPostgresDatabase({ ...config, url: config.url }, logger);
  }
  const { createPgliteDatabase } = await import('./pglite-database.js');
  logger.info(
    { dataDir: config.pgliteDataDir ?? 'memory' },
    config.pgliteDataDir === undefined
      ? 'DATABASE_URL is not set: using PGlite in memory (data is lost when the process stops)'
      : 'DATABASE_URL is not set: using PGlite',
  );
  return createPgliteDatabase({ dataDir: config.pgliteDataDir });
}

/**
 * The read replica named by DATABASE_READ_URL, or undefined when queries go to the primary.
 * Replication is asynchronous: a replica may lag the primary by a moment.
 */
export async function createReadReplica(config: Config['database'], logger: Logger): Promise<Database | undefined> {
  if (config.readUrl === undefined) return undefined;
  const { createPostgresDatabase } = await import('./postgres-database.js');
  return createPostgresDatabase({ ...config, url: config.readUrl }, logger);
}
