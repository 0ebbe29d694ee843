import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/infrastructure/database/database.js';
import { loadMigrations, migrate } from '../../src/infrastructure/database/migrator.js';
import { createLogger } from '../../src/infrastructure/observability/logger.js';
import { MIGRATIONS_DIR } from '../../src/shared/paths.js';
import { createTestDatabase } from '../helpers/database.js';

const logger = createLogger({ level: 'silent' });

describe('migrations', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase(); // already migrated once
  });

  afterAll(async () => {
    await database.close();
  });

  it('loads the project migrations in version order', async () => {
    const migrations = await loadMigrations(MIGRATIONS_DIR);

    expect(migrations[0]?.file).toBe('0001_create_users.sql');
    expect(migrations.map(({ version }) => version)).toEqual(migrations.map(({ version }) => version).sort());
  });

  it('applies nothing the second time', async () => {
    await expect(migrate(database, await loadMigrations(MIGRATIONS_DIR), logger)).resolves.toEqual([]);
  });

  it('records what it applied', async () => {
    const { rows } = await database.query<{ file: string }>('SELECT file FROM schema_migrations ORDER BY version');

    expect(rows.map(({ file }) => file)).toContain('0001_create_users.sql');
  });

  it('refuses to run when an applied migration was edited', async () => {
    const [first, ...rest] = await loadMigrations(MIGRATIONS_DIR);
    if (first === undefined) throw new Error('no migrations');
    const edited = { ...first, sql: `${first.sql}\n-- edited`, checksum: 'edited' };

    await expect(migrate(database, [edited, ...rest], logger)).rejects.toThrow(/0001_create_users\.sql changed/);
  });

  describe('file names', () => {
    let directory: string;

    beforeAll(async () => {
      directory = await mkdtemp(join(tmpdir(), 'migrations-'));
    });

    afterAll(async () => {
      await rm(directory, { recursive: true, force: true });
    });

    it('refuses a file not named NNNN_description.sql', async () => {
      await writeFile(join(directory, 'create-things.sql'), 'SELECT 1;');

      await expect(loadMigrations(directory)).rejects.toThrow(/create-things\.sql must be named/);
    });
  });
});
