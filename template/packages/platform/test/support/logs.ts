import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/observability/logger.js';

/** The service name captured loggers write on every line. */
export const CAPTURED_SERVICE = 'captured-service';

/** The application's logger writing into an array, to assert on the JSON lines it produces. */
export function captureLogs(level: 'info' | 'debug' = 'info'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level, service: CAPTURED_SERVICE }, stream), lines };
}
