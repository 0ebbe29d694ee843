import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteDatabase } from '../../src/database/pglite-database.js';
import { TEST_ENV } from '../support/test-env.js';

// PGlite takes most of a second to start from a snapshot, more on a busy machine.
describe('PGlite from PGLITE_SNAPSHOT', { timeout: 30_000 }, () => {
  let directory: string;
  // Made by the test setup (tooling/pglite-snapshot.js), or the team's own.
  const snapshot = TEST_ENV.PGLITE_SNAPSHOT;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'pglite-snapshot-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('starts a fresh cluster, without tables, that runs queries', async () => {
    expect(snapshot).toBeDefined();
    const database = await createPgliteDatabase({ dataDir: undefined, snapshot });
    try {
      const tables = await database.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      expect(tables.rows).toEqual([]);
      await database.exec('CREATE TABLE widgets (id integer PRIMARY KEY)');
      expect((await database.query('INSERT INTO widgets VALUES ($1), ($2)', [1, 2])).rowCount).toBe(2);
      expect((await database.query('SELECT id FROM widgets ORDER BY id')).rows).toEqual([{ id: 1 }, { id: 2 }]);
    } finally {
      await database.close();
    }
  });

  it('fills an empty data directory from it, then resumes that directory without reading it', async () => {
    const dataDir = join(directory, 'data');
    const first = await createPgliteDatabase({ dataDir, snapshot });
    await first.exec('CREATE TABLE kept (id integer)');
    await first.close();

    // The snapshot is no longer read: a cluster is there (PGlite would refuse to load a dump over it).
    const resumed = await createPgliteDatabase({ dataDir, snapshot: join(directory, 'gone.tar') });
    try {
      const tables = await resumed.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      expect(tables.rows).toEqual([{ table_name: 'kept' }]);
    } finally {
      await resumed.close();
    }
  });

  it('refuses a snapshot file that cannot be read, in one line naming the setting', async () => {
    const missing = join(directory, 'missing.tar');
    await expect(createPgliteDatabase({ dataDir: undefined, snapshot: missing })).rejects.toThrow(
      new RegExp(`^PGLITE_SNAPSHOT ${missing} cannot be read \\(ENOENT\\)$`),
    );
  });
});
