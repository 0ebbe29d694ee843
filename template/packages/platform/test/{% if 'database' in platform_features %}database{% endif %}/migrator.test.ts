import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database/database.js';
import { loadMigrations, migrate, migrateOnStart } from '../../src/database/migrator.js';
import { createPgliteDatabase } from '../../src/database/pglite-database.js';
import { createLogger } from '../../src/observability/logger.js';
import { captureLogs } from '../support/logs.js';
import { TEST_ENV } from '../support/test-env.js';

const logger = createLogger({ level: 'silent' });
// PGlite takes a couple of seconds to start, more on a busy machine.
const PGLITE_START_MS = 30_000;

// Written in this order on purpose: the migrator sorts them by version.
const MIGRATIONS = {
  '0002_add_widget_colour.sql': 'ALTER TABLE widgets ADD COLUMN colour text;',
  '0001_create_widgets.sql': 'CREATE TABLE widgets (id integer PRIMARY KEY);',
};

// PGlite even when DATABASE_URL is set: these migrations must not reach the schema_migrations of a
// shared database, where the services' own migrations are recorded by the same versions.
describe('migrations', () => {
  let directory: string;
  let database: Database;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'migrations-'));
    for (const [file, sql] of Object.entries(MIGRATIONS)) await writeFile(join(directory, file), sql);
    database = await createPgliteDatabase({ dataDir: undefined, snapshot: TEST_ENV.PGLITE_SNAPSHOT });
  }, PGLITE_START_MS);

  afterAll(async () => {
    await database.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('loads the migrations in version order', async () => {
    const migrations = await loadMigrations(directory);

    expect(migrations.map(({ version, file }) => [version, file])).toEqual([
      ['0001', '0001_create_widgets.sql'],
      ['0002', '0002_add_widget_colour.sql'],
    ]);
  });

  it('applies each pending migration, then nothing the second time', async () => {
    const migrations = await loadMigrations(directory);

    await expect(migrate(database, migrations, logger)).resolves.toEqual([
      '0001_create_widgets.sql',
      '0002_add_widget_colour.sql',
    ]);
    await expect(migrate(database, migrations, logger)).resolves.toEqual([]);
    await expect(database.query('SELECT colour FROM widgets')).resolves.toMatchObject({ rows: [] });
  });

  it('records what it applied', async () => {
    const { rows } = await database.query<{ file: string }>('SELECT file FROM schema_migrations ORDER BY version');

    expect(rows.map(({ file }) => file)).toEqual(['0001_create_widgets.sql', '0002_add_widget_colour.sql']);
  });

  it('refuses to run when an applied migration was edited', async () => {
    const [first, ...rest] = await loadMigrations(directory);
    if (first === undefined) throw new Error('no migrations');
    const edited = { ...first, sql: `${first.sql}\n-- edited`, checksum: 'edited' };

    await expect(migrate(database, [edited, ...rest], logger)).rejects.toThrow(/0001_create_widgets\.sql changed/);
  });

  describe('on start', () => {
    let fresh: Database;

    beforeAll(async () => {
      fresh = await createPgliteDatabase({ dataDir: undefined, snapshot: TEST_ENV.PGLITE_SNAPSHOT });
    }, PGLITE_START_MS);

    afterAll(async () => {
      await fresh.close();
    });

    it('applies nothing when MIGRATE_ON_START=false leaves the migrations to a release step', async () => {
      await migrateOnStart(fresh, { migrateOnStart: false }, directory, logger);

      await expect(fresh.query("SELECT to_regclass('widgets') AS widgets")).resolves.toMatchObject({
        rows: [{ widgets: null }],
      });
    });

    it('applies the pending migrations, and logs which', async () => {
      const { logger: recording, lines } = captureLogs();

      await migrateOnStart(fresh, { migrateOnStart: true }, directory, recording);

      expect(lines).toContainEqual(
        expect.objectContaining({
          msg: 'migrations applied',
          applied: ['0001_create_widgets.sql', '0002_add_widget_colour.sql'],
        }),
      );
      await expect(fresh.query('SELECT colour FROM widgets')).resolves.toMatchObject({ rows: [] });
    });
  });

  describe('file names', () => {
    let invalid: string;

    beforeAll(async () => {
      invalid = await mkdtemp(join(tmpdir(), 'migrations-'));
    });

    afterAll(async () => {
      await rm(invalid, { recursive: true, force: true });
    });

    it('refuses a file not named NNNN_description.sql', async () => {
      await writeFile(join(invalid, 'create-things.sql'), 'SELECT 1;');

      await expect(loadMigrations(invalid)).rejects.toThrow(/create-things\.sql must be named/);
    });
  });
});
