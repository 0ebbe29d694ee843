import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcess } from '../helpers/processes.js';
import { connectTestRedis, deleteKeysAndClose, REDIS_URL, uniqueKeyPrefix } from '../helpers/redis.js';

/** A stand-in OTLP/HTTP collector: keeps the body of every trace export it receives. */
class OtlpReceiver {
  readonly exports: { contentType: string | undefined; body: Buffer }[] = [];
  readonly #server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        this.exports.push({ contentType: request.headers['content-type'], body: Buffer.concat(chunks) });
      }
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
  }
}

describe('OpenTelemetry', () => {
  const receiver = new OtlpReceiver();
  let endpoint: string;

  beforeAll(async () => {
    endpoint = await receiver.start();
  });

  afterAll(async () => {
    await receiver.stop();
  });

  const exported = (text: string) => receiver.exports.some(({ body }) => body.includes(text));

  it('exports the spans of a request, whose trace id is on its log line', { timeout: 90_000 }, async () => {
    const keyPrefix = uniqueKeyPrefix();
    const server = startProcess(
      'src/server.ts',
      {
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: '0',
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        ...(process.env.DATABASE_URL === undefined ? {} : { DATABASE_URL: process.env.DATABASE_URL }),
        ...(REDIS_URL === undefined ? {} : { REDIS_URL, REDIS_KEY_PREFIX: keyPrefix }),
      },
      ['--import', './src/telemetry.ts'],
    );
    try {
      const address = await server.listening;

      const response = await fetch(`${address}/v1/users/me`);

      expect(response.status).toBe(401);
      const requestId = response.headers.get('x-request-id');
      const logged = await server.waitForLog((line) => line.requestId === requestId, 'the access log line');
      expect(logged.trace_id).toMatch(/^[0-9a-f]{32}$/);
      const traceId = Buffer.from(String(logged.trace_id), 'hex');
      await expect
        .poll(() => receiver.exports.some(({ body }) => body.includes(traceId)), { timeout: 10_000 })
        .toBe(true);
      expect(receiver.exports[0]?.contentType).toBe('application/x-protobuf');

      // A login reads the users table: with DATABASE_URL, its PostgreSQL query is a span of the
      // request (PGlite runs in process, there is no client to trace); so are the rate limiter's
      // Redis commands when REDIS_URL is set.
      await fetch(`${address}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'nobody@example.com', password: 'not a password' }),
      });
      if (process.env.DATABASE_URL !== undefined) {
        await expect.poll(() => exported('FROM users WHERE email = $1'), { timeout: 10_000 }).toBe(true);
      }
      if (REDIS_URL !== undefined)
        await expect.poll(() => exported('@opentelemetry/instrumentation-ioredis'), { timeout: 10_000 }).toBe(true);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      if (REDIS_URL !== undefined) await deleteKeysAndClose(await connectTestRedis(), keyPrefix);
    }
  });
});
