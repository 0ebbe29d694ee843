/** Seconds a client is told to wait before retrying a request the database could not serve. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/**
 * The database could not serve a statement: the connection was lost, it could not be opened in
 * time, the server is shutting down or refused it, or the statement passed its deadline. Nothing
 * about the request is wrong, and a retry a moment later may well succeed, so the HTTP layer answers
 * 503 with Retry-After (it reads `retryAfterSeconds`, not this class: the layers stay apart).
 */
export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';
  readonly retryAfterSeconds = DATABASE_RETRY_AFTER_SECONDS;

  constructor(cause: unknown) {
    super('The database is unavailable; retry in a moment', { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

// Socket-level failures, as Node reports them.
const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// SQLSTATEs that say the server cannot serve now, not that the statement is wrong: class 08
// (connection exception) is matched by prefix; 57P01-03 shutting down or starting, 53300 too many
// connections, 57014 cancelled by statement_timeout.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);

// pg reports a dead or timed-out connection with these messages and no code.
const CONNECTION_FAILURE_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
];

/** Whether `error` means the database could not serve the statement (see DatabaseUnavailableError). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    (NETWORK_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))
  ) {
    return true;
  }
  return CONNECTION_FAILURE_MESSAGES.some((message) => error.message.startsWith(message));
}
