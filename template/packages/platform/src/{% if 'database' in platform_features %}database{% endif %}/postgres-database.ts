import pg from 'pg';
import type { Logger } from '../observability/logger.js';
import type { Database, Queryable, QueryResult, Row } from './database.js';
import { DatabaseUnavailableError, isDatabaseUnavailable } from './database-unavailable.js';

export interface PostgresOptions {
  readonly url: string;
  readonly poolMax: number;
  readonly connectionTimeoutMs: number;
  readonly statementTimeoutMs: number;
  /** Shown by PostgreSQL next to each connection (pg_stat_activity), to tell the deployables apart. */
  readonly applicationName: string;
}

// How much longer than statement_timeout the client waits for an answer before giving up itself.
const CLIENT_DEADLINE_MARGIN_MS = 2000;
// Idle time before the first TCP keepalive probe on a database connection.
const KEEPALIVE_INITIAL_DELAY_MS = 10_000;

/**
 * A real PostgreSQL server through a connection pool. A statement the database cannot serve (lost
 * connection, no connection in time, server shutting down) rejects with DatabaseUnavailableError;
 * any other failure (a constraint, a bad statement) rejects with pg's own error.
 */
export function createPostgresDatabase(options: PostgresOptions, logger: Logger): Database {
  const connection: pg.ClientConfig = {
    connectionString: options.url,
    // Opening a connection and running a statement are both bounded, so an overloaded or
    // unreachable database turns into fast errors instead of requests piling up.
    connectionTimeoutMillis: options.connectionTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    // The client's own deadline, for when the server cannot even say it gave up (a network
    // partition, a hung server): the statement fails and its connection is destroyed, so a pool
    // slot is never held for ever. Later than statement_timeout, which fails first when it can.
    query_timeout: options.statementTimeoutMs + CLIENT_DEADLINE_MARGIN_MS,
    // A transaction left open by a client that vanished must not hold its row locks for ever.
    idle_in_transaction_session_timeout: options.statementTimeoutMs,
    // Probes an idle connection, so one whose peer vanished without closing it is noticed.
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
    application_name: options.applicationName,
  };
  const pool = new pg.Pool({ ...connection, max: options.poolMax, idleTimeoutMillis: 30_000 });
  // A connection can fail at any moment, idle in the pool or checked out in the middle of a
  // transaction (database restart, pg_terminate_backend, network reset). pg then emits 'error' on
  // the client, and an 'error' event nobody listens to crashes the process. The statement running
  // on it rejects by itself, so the request fails alone; the broken client is destroyed, not reused.
  pool.on('connect', (client) => {
    client.on('error', (error) => {
      logger.warn({ err: error }, 'database connection lost');
    });
  });
  pool.on('error', () => {
    // The pool re-emits an idle client's error; the client's own listener above has logged it.
  });

  return {
    kind: 'postgres',
    query: (sql, params) => unavailableOnConnectionFailure(() => runQuery(pool, sql, params)),
    exec: (script) =>
      unavailableOnConnectionFailure(async () => {
        await pool.query(script);
      }),
    transaction: (work) => unavailableOnConnectionFailure(() => inTransaction(pool, connection, work)),
    async ping() {
      await pool.query('SELECT 1');
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
}

async function inTransaction<T>(
  pool: pg.Pool,
  connection: pg.ClientConfig,
  work: (tx: Queryable) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // Set when the connection is unusable: it is then destroyed instead of going back to the pool.
  let broken: Error | undefined;
  try {
    const started = await begin(client);
    const result = await work({
      query: (sql, params) => runQuery(client, sql, params),
      exec: async (script) => {
        await client.query(script);
      },
    } satisfies Queryable);
    try {
      await client.query('COMMIT');
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      broken = error as Error;
      // The COMMIT may have been applied with only its answer lost: find out, rather than report
      // a failure for a transaction that is stored (the client would retry and store it twice).
      if (!(await committedAfterAll(connection, started))) throw error;
    }
    return result;
  } catch (error) {
    if (isDatabaseUnavailable(error)) {
      // The connection is gone and the server rolls back what it had: nothing to roll back here.
      broken = error as Error;
    } else if (broken === undefined) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error;
      }
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

interface StartedTransaction {
  /** pg_current_xact_id(), as text (an xid8 does not fit a JavaScript number). */
  readonly xid: string;
  /** The server process running it (pg_backend_pid()). */
  readonly pid: number;
}

/** BEGIN, and the ids needed to learn the transaction's outcome later, in one round trip. */
async function begin(client: pg.PoolClient): Promise<StartedTransaction> {
  // Several statements without parameters: one simple query, answered with one result each (pg's
  // types describe a single statement's answer).
  const results: unknown = await client.query(
    'BEGIN; SELECT pg_current_xact_id()::text AS xid, pg_backend_pid() AS pid',
  );
  if (!Array.isArray(results) || results.length !== 2) throw new Error('BEGIN returned an unexpected answer');
  const [, started] = results as [pg.QueryResult, pg.QueryResult<StartedTransaction>];
  const [row] = started.rows;
  if (row === undefined) throw new Error('BEGIN returned no transaction id');
  return row;
}

// How long the server may take to end the old connection's process before its outcome is read.
const TERMINATE_WAIT_MS = 1000;

/**
 * Whether a transaction whose COMMIT got no answer committed after all. Asked on a new connection:
 * the pool's idle ones may have been lost along with it. The transaction's server process is
 * terminated first if it still runs it, so a COMMIT still on its way cannot be applied after the
 * answer. False when it did not commit, or when the database cannot say (still unreachable): the
 * caller then reports the failure.
 */
async function committedAfterAll(connection: pg.ClientConfig, { xid, pid }: StartedTransaction): Promise<boolean> {
  const client = new pg.Client(connection);
  client.on('error', () => {
    // Lost too: the query below rejects, and the answer is "cannot say".
  });
  try {
    await client.connect();
    // backend_xid is the 32-bit xid: the low half of the xid8.
    await client.query(
      `SELECT pg_terminate_backend(pid, $3) FROM pg_stat_activity
        WHERE pid = $1 AND backend_xid::text = ($2::numeric % 4294967296)::text`,
      [pid, xid, TERMINATE_WAIT_MS],
    );
    const { rows } = await client.query<{ status: string | null }>('SELECT pg_xact_status($1::xid8) AS status', [xid]);
    return rows[0]?.status === 'committed';
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function unavailableOnConnectionFailure<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw isDatabaseUnavailable(error) ? new DatabaseUnavailableError(error) : error;
  }
}

async function runQuery<R extends Row>(
  target: pg.Pool | pg.PoolClient,
  sql: string,
  params: readonly unknown[] = [],
): Promise<QueryResult<R>> {
  const result = await target.query<R>(sql, [...params]);
  return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
}
