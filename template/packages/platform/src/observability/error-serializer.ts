import { pino } from 'pino';

/**
 * Error properties that say what failed and where, never with which data. Database drivers attach
 * the data to their errors: PGlite the failed statement and its parameters (`query`, `params`: an
 * e-mail, a password hash), PostgreSQL the offending values (`detail`: "Key (email)=(…) already
 * exists", "Failing row contains (…)"), and the statement's position (`where`, `internalQuery`).
 * Only the listed properties are logged, so a driver adding a new one cannot leak through.
 */
const LOGGED_PROPERTIES = new Set([
  'type',
  'message',
  'stack',
  // Node's system errors and PostgreSQL's SQLSTATE.
  'code',
  'errno',
  'syscall',
  'statusCode',
  // Which part of the schema a PostgreSQL error is about: names, not values.
  'severity',
  'routine',
  'schema',
  'table',
  'column',
  'constraint',
  'dataType',
]);

/** pino's `err` serializer, keeping the LOGGED_PROPERTIES only (message and stack include causes). */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error, message: 'a non-Error value was thrown' };
  const serialized: Record<string, unknown> = pino.stdSerializers.err(error);
  return Object.fromEntries(Object.entries(serialized).filter(([name]) => LOGGED_PROPERTIES.has(name)));
}
