import { createDatabase } from '../../src/infrastructure/database/create-database.js';
import type { Database, Queryable } from '../../src/infrastructure/database/database.js';
import { loadMigrations, migrate } from '../../src/infrastructure/database/migrator.js';
import { createLogger } from '../../src/infrastructure/observability/logger.js';
import type { PoolStats } from '../../src/infrastructure/observability/metrics.js';
import { MIGRATIONS_DIR } from '../../src/shared/paths.js';
import { testConfig } from './config.js';

/**
 * A migrated database: PGlite in memory, or the PostgreSQL of DATABASE_URL. Test files may share
 * that database and run in parallel, so tests create their own rows (unique emails) and never
 * truncate tables.
 */
export async function createTestDatabase(): Promise<Database> {
  const config = testConfig();
  const logger = createLogger(config.log);
  const database = await createDatabase(config.database, logger);
  await migrate(database, await loadMigrations(MIGRATIONS_DIR), logger);
  return database;
}

/**
 * A database that answers pings but must never be queried (routes under test do not touch it),
 * or whose every call fails with `failure` (a database that is down).
 */
export function stubDatabase(failure?: Error): Database {
  const fail = () => Promise.reject(failure ?? new Error('stubDatabase: unexpected query'));
  const stats: PoolStats = { total: 0, idle: 0, waiting: 0 };
  return {
    kind: 'postgres',
    query: fail,
    exec: fail,
    transaction: fail,
    ping: () => (failure === undefined ? Promise.resolve() : Promise.reject(failure)),
    poolStats: () => stats,
    close: () => Promise.resolve(),
  };
}

/** A database that counts the statements it runs, transactions included (N+1 checks, cache checks). */
export function countingDatabase(database: Database): Database & { readonly statements: string[] } {
  const statements: string[] = [];
  const counted = (target: Queryable): Queryable => ({
    query: (sql, params) => {
      statements.push(sql);
      return target.query(sql, params);
    },
    exec: (script) => {
      statements.push(script);
      return target.exec(script);
    },
  });
  return {
    ...database,
    ...counted(database),
    statements,
    transaction: (work) => database.transaction((tx) => work(counted(tx))),
  };
}
