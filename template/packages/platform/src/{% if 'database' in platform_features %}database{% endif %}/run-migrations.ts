import type { Logger } from '../observability/logger.js';
import { createDatabase, type DatabaseOptions } from './create-database.js';
import { loadMigrations, migrate } from './migrator.js';

/**
 * What a deployable's `migrate` command does: applies the pending migrations of `directory`, logs
 * what it applied, and closes the database. Resolves to the process's exit code: 1 when the
 * migrations failed (logged), 0 otherwise.
 */
export async function runMigrations(options: DatabaseOptions, directory: string, logger: Logger): Promise<number> {
  const database = await createDatabase(options, logger);
  try {
    const applied = await migrate(database, await loadMigrations(directory), logger);
    logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'database schema is up to date');
    return 0;
  } catch (error) {
    logger.fatal({ err: error }, 'migration failed');
    return 1;
  } finally {
    await database.close();
  }
}
