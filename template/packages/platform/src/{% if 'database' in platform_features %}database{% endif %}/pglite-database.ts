import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Database, Queryable, QueryResult, Row } from './database.js';

/**
 * PostgreSQL compiled to WebAssembly, running inside this process: `npm run dev` and `npm test`
 * need no database server. In memory unless `dataDir` is given. One connection, so queries run
 * one at a time: fine for development and tests, not for production traffic.
 */
export async function createPgliteDatabase(options: { dataDir: string | undefined }): Promise<Database> {
  const db = await PGlite.create(options.dataDir === undefined ? {} : { dataDir: options.dataDir });

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
