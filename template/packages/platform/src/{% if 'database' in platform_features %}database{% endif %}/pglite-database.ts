import { PGlite, type PGliteOptions, type Transaction } from '@electric-sql/pglite';
import { existsSync, openAsBlob } from 'node:fs';
import { join } from 'node:path';
import type { Database, Queryable, QueryResult, Row } from './database.js';

export interface PgliteOptions {
  /** Where PGlite keeps its data; in memory when undefined. */
  readonly dataDir: string | undefined;
  /** PGLITE_SNAPSHOT: a data directory dump to start from instead of creating a cluster (initdb). */
  readonly snapshot: string | undefined;
}

/**
 * PostgreSQL compiled to WebAssembly, running inside this process: `npm run dev` and `npm test`
 * need no database server. In memory unless `dataDir` is given. One connection, so queries run
 * one at a time: fine for development and tests, not for production traffic.
 */
export async function createPgliteDatabase(options: PgliteOptions): Promise<Database> {
  const db = await PGlite.create(await pgliteOptions(options));

  return {
    kind: 'pglite',
    ...queryable(db),
    transaction: (work) => db.transaction((tx) => work(queryable(tx))),
    async ping() {
      await db.query('SELECT 1');
    },
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    close: () => db.close(),
  };
}

function queryable(target: PGlite | Transaction): Queryable {
  return {
    async query<R extends Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      const result = await target.query<R>(sql, [...params]);
      // affectedRows counts INSERT/UPDATE/DELETE without RETURNING; otherwise the rows tell.
      return { rows: result.rows, rowCount: result.rows.length > 0 ? result.rows.length : (result.affectedRows ?? 0) };
    },
    async exec(script: string) {
      await target.exec(script);
    },
  };
}

async function pgliteOptions({ dataDir, snapshot }: PgliteOptions): Promise<PGliteOptions> {
  const where = dataDir === undefined ? {} : { dataDir };
  // A data directory that already holds a cluster resumes it: PGlite refuses to load a dump over one.
  if (snapshot === undefined || (dataDir !== undefined && existsSync(join(dataDir, 'PG_VERSION')))) return where;
  try {
    return { ...where, loadDataDir: await openAsBlob(snapshot) };
  } catch (error) {
    // Said here in one line: PGlite would otherwise fail later, deep in its WebAssembly file system.
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    throw new Error(`PGLITE_SNAPSHOT ${snapshot} cannot be read (${reason})`, { cause: error });
  }
}
