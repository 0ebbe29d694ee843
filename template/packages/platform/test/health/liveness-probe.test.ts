import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isLive, probedPort } from '../../src/health/liveness-probe.js';

describe('isLive', () => {
  let server: Server | undefined;

  afterEach(async () => {
    await new Promise((resolve) => {
      if (server === undefined) resolve(undefined);
      else server.close(resolve);
    });
  });

  /** A local process whose /health/live answers with `status`; returns its port. */
  const serving = async (status: number): Promise<number> => {
    server = createServer((request, response) => {
      response.writeHead(request.url === '/health/live' ? status : 404).end();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };

  it('is true when the process answers /health/live', async () => {
    expect(await isLive(await serving(200))).toBe(true);
  });

  it('is false when the process answers with an error', async () => {
    expect(await isLive(await serving(503))).toBe(false);
  });

  it('is false when nothing listens on the port', async () => {
    const port = await serving(200);
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;

    expect(await isLive(port)).toBe(false);
  });
});

describe('probedPort', () => {
  const worker = { worker: { portVariable: 'WORKER_PORT', defaultPort: 3100 } };

  it("is the main process's port without a name: $PORT, else its default", () => {
    expect(probedPort(undefined, { PORT: '8080' }, 3000, worker)).toBe('8080');
    expect(probedPort(undefined, {}, 3000, worker)).toBe('3000');
  });

  it("is the named process's port: its variable, else its default", () => {
    expect(probedPort('worker', { PORT: '8080', WORKER_PORT: '9090' }, 3000, worker)).toBe('9090');
    expect(probedPort('worker', { PORT: '8080' }, 3000, worker)).toBe('3100');
  });

  it("is the main process's port for a name that is not one of the others", () => {
    expect(probedPort('projector', { PORT: '8080' }, 3000, worker)).toBe('8080');
    expect(probedPort('toString', {}, 3000, {})).toBe('3000');
  });
});
