import type { DatabaseConfig } from '../config/database.js';
import type { LogLevel } from '../config/runtime.js';
import { createLogger } from '../observability/logger.js';
import { createDatabase } from './create-database.js';
import { loadMigrations, migrate } from './migrator.js';

export interface MigrationRun {
  /** The deployable's name, on the log lines and on the PostgreSQL connection. */
  readonly service: string;
  readonly log: { readonly level: LogLevel };
  readonly database: DatabaseConfig;
  /** The deployable's migrations folder. */
  readonly migrations: string;
}

/**
 * What a deployable's `migrate` command does: applies the pending migrations, logs what it applied,
 * and closes the database. Resolves to the process's exit code: 1 when the migrations failed
 * (logged), 0 otherwise.
 */
export async function runMigrations(run: MigrationRun): Promise<number> {
  const logger = createLogger({ ...run.log, service: run.service });
  const database = await createDatabase({ ...run.database, applicationName: run.service }, logger);
  try {
    const applied = await migrate(database, await loadMigrations(run.migrations), logger);
    logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'database schema is up to date');
    return 0;
  } catch (error) {
    logger.fatal({ err: error }, 'migration failed');
    return 1;
  } finally {
    await database.close();
  }
}
