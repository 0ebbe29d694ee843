import pg from 'pg';
import { PROJECT } from '../../shared/project.js';
import type { Logger } from '../observability/logger.js';
import type { Database, Queryable, QueryResult, Row } from './database.js';

export interface PostgresOptions {
  readonly url: string;
  readonly poolMax: number;
  readonly connectionTimeoutMs: number;
  readonly statementTimeoutMs: number;
}

/** A real PostgreSQL server through a connection pool. */
export function createPostgresDatabase(options: PostgresOptions, logger: Logger): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    // Waiting for a connection and running a statement are both bounded, so an overloaded or
    // unreachable database turns into fast errors instead of requests piling up.
    connectionTimeoutMillis: options.connectionTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    idleTimeoutMillis: 30_000,
    application_name: PROJECT.name,
  });
  // An idle client losing its connection (database restart, network blip) is reported here;
  // without a listener the 'error' event would crash the process. The pool replaces the client.
  pool.on('error', (error) => {
    logger.error({ err: error }, 'idle database connection failed');
  });

  return {
    kind: 'postgres',
    query: (sql, params) => runQuery(pool, sql, params),
    exec: async (script) => {
      await pool.query(script);
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({
          query: (sql, params) => runQuery(client, sql, params),
          exec: async (script) => {
            await client.query(script);
          },
        } satisfies Queryable);
        await client.query('COMMIT');
        client.release();
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
          client.release();
        } catch (rollbackError) {
          // A connection that cannot even roll back is broken: destroy it rather than reuse it.
          client.release(rollbackError as Error);
        }
        throw error;
      }
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
}

async function runQuery<R extends Row>(
  target: pg.Pool | pg.PoolClient,
  sql: string,
  params: readonly unknown[] = [],
): Promise<QueryResult<R>> {
  const result = await target.query<R>(sql, [...params]);
  return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
}
