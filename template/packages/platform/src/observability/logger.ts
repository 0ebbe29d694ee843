import { hostname } from 'node:os';
import { pino, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';
import { logCorrelation } from '../telemetry/log-correlation.js';
import { serializeError } from './error-serializer.js';

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

// The timestamp of the last line: many lines are written within the same millisecond.
let lastMillis = 0;
let lastTimestamp = '';

/** pino's ISO timestamp (`,"time":"2026-01-31T12:00:00.000Z"`), formatted once per millisecond. */
function isoTime(): string {
  const now = Date.now();
  if (now !== lastMillis) {
    lastMillis = now;
    lastTimestamp = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTimestamp;
}

/** Lines are buffered up to this many characters, then written in one write(2). */
const BUFFER_CHARS = 4096;
/** A quiet process still writes what it buffered within this delay. */
const FLUSH_INTERVAL_MS = 100;

export interface LoggerOptions {
  readonly level: LevelWithSilent;
  /** The deployable's name, on every line; loggers that write nothing (tests) may leave it out. */
  readonly service?: string;
}

/**
 * JSON logs on stdout, one object per line, for the platform's log collector. `destination`
 * exists for tests.
 *
 * Lines are written synchronously, but in batches: a busy service would otherwise spend a
 * write(2) per access-log line (about a sixth of an authenticated read's CPU). Synchronous writes
 * need no thread-pool round trip and keep the last lines in order; whatever is still buffered is
 * written at the latest after FLUSH_INTERVAL_MS, and at once when the process exits, so a fatal
 * line logged just before `process.exit()` is not lost.
 */
export function createLogger(options: LoggerOptions, destination?: DestinationStream): Logger {
  // With tracing on, a line logged during a sampled request carries its trace id (the telemetry
  // preload's sdk.ts registers how to find it).
  const traceFields = logCorrelation();
  return pino(
    {
      ...(traceFields === undefined ? {} : { mixin: traceFields }),
      level: options.level,
      // On every line: `service` is what a log backend groups by (the collector's logs pipeline
      // makes it the OpenTelemetry `service.name`, as on this deployable's traces and metrics).
      base: { service: options.service, pid: process.pid, hostname: hostname() },
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      // Errors are logged without the data drivers attach to them (statement parameters, row values).
      serializers: { err: serializeError },
      // Level names ("info") instead of numbers (30): readable by people and by every log backend.
      formatters: { level: (label) => ({ level: label }) },
      timestamp: isoTime,
    },
    destination ?? bufferedStdout(),
  );
}

// One per process, shared by every logger: one buffer, one timer, one exit hook.
let stdout: DestinationStream | undefined;

function bufferedStdout(): DestinationStream {
  if (stdout !== undefined) return stdout;
  const destination = pino.destination({
    dest: 1,
    sync: true,
    minLength: BUFFER_CHARS,
    periodicFlush: FLUSH_INTERVAL_MS,
  });
  process.once('exit', () => {
    destination.flushSync();
  });
  stdout = destination;
  return destination;
}
