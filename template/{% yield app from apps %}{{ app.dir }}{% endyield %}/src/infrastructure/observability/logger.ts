import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/config.js';

export type { Logger } from 'pino';

/**
 * Secrets that must never reach a log line, wherever a developer happens to log them:
 * request/response headers, and the usual names of credentials in logged objects.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'password',
  'passwordHash',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
];

/**
 * JSON logs on stdout, one object per line, for the platform's log collector. `destination`
 * exists for tests.
 *
 * Lines are written synchronously: each costs one write(2) on the event loop and no thread-pool
 * round trip, a fatal line is out before the process exits, and the last lines keep their order
 * (an asynchronous destination flushed at exit can write its buffer before the write in flight).
 */
export function createLogger(options: { level: LogLevel }, destination?: DestinationStream): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      // Level names ("info") instead of numbers (30): readable by people and by every log backend.
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
