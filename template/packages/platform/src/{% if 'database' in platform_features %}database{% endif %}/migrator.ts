import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../observability/logger.js';
import type { Database } from './database.js';

export interface Migration {
  /** The numeric prefix, e.g. "0001": migrations run in this order, each exactly once. */
  readonly version: string;
  readonly file: string;
  readonly sql: string;
  readonly checksum: string;
}

const MIGRATION_FILE = /^(\d{4,})_[a-z0-9_]+\.sql$/;

// Any constant works as long as every process of this service uses the same one: it serialises
// concurrent runs (several replicas starting together) on a PostgreSQL advisory lock.
const MIGRATION_LOCK_ID = 4_177_245_913;

/** Reads `NNNN_description.sql` files, sorted by version. */
export async function loadMigrations(directory: string): Promise<Migration[]> {
  const files = (await readdir(directory)).filter((file) => file.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const version = MIGRATION_FILE.exec(file)?.[1];
    if (version === undefined) {
      throw new Error(`Migration file ${file} must be named NNNN_description.sql (lowercase, digits, underscores)`);
    }
    if (migrations.some((migration) => migration.version === version)) {
      throw new Error(`Two migration files share version ${version}`);
    }
    const sql = await readFile(join(directory, file), 'utf8');
    migrations.push({ version, file, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return migrations;
}

/**
 * Applies the pending migrations in one transaction (PostgreSQL DDL is transactional: a failing
 * migration leaves the schema as it was) and returns the files applied. A migration already
 * applied must not change: edit the schema with a new migration instead.
 */
export async function migrate(database: Database, migrations: readonly Migration[], logger: Logger): Promise<string[]> {
  return database.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
    await tx.exec(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version text PRIMARY KEY,
        file text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await tx.query<{ version: string; file: string; checksum: string }>(
      'SELECT version, file, checksum FROM schema_migrations',
    );
    const applied = new Map(rows.map((row) => [row.version, row]));

    for (const row of rows) {
      const migration = migrations.find(({ version }) => version === row.version);
      if (migration === undefined) {
        logger.warn({ migration: row.file }, 'applied migration has no file (deployed code older than the database?)');
      } else if (migration.checksum !== row.checksum) {
        throw new Error(`Migration ${migration.file} changed after it was applied; add a new migration instead`);
      }
    }

    const pending = migrations.filter(({ version }) => !applied.has(version));
    for (const migration of pending) {
      logger.info({ migration: migration.file }, 'applying migration');
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, file, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.file,
        migration.checksum,
      ]);
    }
    return pending.map(({ file }) => file);
  });
}

/**
 * Applies the pending migrations of `directory` as the process starts, before it takes any work,
 * unless MIGRATE_ON_START=false makes them a release step (`npm run migrate`). Safe with several
 * replicas (or cluster workers) starting at once: they queue on the advisory lock.
 */
export async function migrateOnStart(
  database: Database,
  settings: { readonly migrateOnStart: boolean },
  directory: string,
  logger: Logger,
): Promise<void> {
  if (!settings.migrateOnStart) return;
  const applied = await migrate(database, await loadMigrations(directory), logger);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
}
