import type { PoolStats } from '../observability/pool-metrics.js';

export type Row = Record<string, unknown>;

export interface QueryResult<R extends Row> {
  readonly rows: R[];
  /** Rows returned by a SELECT or changed by INSERT/UPDATE/DELETE. */
  readonly rowCount: number;
}

/** What repositories use: parameterised SQL, in or out of a transaction. */
export interface Queryable {
  /** One statement; values are passed as $1, $2… parameters, never concatenated into the SQL. */
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** A multi-statement script without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/**
 * PostgreSQL, whether a real server behind a pool or PGlite in process. The rest of the code
 * depends on this interface only.
 */
export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query (readiness probe). */
  ping(): Promise<void>;
  poolStats(): PoolStats;
  close(): Promise<void>;
}
